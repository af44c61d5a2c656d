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
