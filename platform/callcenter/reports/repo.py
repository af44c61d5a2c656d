"""What reports read: a tenant's queue-log events, queue settings, and calls per number."""

from __future__ import annotations

from datetime import datetime
from typing import Any


async def queue_events(conn: Any, tenant_id: str, start: datetime, end: datetime) -> list[Any]:
    """Events of the tenant's queues and agents in [start, end) (UTC timestamps)."""
    prefix = tenant_id + "-%"
    rows: list[Any] = await conn.fetch(
        "SELECT time, callid, queuename, agent, event, data1, data2, data3, data4, data5"
        " FROM queue_log WHERE (queuename LIKE $1 OR agent LIKE $1)"
        " AND time >= $2::timestamptz AT TIME ZONE 'UTC'"
        " AND time < $3::timestamptz AT TIME ZONE 'UTC' ORDER BY time, id",
        prefix,
        start,
        end,
    )
    return rows


async def all_queue_thresholds(conn: Any) -> dict[str, int]:
    """Every tenant's queues' service-level thresholds, by app_queue name (the wallboard
    shows all tenants' queues)."""
    rows = await conn.fetch(
        "SELECT tenant_id || '-' || name AS qname, service_level FROM acd_queues"
    )
    return {r["qname"]: r["service_level"] for r in rows}


async def queue_log_after(conn: Any, after_id: int, start: datetime) -> list[Any]:
    """Queue-log rows of every tenant with an id above ``after_id`` and a time from
    ``start`` (UTC) on: what the wallboard's running counts have not seen yet."""
    rows: list[Any] = await conn.fetch(
        "SELECT id, time, callid, queuename, agent, event, data1, data2, data3, data4, data5"
        " FROM queue_log WHERE id > $1 AND time >= $2::timestamptz AT TIME ZONE 'UTC'"
        " ORDER BY id",
        after_id,
        start,
    )
    return rows


async def queue_settings(conn: Any, tenant_id: str) -> list[Any]:
    """Each queue's service-level threshold and wrap-up time, by app_queue name."""
    rows: list[Any] = await conn.fetch(
        "SELECT tenant_id || '-' || name AS qname, service_level, wrapup_time"
        " FROM acd_queues WHERE tenant_id = $1",
        tenant_id,
    )
    return rows


async def number_calls(
    conn: Any, tenant_id: str, start: datetime, end: datetime, interval: str, tz: str
) -> list[Any]:
    """Inbound calls and billed minutes per number dialled and interval (one call per
    linkedid; minutes of its answered legs)."""
    rows: list[Any] = await conn.fetch(
        "WITH calls AS ("
        "  SELECT linkedid, min(did) AS did, min(start) AS start, max(billsec) AS billsec,"
        "         bool_or(disposition = 'ANSWERED') AS answered"
        "  FROM cdr WHERE tenantid = $1 AND did IS NOT NULL AND start >= $2 AND start < $3"
        "  GROUP BY linkedid)"
        " SELECT did, CASE WHEN $4 = '15min'"
        "   THEN date_bin('15 minutes', start AT TIME ZONE $5, timestamp '2000-01-01')"
        "   ELSE date_trunc($4, start AT TIME ZONE $5) END AS bucket, count(*) AS calls,"
        "        count(*) FILTER (WHERE answered) AS answered, sum(billsec) AS seconds"
        " FROM calls GROUP BY did, bucket ORDER BY bucket, did",
        tenant_id,
        start,
        end,
        interval,
        tz,
    )
    return rows


async def ivr_key_calls(conn: Any, tenant_id: str, start: datetime, end: datetime) -> list[Any]:
    """Calls that went through an IVR in [start, end), per path of keys pressed ("1", "1-2"):
    one per call (linkedid), the longest path any of its legs recorded."""
    rows: list[Any] = await conn.fetch(
        "WITH calls AS ("
        "  SELECT linkedid, (array_agg(ivr_keys ORDER BY length(ivr_keys) DESC))[1] AS keys"
        "  FROM cdr WHERE tenantid = $1 AND ivr_keys IS NOT NULL AND ivr_keys <> ''"
        "  AND start >= $2 AND start < $3 GROUP BY linkedid)"
        " SELECT keys, count(*) AS calls FROM calls GROUP BY keys ORDER BY keys",
        tenant_id,
        start,
        end,
    )
    return rows


# The seat that answered a leg: PJSIP/<tenant>-<ext>-<suffix>, or Local/<tenant>-<ext>@cc-forward-…
# for a seat forwarded to a mobile (the same attribution as billing's, billing/repo.py).
_SEAT_OF_LEG = (
    "CASE WHEN starts_with(c.dstchannel, 'PJSIP/' || $1 || '-')"
    "  THEN split_part(substr(c.dstchannel, length($1) + 8), '-', 1)"
    " WHEN starts_with(c.dstchannel, 'Local/' || $1 || '-')"
    "  AND strpos(c.dstchannel, '@cc-forward-') > 0"
    "  THEN split_part(substr(c.dstchannel, length($1) + 8), '@', 1) END"
)


async def survey_calls(
    conn: Any, tenant_id: str, start: datetime, end: datetime, by: str, interval: str, tz: str
) -> list[Any]:
    """After-call survey answers (1-5) per queue or per agent (``by``) and interval: the
    calls scored in [start, end), their count and average score. A call is one linkedid; its
    queue the one its legs name, its agent the seat of its longest answered agent leg."""
    key = "queue" if by == "queue" else "agent"
    rows: list[Any] = await conn.fetch(
        "WITH scored AS ("  # noqa: S608 - constant SQL: key is one of two column names
        "  SELECT linkedid, min(survey::integer) AS score FROM cdr"
        "  WHERE tenantid = $1 AND start >= $2 AND start < $3 AND survey ~ '^[1-5]$'"
        "  GROUP BY linkedid),"
        " calls AS ("
        "  SELECT s.linkedid, s.score, min(c.start) AS start, max(c.queue) AS queue,"
        f"        (array_agg({_SEAT_OF_LEG} ORDER BY c.billsec DESC, c.id)"
        f"         FILTER (WHERE c.disposition = 'ANSWERED' AND {_SEAT_OF_LEG} IS NOT NULL))[1]"
        "          AS agent"
        "  FROM scored s JOIN cdr c ON c.tenantid = $1 AND c.linkedid = s.linkedid"
        "  GROUP BY s.linkedid, s.score)"
        f" SELECT {key} AS key, CASE WHEN $4 = '15min'"
        "   THEN date_bin('15 minutes', start AT TIME ZONE $5, timestamp '2000-01-01')"
        "   ELSE date_trunc($4, start AT TIME ZONE $5) END AS bucket,"
        "   count(*) AS answers, avg(score)::float8 AS average"
        f" FROM calls WHERE {key} IS NOT NULL GROUP BY 1, 2 ORDER BY 2, 1",
        tenant_id,
        start,
        end,
        interval,
        tz,
    )
    return rows


async def log_agent_event(conn: Any, endpoint: str, event: str, reason: str = "") -> None:
    """Record an agent's sign-in, sign-out or pause in the queue log (agent reports read
    logged-in and pause time from it). ``event``: AGENTLOGIN, AGENTLOGOFF, PAUSE, UNPAUSE."""
    await conn.execute(
        "INSERT INTO queue_log (callid, queuename, agent, event, data1)"
        " VALUES ('NONE', 'NONE', $1, $2, $3)",
        endpoint,
        event,
        reason,
    )
