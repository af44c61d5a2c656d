"""Scorecards: QA forms, sampling rules that pick recorded calls, reviews scored by a
reviewer at moments of the recording, one appeal by the agent, a second reviewer's decision,
and reports of QA scores per agent, queue and item over time.

Reviewers are tenant admins and supervisors (a restricted supervisor: its queues' agents
only). An agent sees its own reviews once scored, and may appeal each once.
"""

from __future__ import annotations

import json
from typing import Any

from callcenter.agents import repo as agents_repo
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import InvalidInput
from callcenter.quality import repo
from callcenter.quality.errors import (
    NoSuchForm,
    NoSuchReview,
    NotSupervised,
    SameReviewer,
    WrongReviewState,
)
from callcenter.quality.schemas import AppealIn, FormIn, SamplingIn, SamplingRunIn, ScoreIn
from callcenter.quality.scoring import (
    CallFacts,
    FormItem,
    SamplingRules,
    next_status,
    pick,
    score,
)
from callcenter.quality.service import BOARD_ROLES, scope_of


def _items(raw: Any) -> list[FormItem]:
    data = json.loads(raw) if isinstance(raw, str) else raw
    return [FormItem(i["key"], i["label"], float(i["weight"]), bool(i["critical"])) for i in data]


def _form_view(row: Any) -> dict[str, Any]:
    return {
        "name": row["name"],
        "title": row["title"],
        "items": [
            {"key": i.key, "label": i.label, "weight": i.weight, "critical": i.critical}
            for i in _items(row["items"])
        ],
    }


# ------------------------------------------------------------------ forms and sampling
async def put_form(
    pool: Any, who: Principal, tenant_id: str, name: str, data: FormIn
) -> dict[str, Any]:
    """Create or replace a QA form."""
    who.require_tenant(tenant_id, "tenant_admin")
    seen: set[str] = set()
    for i, item in enumerate(data.items):
        if item.key in seen:
            raise InvalidInput("item key used twice", field=f"items[{i}].key")
        seen.add(item.key)
    items = json.dumps([i.model_dump() for i in data.items])
    async with transaction(pool) as conn:
        return _form_view(await repo.put_form(conn, tenant_id, name, data.title, items))


async def list_forms(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's QA forms."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with connection(pool) as conn:
        return [_form_view(r) for r in await repo.forms(conn, tenant_id)]


def _sampling_view(row: Any) -> dict[str, Any]:
    if row is None:
        return SamplingIn().model_dump()
    return {
        "weekly_share": float(row["weekly_share"]),
        "long_call_s": row["long_call_s"],
        "talk_flags": list(row["talk_flags"]),
        "flag_silence_s": float(row["flag_silence_s"]),
        "flag_agent_share": float(row["flag_agent_share"]),
        "flag_overtalk_s": float(row["flag_overtalk_s"]),
        "low_survey_max": row["low_survey_max"],
    }


async def get_sampling(pool: Any, who: Principal, tenant_id: str) -> dict[str, Any]:
    """The tenant's sampling rules."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with connection(pool) as conn:
        return _sampling_view(await repo.sampling(conn, tenant_id))


async def put_sampling(
    pool: Any, who: Principal, tenant_id: str, data: SamplingIn
) -> dict[str, Any]:
    """Set the tenant's sampling rules."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        await repo.put_sampling(
            conn,
            tenant_id,
            data.weekly_share,
            data.long_call_s,
            sorted(set(data.talk_flags)),
            (data.flag_silence_s, data.flag_agent_share, data.flag_overtalk_s),
            data.low_survey_max,
        )
        return _sampling_view(await repo.sampling(conn, tenant_id))


async def run_sampling(
    pool: Any, who: Principal, tenant_id: str, data: SamplingRunIn
) -> list[dict[str, Any]]:
    """Pick recorded calls of the last days by the tenant's rules; a pending review of each
    with ``form`` (a call already up for that form is not picked twice)."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with transaction(pool) as conn:
        if await repo.form(conn, tenant_id, data.form) is None:
            raise NoSuchForm("no such form", field="form")
        rules_row = await repo.sampling(conn, tenant_id)
        seen = await scope_of(conn, who, tenant_id)
        rules = SamplingRules(
            float(rules_row["weekly_share"]) if rules_row else 0.0,
            rules_row["long_call_s"] if rules_row else None,
            frozenset(rules_row["talk_flags"]) if rules_row else frozenset(),
            rules_row["low_survey_max"] if rules_row else None,
        )
        calls = [
            CallFacts(
                r["linkedid"],
                r["agent"],
                r["queue"],
                r["at"],
                int(r["seconds"]),
                frozenset(r["flags"]),
                r["survey"],
            )
            for r in await repo.recorded_calls(conn, tenant_id, data.days)
            if seen.sees_agent(r["agent"])
        ]
        out = []
        for call, reason in pick(calls, rules):
            row = await repo.insert_review(
                conn, tenant_id, call.linkedid, call.agent, call.queue, data.form, reason, call.at
            )
            if row is not None:
                out.append(
                    {
                        "id": row["id"],
                        "linkedid": call.linkedid,
                        "agent": call.agent,
                        "reason": reason,
                    }
                )
    return out


# ------------------------------------------------------------------ reviews
def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def _review_view(row: Any) -> dict[str, Any]:
    def at(v: Any) -> str | None:
        return None if v is None else str(v.isoformat())

    return {
        "id": row["id"],
        "linkedid": row["linkedid"],
        "agent": row["agent_extension"],
        "queue": row["queue"],
        "form": row["form_name"],
        "reason": row["reason"],
        "status": row["status"],
        "call_at": at(row["call_at"]),
        "reviewer": row["reviewer"],
        "score": _num(row["score"]),
        "comment": row["comment"],
        "scored_at": at(row["scored_at"]),
        "appeal": row["appeal"],
        "appealed_at": at(row["appealed_at"]),
        "decider": row["decider"],
        "final_score": _num(row["final_score"]),
        "decision": row["decision"],
        "decided_at": at(row["decided_at"]),
    }


async def _agent_extension(conn: Any, who: Principal, tenant_id: str) -> str:
    assert who.tenant_id is not None
    row = await agents_repo.get_agent(conn, tenant_id, who.user_id)
    if row is None:
        raise NoSuchReview("no agent profile for this user")
    return str(row["extension"])


async def list_reviews(
    pool: Any, who: Principal, tenant_id: str, status: str | None
) -> list[dict[str, Any]]:
    """Reviewers: the tenant's reviews (their queues' agents'); an agent: its own, scored."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor", "agent")
    if status is not None and status not in ("pending", "scored", "appealed", "final"):
        raise InvalidInput("unknown status", field="status")
    async with connection(pool) as conn:
        if who.role == "agent":
            agents: list[str] | None = [await _agent_extension(conn, who, tenant_id)]
        else:
            seen = await scope_of(conn, who, tenant_id)
            agents = None if seen.agents is None else sorted(seen.agents)
        rows = await repo.reviews(conn, tenant_id, status, agents, who.role == "agent")
    return [_review_view(r) for r in rows]


async def _readable(conn: Any, who: Principal, tenant_id: str, review_id: int) -> Any:
    row = await repo.review(conn, tenant_id, review_id)
    if row is None:
        raise NoSuchReview("no such review", field="id")
    if who.role == "agent":
        if row["agent_extension"] != await _agent_extension(conn, who, tenant_id):
            raise NoSuchReview("no such review", field="id")
        if row["status"] == "pending":
            raise NoSuchReview("no such review", field="id")
    elif not (await scope_of(conn, who, tenant_id)).sees_agent(row["agent_extension"]):
        raise NotSupervised("not an agent of your queues", field="id")
    return row


async def get_review(pool: Any, who: Principal, tenant_id: str, review_id: int) -> dict[str, Any]:
    """A review with its form, item scores (moments, notes), recordings and talk timeline."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor", "agent")
    async with connection(pool) as conn:
        row = await _readable(conn, who, tenant_id, review_id)
        form = await repo.form(conn, tenant_id, row["form_name"])
        items = await repo.review_items(conn, review_id)
        recordings = await repo.recordings_of(conn, tenant_id, row["linkedid"])
        talk = await repo.get_talk(conn, tenant_id, row["linkedid"])
    rounds: dict[str, list[dict[str, Any]]] = {"review": [], "decision": []}
    for i in items:
        rounds[i["round"]].append(
            {
                "key": i["item_key"],
                "score": float(i["score"]),
                "moment_s": _num(i["moment_s"]),
                "note": i["note"],
            }
        )
    segments = talk["segments"] if talk is not None else []
    return {
        **_review_view(row),
        "form_items": _form_view(form)["items"] if form is not None else [],
        "items": rounds["review"],
        "decision_items": rounds["decision"],
        "recordings": [
            {
                "id": r["id"],
                "seconds": float(r["seconds"]),
                "audio": f"/api/v1/tenants/{tenant_id}/quality/reviews/{review_id}"
                f"/recordings/{r['id']}/audio",
            }
            for r in recordings
        ],
        "talk": {
            "flags": list(talk["flags"]) if talk is not None else [],
            "segments": json.loads(segments) if isinstance(segments, str) else segments,
        },
    }


async def review_audio(
    pool: Any, who: Principal, tenant_id: str, review_id: int, recording_id: int
) -> bytes:
    """A recording of the reviewed call: for its reviewers, and for its agent once scored."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor", "agent")
    async with connection(pool) as conn:
        row = await _readable(conn, who, tenant_id, review_id)
        data = await repo.recording_audio(conn, tenant_id, recording_id, row["linkedid"])
    if data is None:
        raise NoSuchReview("no such recording of this call", field="recording")
    return bytes(data)


def _scored(form_items: list[FormItem], data: ScoreIn) -> tuple[float, list[Any]]:
    known = {i.key for i in form_items}
    given: dict[str, float] = {}
    for n, item in enumerate(data.items):
        if item.key not in known:
            raise InvalidInput("not an item of the form", field=f"items[{n}].key")
        if item.key in given:
            raise InvalidInput("item scored twice", field=f"items[{n}].key")
        given[item.key] = item.score
    missing = sorted(known - set(given))
    if missing:
        raise InvalidInput("every item needs a score", field="items", missing=missing)
    rows = [(i.key, i.score, i.moment_s, i.note) for i in data.items]
    return score(form_items, given), rows


async def _locked_for(
    conn: Any, who: Principal, tenant_id: str, review_id: int, action: str
) -> tuple[Any, str]:
    await _readable(conn, who, tenant_id, review_id)
    row = await repo.review(conn, tenant_id, review_id, lock=True)
    after = next_status(row["status"], action)
    if after is None:
        raise WrongReviewState(f"cannot {action} a {row['status']} review", field="status")
    return row, after


async def score_review(
    pool: Any, who: Principal, tenant_id: str, review_id: int, data: ScoreIn
) -> dict[str, Any]:
    """The reviewer scores every item (0..1) at moments of the recording, and comments."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with transaction(pool) as conn:
        row, _ = await _locked_for(conn, who, tenant_id, review_id, "score")
        if row["status"] == "scored" and row["reviewer_id"] != who.user_id:
            raise SameReviewer("only its reviewer corrects a score", field="id")
        form = await repo.form(conn, tenant_id, row["form_name"])
        total, items = _scored(_items(form["items"]), data)
        await repo.put_review_items(conn, review_id, "review", items)
        await repo.set_scored(conn, review_id, who.user_id, total, data.comment)
    return await get_review(pool, who, tenant_id, review_id)


async def appeal(
    pool: Any, who: Principal, tenant_id: str, review_id: int, data: AppealIn
) -> dict[str, Any]:
    """The agent appeals its scored review, once."""
    who.require_tenant(tenant_id, "agent")
    async with transaction(pool) as conn:
        await _locked_for(conn, who, tenant_id, review_id, "appeal")
        await repo.set_appealed(conn, review_id, data.text)
    return await get_review(pool, who, tenant_id, review_id)


async def decide(
    pool: Any, who: Principal, tenant_id: str, review_id: int, data: ScoreIn
) -> dict[str, Any]:
    """A second reviewer (not the first) scores the appealed call again: the final score."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    async with transaction(pool) as conn:
        row, _ = await _locked_for(conn, who, tenant_id, review_id, "decide")
        if row["reviewer_id"] == who.user_id:
            raise SameReviewer("a second reviewer decides an appeal", field="reviewer")
        form = await repo.form(conn, tenant_id, row["form_name"])
        total, items = _scored(_items(form["items"]), data)
        await repo.put_review_items(conn, review_id, "decision", items)
        await repo.set_decided(conn, review_id, who.user_id, total, data.comment)
    return await get_review(pool, who, tenant_id, review_id)


async def report(
    pool: Any, who: Principal, tenant_id: str, by: str, interval: str, days: int
) -> list[dict[str, Any]]:
    """Mean QA score per agent, queue or item, per day or week (the final score once an
    appeal is decided)."""
    who.require_tenant(tenant_id, *BOARD_ROLES)
    if by not in ("agent", "queue", "item"):
        raise InvalidInput("by agent, queue or item", field="by")
    if interval not in ("day", "week"):
        raise InvalidInput("per day or week", field="interval")
    if not 1 <= days <= 366:
        raise InvalidInput("1 to 366 days", field="days")
    async with connection(pool) as conn:
        seen = await scope_of(conn, who, tenant_id)
        agents = None if seen.agents is None else sorted(seen.agents)
        rows = await repo.report(conn, tenant_id, by, interval, days, agents)
    return [
        {
            "period": r["period"].isoformat(),
            by: r["key"],
            "score": float(r["score"]),
            "reviews": r["reviews"],
        }
        for r in rows
    ]
