"""Revocable access: is a (validly signed) token still good, right now?

A signature only proves who the token was issued to. Whether that user may still act is
state in PostgreSQL: the user exists and is not disabled, its ``token_version`` still equals
the token's (a password change or disabling bumps it), an agent still has its seat, and its
tenant is not suspended. ``AccessGuard`` answers from a small in-memory cache that a LISTEN
on ``cc_access`` (triggers of migration 0012) invalidates the moment such a change commits;
while that listener is down it asks PostgreSQL on every request instead (one indexed
lookup), and no cached answer is older than a second even if a NOTIFY were lost or the
listener's connection died silently (it is pinged every second). Open websockets register here and
are closed, with a close code and the reason's slug, when their access goes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.listen import MISSED, listen_forever
from callcenter.db.pool import connection
from callcenter.errors import DomainError, Forbidden, Unauthorized
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)

CHANNEL = "cc_access"
PING_S = 1.0
# A cached answer is used for at most this long even if no NOTIFY came (one lost in
# transit, or a listener that has not noticed its connection is gone yet): the bound on
# how stale an answer can ever be. NOTIFYs make it immediate in the normal case.
MAX_AGE_S = 1.0
# Websocket close codes (4000-4999 are the application's): 4401 the token no longer
# authenticates anyone, 4403 it does but the tenant may not use the live console now.
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


@dataclass(frozen=True, slots=True)
class Access:
    """What PostgreSQL says about one user now."""

    user_id: int
    tenant_id: str | None
    role: str
    token_version: int
    disabled: bool
    seated: bool  # agents: the user still has an agent row, i.e. its seat exists
    tenant_status: str | None


def refusal(access: Access | None, who: Principal) -> DomainError | None:
    """Why ``who``'s token must be refused now, or None. Pure."""
    if access is None:
        return Unauthorized("this user no longer exists", slug="token-revoked")
    if access.role != who.role or access.tenant_id != who.tenant_id:
        return Unauthorized("invalid token claims", slug="invalid-token")
    if access.disabled:
        return Unauthorized("this user is disabled", slug="user-disabled")
    if access.token_version != who.token_version:
        return Unauthorized(
            "this token was revoked (password changed); sign in again", slug="token-revoked"
        )
    if access.tenant_id is not None and access.tenant_status == "closed":
        return Forbidden("the tenant is closed", slug="tenant-closed")
    if who.role == "agent" and not access.seated:
        return Unauthorized("the agent's seat was removed", slug="seat-removed")
    if who.role == "agent" and access.tenant_status == "suspended":
        return Forbidden("the tenant is suspended", slug="tenant-suspended")
    return None


def live_refusal(access: Access | None, who: Principal) -> DomainError | None:
    """``refusal``, and on live connections (websockets) a suspended tenant for every role."""
    refused = refusal(access, who)
    if refused is None and access is not None and access.tenant_status == "suspended":
        return Forbidden("the tenant is suspended", slug="tenant-suspended")
    return refused


def close_code(exc: DomainError) -> int:
    """The websocket close code for a refusal."""
    return CLOSE_FORBIDDEN if isinstance(exc, Forbidden) else CLOSE_UNAUTHORIZED


Closer = Callable[[DomainError], Awaitable[None]]


@dataclass(eq=False)
class Session:
    """One open websocket: whose, and how to close it."""

    who: Principal
    close: Closer
    timer: asyncio.TimerHandle | None = None
    closing: bool = False


_QUERY = (
    "SELECT u.id, u.tenant_id, u.role, u.token_version, u.disabled,"
    " (a.user_id IS NOT NULL) AS seated, t.status AS tenant_status"
    " FROM users u LEFT JOIN agents a ON a.user_id = u.id"
    " LEFT JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1"
)


@dataclass
class AccessGuard:
    """The cache, its invalidation by LISTEN/NOTIFY, and the websockets to close."""

    pool: Any
    dsn: str
    max_cached: int = 50_000
    _users: dict[int, tuple[float, Access | None]] = field(default_factory=dict)
    _tenants: dict[str, tuple[float, str | None]] = field(default_factory=dict)
    _generation: int = 0
    _listening: bool = False
    _sessions: dict[int, set[Session]] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    invalidations: int = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Start listening for access changes."""
        self._spawn(self._listen(), "access-listener")

    async def stop(self) -> None:
        """Stop listening; cancel pending re-checks and expiry timers."""
        await cancel_and_wait(list(self._tasks))
        for sessions in self._sessions.values():
            for session in sessions:
                if session.timer is not None:
                    session.timer.cancel()

    def _spawn(self, coro: Awaitable[None], name: str) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _listen(self) -> None:
        # A silent loss of the LISTEN connection is noticed within two pings (PING_S).
        await listen_forever(self.dsn, CHANNEL, self._notified, on_lost=self._lost, ping_s=PING_S)

    def _notified(self, payload: str) -> None:
        if payload == MISSED:
            # (Back) up: whatever changed while nobody listened: forget it all, re-check
            # everyone.
            self._listening = True
        self.changed(payload)

    def _lost(self) -> None:
        self._listening = False
        self._forget_all()

    # ------------------------------------------------------------------ lookups
    async def access(self, user_id: int, fresh: bool = False) -> Access | None:
        """The user's access state (cached while the listener is up, unless ``fresh``)."""
        now = time.monotonic()
        cached = self._users.get(user_id) if self._listening and not fresh else None
        if cached is not None and now - cached[0] < MAX_AGE_S:
            return cached[1]
        generation = self._generation
        async with connection(self.pool) as conn:
            row = await conn.fetchrow(_QUERY, user_id)
        found = (
            None
            if row is None
            else Access(
                user_id=row["id"],
                tenant_id=row["tenant_id"],
                role=row["role"],
                token_version=row["token_version"],
                disabled=row["disabled"],
                seated=row["seated"],
                tenant_status=row["tenant_status"],
            )
        )
        # Only what nothing invalidated meanwhile may be kept (no stale entry survives).
        if self._listening and generation == self._generation:
            if len(self._users) >= self.max_cached:
                self._users.clear()
            self._users[user_id] = (now, found)
        return found

    async def tenant_status(self, tenant_id: str, fresh: bool = False) -> str | None:
        """``active``, ``suspended``, or None for no such tenant (cached unless ``fresh``)."""
        now = time.monotonic()
        cached = self._tenants.get(tenant_id) if self._listening and not fresh else None
        if cached is not None and now - cached[0] < MAX_AGE_S:
            return cached[1]
        generation = self._generation
        async with connection(self.pool) as conn:
            status: str | None = await conn.fetchval(
                "SELECT status FROM tenants WHERE id = $1", tenant_id
            )
        if self._listening and generation == self._generation:
            if len(self._tenants) >= self.max_cached:
                self._tenants.clear()
            self._tenants[tenant_id] = (now, status)
        return status

    async def check(self, who: Principal) -> None:
        """Raise the refusal of ``who``'s token, if any (API requests). A refusal is read
        again from PostgreSQL before it is given: a change this request's client just made
        (a new token after a password change, a reactivation) may not have reached the cache
        through its NOTIFY yet, and refusals are rare enough to pay one lookup."""
        refused = refusal(await self.access(who.user_id), who)
        if refused is not None:
            refused = refusal(await self.access(who.user_id, fresh=True), who)
        if refused is not None:
            raise refused

    async def check_live(self, who: Principal) -> None:
        """Raise the refusal of ``who``'s token on a live connection, if any."""
        refused = live_refusal(await self.access(who.user_id), who)
        if refused is not None:
            raise refused

    # ------------------------------------------------------------------ invalidation
    def _forget_all(self) -> None:
        self._generation += 1
        self._users.clear()
        self._tenants.clear()

    def changed(self, payload: str) -> None:
        """A NOTIFY on ``cc_access``: ``u:<id>``, ``t:<tenant>``, or ``*`` (everything)."""
        self.invalidations += 1
        self._generation += 1
        kind, _, key = payload.partition(":")
        affected: list[Session] = []
        if kind == "u" and key.isdigit():
            self._users.pop(int(key), None)
            affected = list(self._sessions.get(int(key), ()))
        elif kind == "t":
            self._tenants.pop(key, None)
            stale = [u for u, (_, a) in self._users.items() if a is None or a.tenant_id == key]
            for uid in stale:
                del self._users[uid]
            affected = [s for ss in self._sessions.values() for s in ss if s.who.tenant_id == key]
        else:
            self._forget_all()
            affected = [s for ss in self._sessions.values() for s in ss]
        if affected:
            self._spawn(self._recheck(affected), "access-recheck")

    async def _recheck(self, sessions: list[Session]) -> None:
        for session in sessions:
            if session.closing:
                continue
            try:
                refused = live_refusal(await self.access(session.who.user_id), session.who)
            except DomainError as exc:
                log.warning("cannot re-check a websocket's access: %s", exc.message)
                continue  # the database is away; the next change re-checks
            if refused is not None:
                await self._close(session, refused)

    async def _close(self, session: Session, reason: DomainError) -> None:
        if session.closing:
            return
        session.closing = True
        self.unwatch(session)
        try:
            await session.close(reason)
        except (ConnectionError, RuntimeError) as exc:
            log.debug("websocket already gone: %s", exc)

    # ------------------------------------------------------------------ websockets
    def watch(self, who: Principal, expires_at: float, close: Closer) -> Session:
        """Register an open websocket; it is closed when its access goes or its token expires."""
        session = Session(who, close)
        self._sessions.setdefault(who.user_id, set()).add(session)
        delay = max(0.0, expires_at - time.time())
        expired = Unauthorized("token expired", slug="token-expired")
        session.timer = asyncio.get_running_loop().call_later(
            delay, lambda: self._spawn(self._close(session, expired), "token-expiry")
        )
        return session

    def unwatch(self, session: Session) -> None:
        """Forget a websocket (it closed)."""
        if session.timer is not None:
            session.timer.cancel()
        sessions = self._sessions.get(session.who.user_id)
        if sessions is not None:
            sessions.discard(session)
            if not sessions:
                del self._sessions[session.who.user_id]

    def watched(self) -> int:
        """How many websockets are registered."""
        return sum(len(s) for s in self._sessions.values())
