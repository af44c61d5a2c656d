"""Billing in PostgreSQL: metering queries over ``cdr``, plans, periods, invoices.

Every query on tenant data filters by tenant id, except the period-wide statements of a
billing run (operators only), which group by it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

# Statements of a billing run over a whole month may take minutes (the pool's default is 10 s).
LONG = 3600.0

# Per-call metering. Legs of one call share linkedid; only ANSWERED legs are billable, and of
# those the longest one is the call (a queue call leaves one row per member rung: the rings
# are NO ANSWER). A leg forwarded to a mobile (CDR direction 'forward') is its own billable
# record, '<linkedid>/forward', rated as outbound. A callback (the platform calls the customer
# back) is one outbound call. Internal (phone to phone) calls are free. The agent is the seat
# of the leg: PJSIP/<tenant>-<ext>-<suffix>, or Local/<tenant>-<ext>@cc-forward for a seat
# forwarded to a mobile. A call from the tenant's own PBX (CDR direction 'overflow', hybrid
# hosting) is billed as outsourced overflow.
BILLABLE_CALLS = """
SELECT tenant_id, call_id, uniqueid, sequence, started_at, ended_at, billsec, direction,
       nullif(userfield, '') AS disposition,
       coalesce(
           CASE WHEN starts_with(dstchannel, 'PJSIP/' || tenant_id || '-') THEN
               split_part(substr(dstchannel, length(tenant_id) + 8), '-', 1)
           END,
           CASE WHEN starts_with(dstchannel, 'Local/' || tenant_id || '-') THEN
               split_part(substr(dstchannel, length(tenant_id) + 8), '@', 1)
           END,
           CASE WHEN starts_with(channel, 'PJSIP/' || tenant_id || '-') THEN
               split_part(substr(channel, length(tenant_id) + 8), '-', 1)
           END,
           CASE WHEN starts_with(channel, 'Local/' || tenant_id || '-') THEN
               split_part(substr(channel, length(tenant_id) + 8), '@', 1)
           END) AS agent,
       did, queue, campaign_contact,
       date_trunc('month', started_at AT TIME ZONE 'UTC')::date AS call_period
FROM (
    SELECT DISTINCT ON (tenant_id, call_id) *
    FROM (
        SELECT c.tenantid COLLATE "C" AS tenant_id,
               (CASE WHEN c.direction IN ('forward', 'forwarded') THEN c.linkedid || '/forward'
                     ELSE c.linkedid END) COLLATE "C" AS call_id,
               c.uniqueid, c.sequence, c.start AS started_at, c."end" AS ended_at, c.billsec,
               CASE c.direction WHEN 'inbound' THEN 'inbound' WHEN 'outbound' THEN 'outbound'
                    WHEN 'callback' THEN 'outbound' WHEN 'overflow' THEN 'overflow'
                    WHEN 'forward' THEN 'forwarded' WHEN 'forwarded' THEN 'forwarded'
                    ELSE 'internal' END AS direction,
               c.userfield, c.channel, c.dstchannel, c.did, c.queue, c.campaign_contact
        FROM cdr c
        WHERE c.tenantid IS NOT NULL AND c.disposition = 'ANSWERED'
          AND c.start >= $1 AND c.start < $2 {tenant_filter}
    ) legs
    WHERE direction <> 'internal'
    ORDER BY tenant_id, call_id, billsec DESC, uniqueid, sequence
) calls
"""


USAGE_COLUMNS = """
    count(*) AS calls, coalesce(sum(billsec), 0)::bigint AS seconds,
    coalesce(sum((billsec + 59) / 60 * 60), 0)::bigint AS seconds_per_minute,
    coalesce(sum((billsec + 5) / 6 * 6), 0)::bigint AS seconds_per_6s
"""


# The disposition an agent saved with the call (agent workspace, ``call_notes``) wins over a
# CDR userfield; notes are few, so this is a hash join on a small table. A campaign call
# (its CDR leg names the campaign contact) takes its contact's disposition; when that is one
# of the campaign's success dispositions the call is ``campaign-success`` (rating.py counts it
# as a success in both commission components).
WITH_DISPOSITIONS = """
SELECT b.tenant_id, b.call_id, b.uniqueid, b.sequence, b.started_at, b.ended_at, b.billsec,
       b.direction,
       CASE WHEN k.success THEN 'campaign-success'
            ELSE coalesce(nullif(n.disposition, ''), k.disposition, b.disposition)
       END AS disposition,
       b.agent, b.did, b.queue, b.call_period, k.campaign_id AS campaign
FROM ({calls}) b
LEFT JOIN call_notes n
       ON n.tenant_id = b.tenant_id COLLATE "default"
      AND n.linkedid = split_part(b.call_id, '/', 1) COLLATE "default"
LEFT JOIN campaign_contacts k
       ON k.tenant_id = b.tenant_id COLLATE "default"
      AND k.id::text = b.campaign_contact COLLATE "default"
"""


def billable_calls_sql(*, tenant: bool) -> str:
    """The metering query; ``$1``/``$2`` bound the leg start, ``$3`` the tenant if asked."""
    calls = BILLABLE_CALLS.format(tenant_filter="AND c.tenantid = $3" if tenant else "")
    return WITH_DISPOSITIONS.format(calls=calls)


async def billable_calls(
    conn: Any, tenant_id: str, start: datetime, end: datetime, limit: int = 1000
) -> list[Any]:
    """A tenant's billable calls whose answered leg started in [start, end)."""
    rows: list[Any] = await conn.fetch(
        f"SELECT * FROM ({billable_calls_sql(tenant=True)}) x"  # noqa: S608 - constant SQL
        " ORDER BY started_at LIMIT $4",
        start,
        end,
        tenant_id,
        limit,
    )
    return rows


async def metered_usage(conn: Any, tenant_id: str, start: datetime, end: datetime) -> list[Any]:
    """Per direction: a tenant's billable calls and talk seconds in [start, end)."""
    rows: list[Any] = await conn.fetch(
        f"SELECT direction, {USAGE_COLUMNS}"  # noqa: S608 - constant SQL, values are parameters
        f" FROM ({billable_calls_sql(tenant=True)}) m GROUP BY 1",
        start,
        end,
        tenant_id,
    )
    return rows


async def peak_concurrent_calls(conn: Any, tenant_id: str, start: datetime, end: datetime) -> int:
    """Most calls of the tenant up at once in [start, end): a sweep over call intervals."""
    value = await conn.fetchval(
        """
        WITH calls AS (
            SELECT min(start) AS s, max("end") AS e FROM cdr
            WHERE tenantid = $1 AND start >= $2 AND start < $3 AND "end" IS NOT NULL
            GROUP BY linkedid),
        ev AS (SELECT s AS t, 1 AS d FROM calls UNION ALL SELECT e, -1 FROM calls)
        SELECT coalesce(max(n), 0) FROM (
            SELECT sum(d) OVER (ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS n FROM ev) x
        """,
        tenant_id,
        start,
        end,
    )
    return int(value)


# Given intervals r(s, e): the most that overlap at once, and their total seconds.
PEAK_AND_SECONDS = """
    ev AS (SELECT s AS t, 1 AS d FROM r WHERE e > s UNION ALL SELECT e, -1 FROM r WHERE e > s)
    SELECT
        (SELECT coalesce(max(n), 0) FROM (
            SELECT sum(d) OVER (ORDER BY t, d ROWS UNBOUNDED PRECEDING) AS n FROM ev) x) AS peak,
        (SELECT coalesce(sum(extract(epoch FROM e - s)), 0)::bigint FROM r WHERE e > s) AS seconds
"""


REGISTRATIONS_SQL = f"""
    WITH r AS (
        SELECT greatest(started_at, $2) AS s, least(coalesce(ended_at, now()), $3) AS e
        FROM billing_registrations
        WHERE tenant_id = $1 AND started_at < $3 AND coalesce(ended_at, now()) > $2),
    {PEAK_AND_SECONDS}"""  # noqa: S608 - constant SQL
AGENT_SESSIONS_SQL = f"""
    WITH logins AS (
        SELECT agent, time AT TIME ZONE 'UTC' AS t, event FROM queue_log
        WHERE agent LIKE $1 || '-%' AND event IN ('AGENTLOGIN', 'AGENTLOGOFF')
          AND time < $3::timestamptz AT TIME ZONE 'UTC'),
    seq AS (
        SELECT event, t, lead(t) OVER (PARTITION BY agent ORDER BY t) AS nxt FROM logins),
    r AS (
        SELECT greatest(t, $2) AS s, least(coalesce(nxt, now()), $3) AS e
        FROM seq WHERE event = 'AGENTLOGIN'),
    {PEAK_AND_SECONDS}"""  # noqa: S608 - constant SQL


async def registrations(conn: Any, tenant_id: str, start: datetime, end: datetime) -> Any:
    """Peak concurrent registered seats and total registered seconds, clipped to [start, end)."""
    return await conn.fetchrow(
        REGISTRATIONS_SQL,
        tenant_id,
        start,
        end,
    )


async def agent_sessions(conn: Any, tenant_id: str, start: datetime, end: datetime) -> Any:
    """Peak concurrent logged-in agents and total logged-in seconds, clipped to [start, end):
    sessions from the AGENTLOGIN/AGENTLOGOFF rows the agent workspace writes to queue_log."""
    return await conn.fetchrow(
        AGENT_SESSIONS_SQL,
        tenant_id,
        start,
        end,
    )


# ---------------------------------------------------------------- seat history


async def seat_added(conn: Any, tenant_id: str, extension: str, endpoint: str) -> None:
    """Open a seat's billing interval (in the seat's own transaction)."""
    await conn.execute(
        "INSERT INTO billing_seat_history (tenant_id, extension, endpoint_id) VALUES ($1, $2, $3)"
        " ON CONFLICT (tenant_id, extension) WHERE removed_at IS NULL DO NOTHING",
        tenant_id,
        extension,
        endpoint,
    )


async def seat_removed(conn: Any, tenant_id: str, extension: str) -> None:
    """Close a seat's billing interval."""
    await conn.execute(
        "UPDATE billing_seat_history SET removed_at = now()"
        " WHERE tenant_id = $1 AND extension = $2 AND removed_at IS NULL",
        tenant_id,
        extension,
    )


async def seat_intervals(conn: Any, tenant_id: str, first: date, after_last: date) -> list[Any]:
    """A tenant's seat lifetimes overlapping [first, after_last), as UTC dates."""
    rows: list[Any] = await conn.fetch(
        "SELECT extension, (added_at AT TIME ZONE 'UTC')::date AS start,"
        " (removed_at AT TIME ZONE 'UTC')::date AS end FROM billing_seat_history"
        " WHERE tenant_id = $1 AND added_at < $3"
        " AND (removed_at IS NULL OR removed_at >= $2)",
        tenant_id,
        first,
        after_last,
    )
    return rows


async def all_seat_intervals(conn: Any, first: date, after_last: date) -> list[Any]:
    """Every tenant's seat lifetimes overlapping the period (a billing run)."""
    rows: list[Any] = await conn.fetch(
        "SELECT tenant_id, extension, (added_at AT TIME ZONE 'UTC')::date AS start,"
        " (removed_at AT TIME ZONE 'UTC')::date AS end FROM billing_seat_history"
        " WHERE added_at < $2 AND (removed_at IS NULL OR removed_at >= $1)",
        first,
        after_last,
    )
    return rows


# ---------------------------------------------------------------- plans


async def put_plan(conn: Any, tenant_id: str, plan: str) -> None:
    """Store a tenant's plan (JSON text)."""
    await conn.execute(
        "INSERT INTO billing_plans (tenant_id, plan) VALUES ($1, $2::jsonb)"
        " ON CONFLICT (tenant_id) DO UPDATE SET plan = EXCLUDED.plan, updated_at = now()",
        tenant_id,
        plan,
    )


async def get_plan(conn: Any, tenant_id: str) -> Any:
    """A tenant's plan row, or None."""
    return await conn.fetchrow(
        "SELECT plan::text AS plan, updated_at FROM billing_plans WHERE tenant_id = $1", tenant_id
    )


# ---------------------------------------------------------------- a billing run


async def lock_period(conn: Any, period: date) -> Any:
    """Serialise billing runs; the period's row (None if never rated)."""
    # A run sorts a month of legs by call: give it memory rather than temporary files.
    await conn.execute("SET LOCAL work_mem = '256MB'")
    # One run at a time, whatever the period: runs of different months compete for late calls.
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('billing-run'))")
    return await conn.fetchrow(
        "SELECT period, rated_at, closed_at FROM billing_periods WHERE period = $1 FOR UPDATE",
        period,
    )


async def open_period(conn: Any, period: date) -> None:
    """Create or touch the period row."""
    await conn.execute(
        "INSERT INTO billing_periods (period) VALUES ($1)"
        " ON CONFLICT (period) DO UPDATE SET rated_at = now()",
        period,
    )


async def close_period(conn: Any, period: date) -> None:
    """Make a period immutable."""
    await conn.execute("UPDATE billing_periods SET closed_at = now() WHERE period = $1", period)


CLAIM = """
INSERT INTO billing_rated_calls (tenant_id, call_id, invoice_period, call_period,
    uniqueid, sequence, started_at, direction, billsec, disposition, agent, did, queue,
    campaign)
SELECT m.tenant_id, m.call_id, $3::date, m.call_period, m.uniqueid, m.sequence,
       m.started_at, m.direction, m.billsec, m.disposition, m.agent, m.did, m.queue,
       m.campaign
FROM ({calls}) m
WHERE m.call_period = $3::date
   OR (m.call_period < $3::date
       AND m.call_period IN (SELECT period FROM billing_periods WHERE closed_at IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM billing_rated_calls r
                       WHERE r.tenant_id = m.tenant_id AND r.call_id = m.call_id))
"""


# A re-run of an open month: the month's billable calls are staged, then only the
# differences touch billing_rated_calls (an unchanged month writes nothing).
STAGE = """
INSERT INTO cc_billable (tenant_id, call_id, invoice_period, call_period,
    uniqueid, sequence, started_at, direction, billsec, disposition, agent, did, queue,
    campaign)
SELECT m.tenant_id, m.call_id, $3::date, m.call_period, m.uniqueid, m.sequence,
       m.started_at, m.direction, m.billsec, m.disposition, m.agent, m.did, m.queue,
       m.campaign
FROM ({calls}) m
WHERE m.call_period = $3::date
   OR (m.call_period < $3::date
       AND m.call_period IN (SELECT period FROM billing_periods WHERE closed_at IS NOT NULL))
"""

_FIELDS = (
    "call_period, uniqueid, sequence, started_at, direction, billsec, disposition, agent,"
    " did, queue, campaign"
).split(", ")
_R = ", ".join("r." + f for f in _FIELDS)
_B = ", ".join("b." + f for f in _FIELDS)

MERGE = f"""
MERGE INTO billing_rated_calls r USING cc_billable b
ON r.tenant_id = b.tenant_id AND r.call_id = b.call_id
WHEN MATCHED AND r.invoice_period = b.invoice_period
     AND ({_R}) IS DISTINCT FROM ({_B}) THEN
    UPDATE SET {", ".join(f + " = b." + f for f in _FIELDS)}
WHEN NOT MATCHED THEN
    INSERT (tenant_id, call_id, invoice_period, {", ".join(_FIELDS)})
    VALUES (b.tenant_id, b.call_id, b.invoice_period, {_B})
"""  # noqa: S608 - constant column names


async def claim_calls(conn: Any, period: date, lookback: date, after_last: date) -> None:
    """Assign this period's calls, and late calls of closed periods, to its invoices.

    A call of this month can only be rated by this month's invoices; a late call of a closed
    month is taken only if no invoice rated it yet. Runs are serialised by ``lock_period``
    and the primary key refuses a second row regardless, so a call is billed once however
    often a period is re-run. The first run inserts; a re-run applies only the differences
    (new calls, changed legs, calls whose CDRs are gone).
    """
    args = (
        datetime(lookback.year, lookback.month, lookback.day, tzinfo=UTC),
        datetime(after_last.year, after_last.month, after_last.day, tzinfo=UTC),
        period,
    )
    calls = billable_calls_sql(tenant=False)
    rated_before = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM billing_rated_calls WHERE invoice_period = $1)", period
    )
    if not rated_before:
        await conn.execute(CLAIM.format(calls=calls), *args, timeout=LONG)
        return
    await conn.execute("CREATE TEMP TABLE cc_billable (LIKE billing_rated_calls) ON COMMIT DROP")
    await conn.execute(STAGE.format(calls=calls), *args, timeout=LONG)
    await conn.execute("ANALYZE cc_billable", timeout=LONG)
    await conn.execute(
        "DELETE FROM billing_rated_calls r WHERE r.invoice_period = $1 AND NOT EXISTS ("
        " SELECT 1 FROM cc_billable b WHERE b.tenant_id = r.tenant_id AND b.call_id = r.call_id)",
        period,
        timeout=LONG,
    )
    await conn.execute(MERGE, timeout=LONG)


async def usage_of_invoice(conn: Any, period: date) -> list[Any]:
    """Per tenant, call period and direction: what this period's invoices rated."""
    rows: list[Any] = await conn.fetch(
        f"SELECT tenant_id, call_period, direction, {USAGE_COLUMNS}"  # noqa: S608 - constant
        " FROM billing_rated_calls"
        " WHERE invoice_period = $1 GROUP BY 1, 2, 3",
        period,
        timeout=LONG,
    )
    return rows


async def dispositions_of_invoice(conn: Any, period: date) -> list[Any]:
    """Per tenant and call period: answered calls per disposition rated by this period."""
    rows: list[Any] = await conn.fetch(
        "SELECT tenant_id, call_period, disposition, count(*) AS n FROM billing_rated_calls"
        " WHERE invoice_period = $1 AND disposition IS NOT NULL GROUP BY 1, 2, 3",
        period,
        timeout=LONG,
    )
    return rows


async def campaigns_of_invoices(conn: Any, period: date) -> list[Any]:
    """Per tenant, call period, campaign and direction: the campaign calls this period's
    invoices rated and their successes, with the campaign's name (priced on own lines)."""
    rows: list[Any] = await conn.fetch(
        "SELECT r.tenant_id, r.call_period, r.campaign, r.direction,"
        " coalesce(c.name, r.campaign::text) AS name, count(*) AS calls,"
        " count(*) FILTER (WHERE r.disposition = 'campaign-success') AS successes"
        " FROM billing_rated_calls r LEFT JOIN campaigns c"
        '   ON c.id = r.campaign AND c.tenant_id = r.tenant_id COLLATE "default"'
        " WHERE r.invoice_period = $1 AND r.campaign IS NOT NULL GROUP BY 1, 2, 3, 4, 5",
        period,
        timeout=LONG,
    )
    return rows


async def usage_billed_before(
    conn: Any, tenant_id: str, call_period: date, invoice_period: date
) -> tuple[list[Any], list[Any]]:
    """A tenant's calls of ``call_period`` already rated by other invoices."""
    usage: list[Any] = await conn.fetch(
        f"SELECT direction, {USAGE_COLUMNS} FROM billing_rated_calls"  # noqa: S608 - constant
        " WHERE tenant_id = $1 AND call_period = $2 AND invoice_period <> $3 GROUP BY 1",
        tenant_id,
        call_period,
        invoice_period,
    )
    dispositions: list[Any] = await conn.fetch(
        "SELECT disposition, count(*) AS n FROM billing_rated_calls"
        " WHERE tenant_id = $1 AND call_period = $2 AND invoice_period <> $3"
        " AND disposition IS NOT NULL GROUP BY 1",
        tenant_id,
        call_period,
        invoice_period,
    )
    return usage, dispositions


async def tenants_and_plans(conn: Any) -> list[Any]:
    """Every tenant with its plan (NULL if none)."""
    rows: list[Any] = await conn.fetch(
        "SELECT t.id AS tenant_id, p.plan::text AS plan FROM tenants t"
        " LEFT JOIN billing_plans p ON p.tenant_id = t.id ORDER BY t.id"
    )
    return rows


async def invoice_plans(conn: Any, period: date) -> dict[str, str]:
    """The plans the invoices of ``period`` were rated with (for adjustments)."""
    rows = await conn.fetch(
        "SELECT tenant_id, plan::text AS plan FROM invoices WHERE period = $1", period
    )
    return {r["tenant_id"]: r["plan"] for r in rows}


async def delete_invoices(conn: Any, period: date) -> None:
    """Drop this (open) period's invoices before writing them again."""
    await conn.execute("DELETE FROM invoices WHERE period = $1", period)


async def insert_invoices(conn: Any, invoices: list[tuple[Any, ...]]) -> None:
    """Bulk-insert invoice headers."""
    await conn.copy_records_to_table(
        "invoices",
        records=invoices,
        columns=[
            "tenant_id",
            "period",
            "plan",
            "seat_days",
            "subtotal",
            "tax",
            "total",
            "currency",
        ],
    )


async def insert_lines(conn: Any, lines: list[tuple[Any, ...]]) -> None:
    """Bulk-insert invoice lines."""
    await conn.copy_records_to_table(
        "invoice_lines",
        records=lines,
        columns=[
            "tenant_id",
            "period",
            "position",
            "code",
            "description",
            "quantity",
            "unit_price",
            "amount",
        ],
    )


async def period_summary(conn: Any, period: date) -> Any:
    """Invoices, calls and totals of a period."""
    return await conn.fetchrow(
        "SELECT p.closed_at, p.rated_at,"
        " (SELECT count(*) FROM invoices WHERE period = $1) AS invoices,"
        " (SELECT coalesce(sum(total), 0) FROM invoices WHERE period = $1) AS total,"
        " (SELECT count(*) FROM billing_rated_calls WHERE invoice_period = $1) AS calls"
        " FROM billing_periods p WHERE p.period = $1",
        period,
    )


# ---------------------------------------------------------------- reading invoices


async def list_invoices(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's invoices, newest first."""
    rows: list[Any] = await conn.fetch(
        "SELECT i.period, i.subtotal, i.tax, i.total, i.currency, i.rated_at, p.closed_at"
        " FROM invoices i JOIN billing_periods p USING (period)"
        " WHERE i.tenant_id = $1 ORDER BY i.period DESC",
        tenant_id,
    )
    return rows


async def get_invoice(conn: Any, tenant_id: str, period: date) -> tuple[Any, list[Any]]:
    """One invoice of a tenant and its lines (None, [] if absent)."""
    head = await conn.fetchrow(
        "SELECT i.*, i.plan::text AS plan_json, p.closed_at FROM invoices i"
        " JOIN billing_periods p USING (period) WHERE i.tenant_id = $1 AND i.period = $2",
        tenant_id,
        period,
    )
    if head is None:
        return None, []
    lines: list[Any] = await conn.fetch(
        "SELECT position, code, description, quantity, unit_price, amount FROM invoice_lines"
        " WHERE tenant_id = $1 AND period = $2 ORDER BY position",
        tenant_id,
        period,
    )
    return head, lines


async def campaigns_of_invoice(conn: Any, tenant_id: str, period: date) -> list[Any]:
    """Per campaign: the calls an invoice rated, their seconds and successes."""
    rows: list[Any] = await conn.fetch(
        "SELECT r.campaign, c.name, count(*) AS calls, sum(r.billsec)::bigint AS seconds,"
        " count(*) FILTER (WHERE r.disposition = 'campaign-success') AS successes"
        " FROM billing_rated_calls r LEFT JOIN campaigns c"
        '   ON c.id = r.campaign AND c.tenant_id = r.tenant_id COLLATE "default"'
        " WHERE r.tenant_id = $1 AND r.invoice_period = $2 AND r.campaign IS NOT NULL"
        " GROUP BY 1, 2 ORDER BY 1",
        tenant_id,
        period,
    )
    return rows


async def talk_of_period(conn: Any, tenant_id: str, period: date) -> Any:
    """Answered calls and talk seconds of the tenant's calls belonging to ``period``."""
    return await conn.fetchrow(
        "SELECT count(*) AS answered, coalesce(sum(billsec), 0)::bigint AS seconds"
        " FROM billing_rated_calls WHERE tenant_id = $1 AND call_period = $2",
        tenant_id,
        period,
    )
