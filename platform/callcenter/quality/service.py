"""The supervisor board: who sees what, the board's snapshot, forcing an agent's pause or
log-out, alert thresholds and supervisor users.

A supervisor user sees only its tenant; restricted to some queues, only those queues and the
agents assigned to them. Tenant admins see the whole tenant.
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

from callcenter.agents import repo as agents_repo
from callcenter.agents import service as agents
from callcenter.agents.schemas import PauseIn
from callcenter.auth import repo as users
from callcenter.auth.passwords import Hasher
from callcenter.auth.principal import Principal, Role
from callcenter.db.pool import connection, on_conflict, transaction
from callcenter.errors import InvalidInput
from callcenter.quality import repo
from callcenter.quality.board import (
    DEFAULT,
    EVERYTHING,
    Scope,
    Thresholds,
    agent_row,
    queue_alerts,
    scoped_queues,
)
from callcenter.quality.errors import (
    NoSuchAgent,
    NoSuchCall,
    NoSuchQueue,
    NoSuchSupervisor,
    NotSupervised,
)
from callcenter.quality.schemas import (
    ForcePauseIn,
    SupervisedQueuesIn,
    SupervisorIn,
    ThresholdIn,
)
from callcenter.reports.live import LiveWallboard
from callcenter.tenants.errors import UsernameTaken
from callcenter.workspace.core import AgentRef, AgentSaved
from callcenter.workspace.runtime import ref_of_row

BOARD_ROLES: tuple[Role, ...] = ("tenant_admin", "supervisor")


async def scope_of(conn: Any, who: Principal, tenant_id: str) -> Scope:
    """What this user sees of the tenant (callers have checked the tenant already)."""
    if who.role != "supervisor":
        return EVERYTHING
    queues = await repo.supervised_queues(conn, tenant_id, who.user_id)
    if not queues:
        return EVERYTHING
    members = await repo.queue_member_extensions(conn, tenant_id, queues)
    return Scope(frozenset(queues), frozenset(members))


async def scope(pool: Any, who: Principal, tenant_id: str) -> Scope:
    """``scope_of`` on a connection of its own."""
    async with connection(pool) as conn:
        return await scope_of(conn, who, tenant_id)


def thresholds_table(rows: list[Any]) -> dict[str, Thresholds]:
    """Threshold rows by queue ('' the default)."""
    return {
        r["queue_name"]: Thresholds(
            float(r["min_service_level"]) if r["min_service_level"] is not None else None,
            r["max_longest_wait_s"],
        )
        for r in rows
    }


async def board(
    deps: agents.AgentDeps,
    wallboard: LiveWallboard | None,
    who: Principal,
    tenant_id: str,
) -> dict[str, Any]:
    """Every agent in scope with its state and call; queue figures and alerts."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with connection(deps.pool) as conn:
        seen = await scope_of(conn, who, tenant_id)
        table = thresholds_table(await repo.thresholds(conn, tenant_id))
    now = time.time()
    core = deps.workspace.core
    rows = [
        agent_row(ref.extension, ref.name, core.state_of(ep), core.pops.get(ep), now)
        for ep, ref in core.agents.items()
        if ref.tenant_id == tenant_id and seen.sees_agent(ref.extension)
    ]
    rows.sort(key=lambda r: r["agent"])
    queues = scoped_queues(wallboard.board.snapshot(tenant_id, now), seen) if wallboard else []
    return {
        "agents": rows,
        "queues": queues,
        "alerts": queue_alerts(queues, table),
        "scope": None if seen.queues is None else sorted(seen.queues),
        "generated_at": now,
    }


async def _agent_in_scope(
    deps: agents.AgentDeps, who: Principal, tenant_id: str, extension: str
) -> tuple[AgentRef, Any]:
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with connection(deps.pool) as conn:
        row = await agents_repo.agent_by_extension(conn, tenant_id, extension)
        seen = await scope_of(conn, who, tenant_id)
    if row is None:
        raise NoSuchAgent("no such agent", field="agent")
    if not seen.sees_agent(extension):
        raise NotSupervised("not an agent of your queues", field="agent")
    ref = deps.workspace.agent(row["endpoint_id"])
    if ref is None:
        ref = ref_of_row(row)
        deps.workspace.feed(AgentSaved(ref))
    return ref, row


async def force_pause(
    deps: agents.AgentDeps,
    who: Principal,
    tenant_id: str,
    extension: str,
    data: ForcePauseIn | None,
) -> dict[str, Any]:
    """Pause (``data``) or unpause (None) an agent of the supervisor's scope."""
    ref, row = await _agent_in_scope(deps, who, tenant_id, extension)
    pause = PauseIn(reason=data.reason) if data is not None else None
    return await agents.set_pause(deps, ref, bool(row["logged_in"]), pause)


async def force_logout(
    deps: agents.AgentDeps, who: Principal, tenant_id: str, extension: str
) -> dict[str, Any]:
    """Log an agent out: its seat is unavailable to every queue at once."""
    ref, _ = await _agent_in_scope(deps, who, tenant_id, extension)
    return await agents.set_login(deps, ref, False)


def check_supervisor_scope(seen: Scope, extension: str) -> None:
    """Listen, whisper and barge stay inside a restricted supervisor's queues."""
    if not seen.sees_agent(extension):
        raise NotSupervised("not an agent of your queues", field="agent")


# ------------------------------------------------------------------ thresholds
def _threshold_view(rows: list[Any]) -> dict[str, Any]:
    def one(r: Any) -> dict[str, Any]:
        sl = r["min_service_level"]
        return {
            "min_service_level": float(sl) if isinstance(sl, Decimal | float) else None,
            "max_longest_wait_s": r["max_longest_wait_s"],
        }

    by_queue = {r["queue_name"]: one(r) for r in rows}
    default = by_queue.pop(DEFAULT, {"min_service_level": None, "max_longest_wait_s": None})
    return {"default": default, "queues": by_queue}


async def get_thresholds(pool: Any, who: Principal, tenant_id: str) -> dict[str, Any]:
    """The tenant's default thresholds and each queue's own."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with connection(pool) as conn:
        return _threshold_view(await repo.thresholds(conn, tenant_id))


async def put_threshold(
    pool: Any, who: Principal, tenant_id: str, queue: str | None, data: ThresholdIn
) -> dict[str, Any]:
    """Set the tenant's default thresholds (``queue`` None) or one queue's."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        if queue is not None and not await repo.existing_queues(conn, tenant_id, [queue]):
            raise NoSuchQueue("no such queue", field="queue")
        await repo.put_threshold(
            conn,
            tenant_id,
            queue or DEFAULT,
            data.min_service_level,
            data.max_longest_wait_s,
        )
        return _threshold_view(await repo.thresholds(conn, tenant_id))


# ------------------------------------------------------------------ supervisor users
def _supervisor_view(row: Any) -> dict[str, Any]:
    return {
        "username": row["username"],
        "disabled": row["disabled"],
        "queues": list(row["queues"]),
    }


async def _check_queues(conn: Any, tenant_id: str, queues: list[str]) -> list[str]:
    wanted = sorted(set(queues))
    known = await repo.existing_queues(conn, tenant_id, wanted)
    for i, name in enumerate(queues):
        if name not in known:
            raise NoSuchQueue("no such queue", field=f"queues[{i}]")
    return wanted


async def create_supervisor(
    pool: Any, hasher: Hasher, who: Principal, tenant_id: str, data: SupervisorIn
) -> dict[str, Any]:
    """A supervisor user of the tenant, restricted to ``queues`` when any are given."""
    who.require_tenant(tenant_id, "tenant_admin")
    password_hash = await hasher.hash(data.password)
    async with transaction(pool) as conn:
        queues = await _check_queues(conn, tenant_id, data.queues)
        async with on_conflict(UsernameTaken("already taken", field="username")):
            user_id = await users.insert_user(
                conn, tenant_id, data.username, password_hash, "supervisor"
            )
        await repo.set_supervised_queues(conn, tenant_id, user_id, queues)
    return {"username": data.username, "disabled": False, "queues": queues}


async def list_supervisors(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's supervisor users."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return [_supervisor_view(r) for r in await repo.list_supervisors(conn, tenant_id)]


async def set_supervised(
    pool: Any, who: Principal, tenant_id: str, username: str, data: SupervisedQueuesIn
) -> dict[str, Any]:
    """Restrict a supervisor to some queues (empty: the whole tenant). Takes effect on the
    board's next load and the supervisor's next websocket connection."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        row = await repo.supervisor_user(conn, tenant_id, username)
        if row is None:
            raise NoSuchSupervisor("no such supervisor", field="username")
        queues = await _check_queues(conn, tenant_id, data.queues)
        await repo.set_supervised_queues(conn, tenant_id, row["id"], queues)
    return {"username": username, "disabled": row["disabled"], "queues": queues}


# ------------------------------------------------------------------ talk figures
FLAGS = ("long_silence", "agent_dominates", "overtalk")


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def talk_view(row: Any) -> dict[str, Any]:
    """A call's talk figures as the API shows them."""
    segments = row["segments"]
    return {
        "linkedid": row["linkedid"],
        "agent": row["agent_extension"],
        "seconds": _num(row["seconds"]),
        "agent_talk_s": _num(row["agent_talk_s"]),
        "customer_talk_s": _num(row["customer_talk_s"]),
        "agent_share": _num(row["agent_share"]),
        "customer_share": _num(row["customer_share"]),
        "longest_silence_s": _num(row["longest_silence_s"]),
        "overtalk_s": _num(row["overtalk_s"]),
        "hold_s": _num(row["hold_s"]),
        "flags": list(row["flags"]),
        "segments": json.loads(segments) if isinstance(segments, str) else segments,
        "created_at": row["created_at"].isoformat(),
    }


async def call_talk(pool: Any, who: Principal, tenant_id: str, linkedid: str) -> dict[str, Any]:
    """One recorded call's talk figures (a restricted supervisor: its agents' calls only)."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with connection(pool) as conn:
        row = await repo.get_talk(conn, tenant_id, linkedid[:64])
        seen = await scope_of(conn, who, tenant_id)
    if row is None or not seen.sees_agent(row["agent_extension"]):
        raise NoSuchCall("no talk figures for this call", field="linkedid")
    return talk_view(row)


async def list_talk(
    pool: Any, who: Principal, tenant_id: str, flag: str | None, limit: int
) -> list[dict[str, Any]]:
    """The latest recorded calls' talk figures, optionally only those with ``flag``."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    if flag is not None and flag not in FLAGS:
        raise InvalidInput("unknown flag", field="flag", allowed=list(FLAGS))
    if not 1 <= limit <= 500:
        raise InvalidInput("limit must be 1 to 500", field="limit")
    async with connection(pool) as conn:
        seen = await scope_of(conn, who, tenant_id)
        agents = None if seen.agents is None else sorted(seen.agents)
        rows = await repo.list_talk(conn, tenant_id, flag, agents, limit)
    return [talk_view(r) for r in rows]
