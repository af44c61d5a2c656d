"""Supervisors' queue scopes, board thresholds, talk figures and scorecards, in PostgreSQL."""

from __future__ import annotations

from typing import Any


async def supervised_queues(conn: Any, tenant_id: str, user_id: int) -> list[str]:
    """The queues a supervisor is restricted to (empty: the whole tenant)."""
    rows = await conn.fetch(
        "SELECT queue_name FROM supervisor_queues WHERE tenant_id = $1 AND user_id = $2"
        " ORDER BY queue_name",
        tenant_id,
        user_id,
    )
    return [r["queue_name"] for r in rows]


async def queue_member_extensions(conn: Any, tenant_id: str, queues: list[str]) -> list[str]:
    """Extensions of the seats assigned to any of these queues of the tenant."""
    rows = await conn.fetch(
        "SELECT DISTINCT extension FROM acd_queue_members"
        " WHERE tenant_id = $1 AND queue_name = ANY($2::text[]) ORDER BY extension",
        tenant_id,
        queues,
    )
    return [r["extension"] for r in rows]


async def existing_queues(conn: Any, tenant_id: str, names: list[str]) -> set[str]:
    """Which of these names are queues of the tenant."""
    rows = await conn.fetch(
        "SELECT name FROM acd_queues WHERE tenant_id = $1 AND name = ANY($2::text[])",
        tenant_id,
        names,
    )
    return {r["name"] for r in rows}


async def set_supervised_queues(conn: Any, tenant_id: str, user_id: int, queues: list[str]) -> None:
    """Replace a supervisor's queue restriction."""
    await conn.execute(
        "DELETE FROM supervisor_queues WHERE tenant_id = $1 AND user_id = $2", tenant_id, user_id
    )
    await conn.executemany(
        "INSERT INTO supervisor_queues (user_id, tenant_id, queue_name) VALUES ($1, $2, $3)",
        [(user_id, tenant_id, q) for q in queues],
    )


async def supervisor_user(conn: Any, tenant_id: str, username: str) -> Any:
    """A supervisor user of the tenant, or None."""
    return await conn.fetchrow(
        "SELECT id, username, disabled FROM users"
        " WHERE tenant_id = $1 AND username = $2 AND role = 'supervisor'",
        tenant_id,
        username,
    )


async def list_supervisors(conn: Any, tenant_id: str) -> list[Any]:
    """The tenant's supervisor users with their queue restriction."""
    rows: list[Any] = await conn.fetch(
        "SELECT u.id, u.username, u.disabled,"
        " coalesce(array_agg(s.queue_name ORDER BY s.queue_name)"
        "   FILTER (WHERE s.queue_name IS NOT NULL), '{}') AS queues"
        " FROM users u LEFT JOIN supervisor_queues s ON s.user_id = u.id"
        " WHERE u.tenant_id = $1 AND u.role = 'supervisor'"
        " GROUP BY u.id ORDER BY u.username",
        tenant_id,
    )
    return rows


async def thresholds(conn: Any, tenant_id: str) -> list[Any]:
    """The tenant's threshold rows ('' first: the default)."""
    rows: list[Any] = await conn.fetch(
        "SELECT queue_name, min_service_level, max_longest_wait_s FROM board_thresholds"
        " WHERE tenant_id = $1 ORDER BY queue_name",
        tenant_id,
    )
    return rows


async def put_threshold(
    conn: Any,
    tenant_id: str,
    queue: str,
    min_service_level: float | None,
    max_longest_wait_s: int | None,
) -> None:
    """Set (or with both None, clear) the default's or a queue's thresholds."""
    if min_service_level is None and max_longest_wait_s is None:
        await conn.execute(
            "DELETE FROM board_thresholds WHERE tenant_id = $1 AND queue_name = $2",
            tenant_id,
            queue,
        )
        return
    await conn.execute(
        "INSERT INTO board_thresholds (tenant_id, queue_name, min_service_level,"
        " max_longest_wait_s) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (tenant_id, queue_name) DO UPDATE SET"
        " min_service_level = $3, max_longest_wait_s = $4, updated_at = now()",
        tenant_id,
        queue,
        min_service_level,
        max_longest_wait_s,
    )


async def store_talk(
    conn: Any, tenant_id: str, linkedid: str, extension: str, f: Any, segments: str
) -> None:
    """One call's talk figures (a repeated hangup report replaces them)."""
    await conn.execute(
        "INSERT INTO call_talk (tenant_id, linkedid, agent_extension, seconds, agent_talk_s,"
        " customer_talk_s, agent_share, customer_share, longest_silence_s, overtalk_s,"
        " hold_s, flags, segments)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb)"
        " ON CONFLICT (tenant_id, linkedid) DO UPDATE SET agent_extension = $3, seconds = $4,"
        " agent_talk_s = $5, customer_talk_s = $6, agent_share = $7, customer_share = $8,"
        " longest_silence_s = $9, overtalk_s = $10, hold_s = $11, flags = $12,"
        " segments = $13::jsonb",
        tenant_id,
        linkedid,
        extension,
        f.seconds,
        f.agent_talk_s,
        f.customer_talk_s,
        f.agent_share,
        f.customer_share,
        f.longest_silence_s,
        f.overtalk_s,
        f.hold_s,
        list(f.flags),
        segments,
    )


_TALK = (
    "SELECT linkedid, agent_extension, seconds, agent_talk_s, customer_talk_s, agent_share,"
    " customer_share, longest_silence_s, overtalk_s, hold_s, flags, segments, created_at"
    " FROM call_talk"
)


async def get_talk(conn: Any, tenant_id: str, linkedid: str) -> Any:
    """One call's talk figures, or None."""
    return await conn.fetchrow(
        f"{_TALK} WHERE tenant_id = $1 AND linkedid = $2", tenant_id, linkedid
    )


async def list_talk(
    conn: Any, tenant_id: str, flag: str | None, agents: list[str] | None, limit: int
) -> list[Any]:
    """The tenant's latest calls with talk figures (with ``flag`` only; of these agents)."""
    rows: list[Any] = await conn.fetch(
        f"{_TALK} WHERE tenant_id = $1 AND ($2::text IS NULL OR $2 = ANY(flags))"
        " AND ($3::text[] IS NULL OR agent_extension = ANY($3))"
        " ORDER BY created_at DESC LIMIT $4",
        tenant_id,
        flag,
        agents,
        limit,
    )
    return rows


# ------------------------------------------------------------------ scorecards
async def put_form(conn: Any, tenant_id: str, name: str, title: str, items: str) -> Any:
    """Create or replace a QA form (``items`` JSON)."""
    return await conn.fetchrow(
        "INSERT INTO qa_forms (tenant_id, name, title, items) VALUES ($1, $2, $3, $4::jsonb)"
        " ON CONFLICT (tenant_id, name) DO UPDATE SET title = $3, items = $4::jsonb,"
        " updated_at = now() RETURNING name, title, items",
        tenant_id,
        name,
        title,
        items,
    )


async def forms(conn: Any, tenant_id: str) -> list[Any]:
    """The tenant's QA forms."""
    rows: list[Any] = await conn.fetch(
        "SELECT name, title, items FROM qa_forms WHERE tenant_id = $1 ORDER BY name", tenant_id
    )
    return rows


async def form(conn: Any, tenant_id: str, name: str) -> Any:
    """One QA form, or None."""
    return await conn.fetchrow(
        "SELECT name, title, items FROM qa_forms WHERE tenant_id = $1 AND name = $2",
        tenant_id,
        name,
    )


async def sampling(conn: Any, tenant_id: str) -> Any:
    """The tenant's sampling rules, or None."""
    return await conn.fetchrow(
        "SELECT weekly_share, long_call_s, talk_flags, flag_silence_s, flag_agent_share,"
        " flag_overtalk_s, low_survey_max FROM qa_sampling WHERE tenant_id = $1",
        tenant_id,
    )


async def put_sampling(
    conn: Any,
    tenant_id: str,
    share: float,
    long_call_s: int | None,
    flags: list[str],
    limits: tuple[float, float, float],
    low_survey_max: int | None = None,
) -> None:
    """Set the tenant's sampling rules and talk flag thresholds (silence s, agent share,
    over-talk s)."""
    await conn.execute(
        "INSERT INTO qa_sampling (tenant_id, weekly_share, long_call_s, talk_flags,"
        " flag_silence_s, flag_agent_share, flag_overtalk_s, low_survey_max)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant_id) DO UPDATE SET"
        " weekly_share = $2, long_call_s = $3, talk_flags = $4, flag_silence_s = $5,"
        " flag_agent_share = $6, flag_overtalk_s = $7, low_survey_max = $8,"
        " updated_at = now()",
        tenant_id,
        share,
        long_call_s,
        flags,
        *limits,
        low_survey_max,
    )


async def recorded_calls(conn: Any, tenant_id: str, days: int) -> list[Any]:
    """The tenant's recorded calls of the last ``days`` days with their agent (talk figures,
    else the answered CDR leg to a seat), queue, answered seconds, talk flags and the
    caller's survey score (the lowest any leg of the call carries)."""
    rows: list[Any] = await conn.fetch(
        "WITH rec AS ("
        "  SELECT linkedid, min(created_at) AS at FROM recordings"
        "  WHERE tenant_id = $1 AND linkedid <> ''"
        "  AND created_at >= now() - make_interval(days => $2)"
        "  GROUP BY linkedid)"
        " SELECT rec.linkedid, rec.at, coalesce(t.flags, '{}') AS flags,"
        " coalesce(nullif(t.agent_extension, ''), leg.agent, '') AS agent,"
        " coalesce(leg.queue, '') AS queue, coalesce(leg.billsec, t.seconds::int, 0) AS seconds,"
        " (SELECT min(s.survey::integer) FROM cdr s WHERE s.tenantid = $1"
        "  AND s.linkedid = rec.linkedid AND s.survey ~ '^[1-5]$') AS survey"
        " FROM rec LEFT JOIN call_talk t ON t.tenant_id = $1 AND t.linkedid = rec.linkedid"
        " LEFT JOIN LATERAL ("
        "   SELECT substring(c.dstchannel FROM '^PJSIP/' || $1 || '-([0-9]+)-') AS agent,"
        "   c.billsec, regexp_replace(coalesce(c.queue, ''), '^' || $1 || '-', '') AS queue"
        "   FROM cdr c WHERE c.tenantid = $1 AND c.linkedid = rec.linkedid"
        "   AND c.disposition = 'ANSWERED' AND c.dstchannel LIKE 'PJSIP/' || $1 || '-%'"
        "   ORDER BY c.billsec DESC LIMIT 1) leg ON true"
        " ORDER BY rec.at",
        tenant_id,
        days,
    )
    return rows


async def insert_review(
    conn: Any,
    tenant_id: str,
    linkedid: str,
    agent: str,
    queue: str,
    form_name: str,
    reason: str,
    call_at: Any,
) -> Any:
    """A pending review of a call (None when the call is already up for this form)."""
    return await conn.fetchrow(
        "INSERT INTO qa_reviews (tenant_id, linkedid, agent_extension, queue, form_name,"
        " reason, call_at) VALUES ($1, $2, $3, $4, $5, $6, $7)"
        " ON CONFLICT (tenant_id, linkedid, form_name) DO NOTHING RETURNING id",
        tenant_id,
        linkedid,
        agent,
        queue,
        form_name,
        reason,
        call_at,
    )


_REVIEW = (
    "SELECT r.id, r.linkedid, r.agent_extension, r.queue, r.form_name, r.reason, r.status,"
    " r.call_at, r.reviewer_id, ru.username AS reviewer, r.score, r.comment, r.scored_at,"
    " r.appeal, r.appealed_at, r.decider_id, du.username AS decider, r.final_score,"
    " r.decision, r.decided_at"
    " FROM qa_reviews r LEFT JOIN users ru ON ru.id = r.reviewer_id"
    " LEFT JOIN users du ON du.id = r.decider_id"
)


async def reviews(
    conn: Any,
    tenant_id: str,
    status: str | None,
    agents: list[str] | None,
    hide_pending: bool,
) -> list[Any]:
    """The tenant's reviews, newest call first (of these agents; without pending ones)."""
    rows: list[Any] = await conn.fetch(
        f"{_REVIEW} WHERE r.tenant_id = $1 AND ($2::text IS NULL OR r.status = $2)"
        " AND ($3::text[] IS NULL OR r.agent_extension = ANY($3))"
        " AND NOT ($4 AND r.status = 'pending')"
        " ORDER BY r.call_at DESC, r.id DESC LIMIT 500",
        tenant_id,
        status,
        agents,
        hide_pending,
    )
    return rows


async def review(conn: Any, tenant_id: str, review_id: int, *, lock: bool = False) -> Any:
    """One review of the tenant, or None."""
    return await conn.fetchrow(
        f"{_REVIEW} WHERE r.tenant_id = $1 AND r.id = $2" + (" FOR UPDATE OF r" if lock else ""),
        tenant_id,
        review_id,
    )


async def review_items(conn: Any, review_id: int) -> list[Any]:
    """A review's item scores, both rounds."""
    rows: list[Any] = await conn.fetch(
        "SELECT round, item_key, score, moment_s, note FROM qa_review_items"
        " WHERE review_id = $1 ORDER BY round DESC, item_key",
        review_id,
    )
    return rows


async def put_review_items(
    conn: Any, review_id: int, round_: str, items: list[tuple[str, float, float | None, str]]
) -> None:
    """Replace one round's item scores."""
    await conn.execute(
        "DELETE FROM qa_review_items WHERE review_id = $1 AND round = $2", review_id, round_
    )
    await conn.executemany(
        "INSERT INTO qa_review_items (review_id, round, item_key, score, moment_s, note)"
        " VALUES ($1, $2, $3, $4, $5, $6)",
        [(review_id, round_, k, s, m, n) for k, s, m, n in items],
    )


async def set_scored(conn: Any, review_id: int, reviewer: int, score: float, comment: str) -> None:
    """The first reviewer's score."""
    await conn.execute(
        "UPDATE qa_reviews SET status = 'scored', reviewer_id = $2, score = $3, comment = $4,"
        " scored_at = now() WHERE id = $1",
        review_id,
        reviewer,
        score,
        comment,
    )


async def set_appealed(conn: Any, review_id: int, text: str) -> None:
    """The agent's appeal."""
    await conn.execute(
        "UPDATE qa_reviews SET status = 'appealed', appeal = $2, appealed_at = now() WHERE id = $1",
        review_id,
        text,
    )


async def set_decided(conn: Any, review_id: int, decider: int, score: float, text: str) -> None:
    """The second reviewer's decision on an appeal."""
    await conn.execute(
        "UPDATE qa_reviews SET status = 'final', decider_id = $2, final_score = $3,"
        " decision = $4, decided_at = now() WHERE id = $1",
        review_id,
        decider,
        score,
        text,
    )


async def recordings_of(conn: Any, tenant_id: str, linkedid: str) -> list[Any]:
    """A call's recordings (id, seconds)."""
    rows: list[Any] = await conn.fetch(
        "SELECT id, seconds FROM recordings WHERE tenant_id = $1 AND linkedid = $2 ORDER BY id",
        tenant_id,
        linkedid,
    )
    return rows


_SCORE = "coalesce(r.final_score, r.score)"


async def report(
    conn: Any, tenant_id: str, by: str, interval: str, days: int, agents: list[str] | None
) -> list[Any]:
    """Mean QA score (0..100) and reviews per agent, queue or form item, per day or week."""
    key = {"agent": "r.agent_extension", "queue": "r.queue", "item": "i.item_key"}[by]
    value = "100 * i.score" if by == "item" else _SCORE
    join = (
        " JOIN qa_review_items i ON i.review_id = r.id AND i.round ="
        " CASE WHEN r.status = 'final' THEN 'decision' ELSE 'review' END"
        if by == "item"
        else ""
    )
    rows: list[Any] = await conn.fetch(
        f"SELECT date_trunc('{'week' if interval == 'week' else 'day'}', r.call_at) AS period,"  # noqa: S608 - fixed choices
        f" {key} AS key, round(avg({value}), 2) AS score, count(*) AS reviews"
        f" FROM qa_reviews r{join}"
        " WHERE r.tenant_id = $1 AND r.status <> 'pending'"
        " AND r.call_at >= now() - make_interval(days => $2)"
        " AND ($3::text[] IS NULL OR r.agent_extension = ANY($3))"
        " GROUP BY 1, 2 ORDER BY 1, 2",
        tenant_id,
        days,
        agents,
    )
    return rows


async def recording_audio(conn: Any, tenant_id: str, recording_id: int, linkedid: str) -> Any:
    """A recording's WAV bytes, if it is one of this call's."""
    return await conn.fetchval(
        "SELECT audio FROM recordings WHERE tenant_id = $1 AND id = $2 AND linkedid = $3",
        tenant_id,
        recording_id,
        linkedid,
    )
