"""Campaigns, their contacts and attempts, and the do-not-call lists in PostgreSQL.

Every query on tenant data filters by the tenant id, the first argument after the
connection. The dialer's queries (``due_contacts``, ``open_attempts``...) take the campaign
row it already read, whose tenant they then filter by too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from callcenter.contacts.csv_list import ListedContact

_CAMPAIGN_COLUMNS = (
    "id, tenant_id, name, mode, caller_number, queue, schedule, script,"
    " dispositions::text AS dispositions, success_dispositions::text AS success_dispositions,"
    " abandon_cap, max_attempts, retry_delays::text AS retry_delays, dial_timeout, amd,"
    " notice, survey, status, created_at, started_at, finished_at"
)


async def insert_campaign(conn: Any, tenant_id: str, data: dict[str, Any]) -> Any:
    """Create a campaign (status draft)."""
    return await conn.fetchrow(
        "INSERT INTO campaigns (tenant_id, name, mode, caller_number, queue, schedule, script,"  # noqa: S608 - constant columns
        " dispositions, success_dispositions, abandon_cap, max_attempts, retry_delays,"
        " dial_timeout, amd, notice, survey) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb,"
        f" $9::jsonb, $10, $11, $12::jsonb, $13, $14, $15, $16) RETURNING {_CAMPAIGN_COLUMNS}",
        tenant_id,
        *_values(data),
    )


def _values(data: dict[str, Any]) -> tuple[Any, ...]:
    return (
        data["name"],
        data["mode"],
        data["caller_number"],
        data["queue"],
        data["schedule"],
        data["script"],
        json.dumps(data["dispositions"], ensure_ascii=False),
        json.dumps(data["success_dispositions"], ensure_ascii=False),
        data["abandon_cap_percent"],
        data["max_attempts"],
        json.dumps(data["retry_delays"]),
        data["dial_timeout"],
        data["amd"],
        data["notice"],
        data["survey"],
    )


async def update_campaign(conn: Any, tenant_id: str, campaign_id: int, data: dict[str, Any]) -> Any:
    """Change a campaign's settings; None if there is no such campaign."""
    return await conn.fetchrow(
        "UPDATE campaigns SET name = $3, mode = $4, caller_number = $5, queue = $6,"  # noqa: S608 - constant columns
        " schedule = $7, script = $8, dispositions = $9::jsonb,"
        " success_dispositions = $10::jsonb, abandon_cap = $11, max_attempts = $12,"
        " retry_delays = $13::jsonb, dial_timeout = $14, amd = $15, notice = $16, survey = $17"
        f" WHERE tenant_id = $1 AND id = $2 RETURNING {_CAMPAIGN_COLUMNS}",
        tenant_id,
        campaign_id,
        *_values(data),
    )


async def get_campaign(conn: Any, tenant_id: str, campaign_id: int, *, lock: bool = False) -> Any:
    """One campaign of the tenant, or None."""
    return await conn.fetchrow(
        f"SELECT {_CAMPAIGN_COLUMNS} FROM campaigns WHERE tenant_id = $1 AND id = $2"  # noqa: S608
        + (" FOR UPDATE" if lock else ""),
        tenant_id,
        campaign_id,
    )


async def list_campaigns(conn: Any, tenant_id: str) -> list[Any]:
    """The tenant's campaigns, newest first."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_CAMPAIGN_COLUMNS} FROM campaigns WHERE tenant_id = $1"  # noqa: S608
        " ORDER BY id DESC",
        tenant_id,
    )
    return rows


async def running_campaigns(conn: Any) -> list[Any]:
    """Every tenant's running campaigns (the dialer's work)."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_CAMPAIGN_COLUMNS} FROM campaigns WHERE status = 'running'"  # noqa: S608
    )
    return rows


async def set_status(conn: Any, tenant_id: str, campaign_id: int, status: str) -> None:
    """Move a campaign to ``status`` (timestamps follow)."""
    await conn.execute(
        "UPDATE campaigns SET status = $3,"
        " started_at = CASE WHEN $3 = 'running' THEN coalesce(started_at, now())"
        " ELSE started_at END,"
        " finished_at = CASE WHEN $3 IN ('stopped', 'completed') THEN now() ELSE NULL END"
        " WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        campaign_id,
        status,
    )


async def delete_campaign(conn: Any, tenant_id: str, campaign_id: int) -> bool:
    """Delete a campaign with its contacts and attempts."""
    status: str = await conn.execute(
        "DELETE FROM campaigns WHERE tenant_id = $1 AND id = $2", tenant_id, campaign_id
    )
    return status.endswith(" 1")


async def known_numbers(conn: Any, tenant_id: str, campaign_id: int) -> list[str]:
    """The numbers already in a campaign's list."""
    return [
        r["phone"]
        for r in await conn.fetch(
            "SELECT phone FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2",
            tenant_id,
            campaign_id,
        )
    ]


async def dnc_among(conn: Any, tenant_id: str, numbers: Sequence[str]) -> set[str]:
    """Which of ``numbers`` are on the tenant's or the platform's do-not-call list."""
    rows = await conn.fetch(
        "SELECT number FROM dnc_numbers WHERE (tenant_id = $1 OR tenant_id IS NULL)"
        " AND number = ANY($2::text[])",
        tenant_id,
        list(numbers),
    )
    return {r["number"] for r in rows}


async def add_contacts(
    conn: Any,
    tenant_id: str,
    campaign_id: int,
    contacts: Sequence[ListedContact],
    dnc: set[str],
) -> None:
    """Append contacts to a campaign's list (those on a DNC list are stored as ``dnc``)."""
    await conn.copy_records_to_table(
        "campaign_contacts",
        records=[
            (
                tenant_id,
                campaign_id,
                c.phone,
                c.name,
                json.dumps(c.fields, ensure_ascii=False),
                "dnc" if c.phone in dnc else "pending",
            )
            for c in contacts
        ],
        columns=["tenant_id", "campaign_id", "phone", "name", "fields", "status"],
    )


_CONTACT_COLUMNS = (
    "id, phone, name, fields::text AS fields, status, attempts, last_outcome, next_at,"
    " disposition, success, reserved_by"
)


async def list_contacts(
    conn: Any, tenant_id: str, campaign_id: int, limit: int, after: int
) -> list[Any]:
    """A page of a campaign's contacts, by id."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_CONTACT_COLUMNS} FROM campaign_contacts"  # noqa: S608 - constant columns
        " WHERE tenant_id = $1 AND campaign_id = $2 AND id > $3 ORDER BY id LIMIT $4",
        tenant_id,
        campaign_id,
        after,
        limit,
    )
    return rows


async def get_contact(conn: Any, tenant_id: str, campaign_id: int, contact_id: int) -> Any:
    """One contact of a campaign, or None."""
    return await conn.fetchrow(
        f"SELECT {_CONTACT_COLUMNS} FROM campaign_contacts"  # noqa: S608 - constant columns
        " WHERE tenant_id = $1 AND campaign_id = $2 AND id = $3",
        tenant_id,
        campaign_id,
        contact_id,
    )


async def progress(conn: Any, tenant_id: str, campaign_id: int) -> Any:
    """Counts of contacts by status and of attempts by outcome."""
    return await conn.fetchrow(
        "SELECT"
        " (SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2)"
        "   AS contacts,"
        " (SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2"
        "   AND status = 'pending') AS pending,"
        " (SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2"
        "   AND status = 'done') AS done,"
        " (SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2"
        "   AND status = 'dnc') AS dnc,"
        " (SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2"
        "   AND status = 'exhausted') AS exhausted,"
        " (SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2"
        "   AND success) AS success,"
        " count(*) AS dialled,"
        " count(*) FILTER (WHERE outcome IS NULL) AS in_flight,"
        " count(*) FILTER (WHERE outcome = 'answered') AS answered,"
        " count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,"
        " count(*) FILTER (WHERE outcome = 'busy') AS busy,"
        " count(*) FILTER (WHERE outcome = 'no_answer') AS no_answer,"
        " count(*) FILTER (WHERE outcome = 'failed') AS failed,"
        " count(*) FILTER (WHERE outcome = 'machine') AS machine,"
        " count(DISTINCT agent) FILTER (WHERE outcome IS NULL AND agent IS NOT NULL)"
        "   AS agents_busy"
        " FROM campaign_attempts WHERE tenant_id = $1 AND campaign_id = $2",
        tenant_id,
        campaign_id,
    )


async def live_figures(conn: Any, tenant_ids: Sequence[str]) -> list[Any]:
    """The wallboard's campaigns of these tenants: running or paused, or ended in the last
    hour; each with its attempts by outcome, in flight, agents busy and successes."""
    rows: list[Any] = await conn.fetch(
        "SELECT c.tenant_id, c.id, c.name, c.queue, c.status, c.abandon_cap, a.dialled,"
        " a.in_flight,"
        " a.answered, a.abandoned, a.agents_busy, k.success"
        " FROM campaigns c"
        " CROSS JOIN LATERAL (SELECT count(*) AS dialled,"
        "   count(*) FILTER (WHERE outcome IS NULL) AS in_flight,"
        "   count(*) FILTER (WHERE outcome = 'answered') AS answered,"
        "   count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,"
        "   count(DISTINCT agent) FILTER (WHERE outcome IS NULL AND agent IS NOT NULL)"
        "     AS agents_busy"
        "   FROM campaign_attempts WHERE tenant_id = c.tenant_id AND campaign_id = c.id) a"
        " CROSS JOIN LATERAL (SELECT count(*) FILTER (WHERE success) AS success"
        "   FROM campaign_contacts WHERE tenant_id = c.tenant_id AND campaign_id = c.id) k"
        " WHERE c.tenant_id = ANY($1::text[])"
        " AND (c.status IN ('running', 'paused')"
        "      OR (c.status IN ('stopped', 'completed')"
        "          AND c.finished_at > now() - interval '1 hour'))"
        " ORDER BY c.tenant_id, c.id",
        list(tenant_ids),
    )
    return rows


async def results(conn: Any, tenant_id: str, campaign_id: int) -> list[Any]:
    """Every contact with its last attempt, for the CSV export."""
    rows: list[Any] = await conn.fetch(
        "SELECT c.id, c.phone, c.name, c.fields::text AS fields, c.status, c.attempts,"
        " c.last_outcome, c.disposition, c.success, a.agent, a.started_at, a.answered_at,"
        " a.ended_at FROM campaign_contacts c"
        " LEFT JOIN LATERAL (SELECT agent, started_at, answered_at, ended_at"
        "   FROM campaign_attempts WHERE contact_id = c.id AND tenant_id = $1"
        "   ORDER BY id DESC LIMIT 1) a ON true"
        " WHERE c.tenant_id = $1 AND c.campaign_id = $2 ORDER BY c.id",
        tenant_id,
        campaign_id,
    )
    return rows


# ---------------------------------------------------------------- do-not-call lists
async def add_dnc(conn: Any, tenant_id: str | None, numbers: Sequence[str], source: str) -> int:
    """Add numbers to a DNC list (None: the platform's); returns how many were new. Pending
    contacts with these numbers are taken off every affected campaign at once."""
    added = 0
    for number in numbers:
        status: str = await conn.execute(
            "INSERT INTO dnc_numbers (tenant_id, number, source) VALUES ($1, $2, $3)"
            " ON CONFLICT (coalesce(tenant_id, ''), number) DO NOTHING",
            tenant_id,
            number,
            source,
        )
        added += int(status.rsplit(" ", 1)[-1])
    await conn.execute(
        "UPDATE campaign_contacts SET status = 'dnc' WHERE status = 'pending'"
        " AND phone = ANY($2::text[]) AND ($1::text IS NULL OR tenant_id = $1)",
        tenant_id,
        list(numbers),
    )
    return added


async def list_dnc(conn: Any, tenant_id: str | None) -> list[Any]:
    """One DNC list (None: the platform's)."""
    rows: list[Any] = await conn.fetch(
        "SELECT number, source, added_at FROM dnc_numbers"
        " WHERE tenant_id IS NOT DISTINCT FROM $1 ORDER BY number",
        tenant_id,
    )
    return rows


async def remove_dnc(conn: Any, tenant_id: str | None, number: str) -> bool:
    """Take a number off one DNC list."""
    status: str = await conn.execute(
        "DELETE FROM dnc_numbers WHERE tenant_id IS NOT DISTINCT FROM $1 AND number = $2",
        tenant_id,
        number,
    )
    return status.endswith(" 1")


# ---------------------------------------------------------------- the dialer
async def is_open(conn: Any, tenant_id: str, schedule: str, at: datetime) -> bool:
    """Whether the tenant's schedule (hours, holidays) is open at ``at``."""
    return bool(
        await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM schedule_open WHERE tenant_id = $1 AND schedule = $2"
            " AND opens_at <= $3 AND closes_at > $3)",
            tenant_id,
            schedule,
            at,
        )
    )


async def claim_due(conn: Any, tenant_id: str, campaign_id: int, limit: int) -> list[Any]:
    """Take up to ``limit`` contacts due now for dialling: each gets an attempt row (in
    flight) and status ``dialing``; contacts on a DNC list now become ``dnc`` instead.
    Run in a transaction."""
    rows = await conn.fetch(
        "SELECT c.id, c.phone,"
        " EXISTS (SELECT 1 FROM dnc_numbers d WHERE d.number = c.phone"
        "   AND (d.tenant_id = $1 OR d.tenant_id IS NULL)) AS dnc"
        " FROM campaign_contacts c WHERE c.tenant_id = $1 AND c.campaign_id = $2"
        " AND c.status = 'pending' AND c.next_at <= now() AND c.reserved_by IS NULL"
        " ORDER BY c.next_at, c.id LIMIT $3 FOR UPDATE OF c SKIP LOCKED",
        tenant_id,
        campaign_id,
        limit,
    )
    blocked = [r["id"] for r in rows if r["dnc"]]
    if blocked:
        await conn.execute(
            "UPDATE campaign_contacts SET status = 'dnc' WHERE tenant_id = $1 AND id = ANY($2)",
            tenant_id,
            blocked,
        )
    out = []
    for r in rows:
        if r["dnc"]:
            continue
        out.append(await start_attempt(conn, tenant_id, campaign_id, r["id"], r["phone"], None))
    return out


async def start_attempt(
    conn: Any, tenant_id: str, campaign_id: int, contact_id: int, phone: str, agent: str | None
) -> Any:
    """Record an attempt in flight and count it on its contact."""
    await conn.execute(
        "UPDATE campaign_contacts SET status = 'dialing', attempts = attempts + 1"
        " WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        contact_id,
    )
    return await conn.fetchrow(
        "INSERT INTO campaign_attempts (tenant_id, campaign_id, contact_id, phone, agent)"
        " VALUES ($1, $2, $3, $4, $5) RETURNING id, contact_id, phone",
        tenant_id,
        campaign_id,
        contact_id,
        phone,
        agent,
    )


async def attempt_for_update(conn: Any, attempt_id: int) -> Any:
    """An attempt with its contact's count and its campaign's retry rules (dialer only:
    the id comes from our own channel names and events)."""
    return await conn.fetchrow(
        "SELECT a.id, a.tenant_id, a.campaign_id, a.contact_id, a.outcome, a.answered_at,"
        " c.attempts, k.max_attempts, k.retry_delays::text AS retry_delays"
        " FROM campaign_attempts a JOIN campaign_contacts c ON c.id = a.contact_id"
        " JOIN campaigns k ON k.id = a.campaign_id WHERE a.id = $1 FOR UPDATE OF a, c",
        attempt_id,
    )


async def note_attempt(
    conn: Any,
    tenant_id: str,
    attempt_id: int,
    *,
    answered: bool = False,
    agent: str | None = None,
    linkedid: str | None = None,
    dial_status: str | None = None,
    keys: str | None = None,
) -> None:
    """Record what is known of an attempt in flight (answered, by whom, its call, keys)."""
    await conn.execute(
        "UPDATE campaign_attempts SET"
        " answered_at = CASE WHEN $3 THEN coalesce(answered_at, now()) ELSE answered_at END,"
        " agent = coalesce($4, agent), linkedid = coalesce($5, linkedid),"
        " dial_status = coalesce($6, dial_status), keys = coalesce($7, keys)"
        " WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        attempt_id,
        answered,
        agent,
        linkedid,
        dial_status,
        keys,
    )


async def finish_attempt(
    conn: Any,
    tenant_id: str,
    attempt_id: int,
    contact_id: int,
    outcome: str,
    contact_status: str,
    next_at: datetime | None,
) -> None:
    """Close an attempt and move its contact on."""
    await conn.execute(
        "UPDATE campaign_attempts SET outcome = $3, ended_at = now()"
        " WHERE tenant_id = $1 AND id = $2 AND outcome IS NULL",
        tenant_id,
        attempt_id,
        outcome,
    )
    await conn.execute(
        "UPDATE campaign_contacts SET status = $3, last_outcome = $4,"
        " next_at = coalesce($5, next_at), reserved_by = NULL"
        " WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        contact_id,
        contact_status,
        outcome,
        next_at,
    )


async def open_attempts(
    conn: Any, tenant_id: str, campaign_id: int, older_than_s: int
) -> list[Any]:
    """Attempts still in flight that started more than ``older_than_s`` ago."""
    rows: list[Any] = await conn.fetch(
        "SELECT id, answered_at IS NOT NULL AS answered, agent IS NOT NULL AS taken"
        " FROM campaign_attempts WHERE tenant_id = $1 AND campaign_id = $2"
        " AND outcome IS NULL AND started_at < now() - make_interval(secs => $3)",
        tenant_id,
        campaign_id,
        older_than_s,
    )
    return rows


async def pacing_counts(conn: Any, tenant_id: str, campaign_id: int) -> Any:
    """In flight, people reached, abandoned, dials ended and answered, and the measured
    ring, handle and unanswered times: the pacing's inputs."""
    return await conn.fetchrow(
        "SELECT count(*) FILTER (WHERE outcome IS NULL AND answered_at IS NULL) AS in_flight,"
        " count(*) FILTER (WHERE outcome IN ('answered', 'abandoned')) AS reached,"
        " count(*) FILTER (WHERE outcome = 'abandoned') AS abandoned,"
        " count(*) FILTER (WHERE outcome IS NOT NULL) AS ended,"
        " count(*) FILTER (WHERE outcome IN ('answered', 'abandoned')) AS answers,"
        " count(*) FILTER (WHERE outcome IS NULL) AS open,"
        " coalesce(extract(epoch FROM avg(answered_at - started_at)"
        "   FILTER (WHERE outcome = 'answered')), 0)::float8 AS mean_ring_s,"
        # Censored like a survival estimate: the calls agents are still on count their
        # time so far, else the first (short) calls to end make handling look fast.
        " coalesce(extract(epoch FROM"
        "   (coalesce(sum(ended_at - answered_at) FILTER (WHERE outcome = 'answered'),"
        "             interval '0')"
        "    + coalesce(sum(now() - answered_at)"
        "               FILTER (WHERE outcome IS NULL AND answered_at IS NOT NULL),"
        "               interval '0'))"
        "   / nullif(count(*) FILTER (WHERE outcome = 'answered'), 0)), 0)::float8"
        "   AS mean_handle_s"
        " FROM campaign_attempts WHERE tenant_id = $1 AND campaign_id = $2",
        tenant_id,
        campaign_id,
    )


async def ring_times(conn: Any, tenant_id: str, campaign_id: int, samples: int) -> Any:
    """Seconds since each call in flight was dialled, and the ring times of the last
    ``samples`` answered and unanswered dials (sorted): how likely a call still ringing at
    its age is to be answered."""
    return await conn.fetchrow(
        "SELECT"
        " ARRAY(SELECT extract(epoch FROM now() - started_at)::float8 FROM campaign_attempts"
        "   WHERE tenant_id = $1 AND campaign_id = $2 AND outcome IS NULL"
        "   AND answered_at IS NULL) AS ages,"
        " ARRAY(SELECT r FROM (SELECT extract(epoch FROM answered_at - started_at)::float8 AS r"
        "   FROM campaign_attempts WHERE tenant_id = $1 AND campaign_id = $2"
        "   AND outcome = 'answered' ORDER BY id DESC LIMIT $3) x ORDER BY r) AS answered,"
        " ARRAY(SELECT r FROM (SELECT extract(epoch FROM ended_at - started_at)::float8 AS r"
        "   FROM campaign_attempts WHERE tenant_id = $1 AND campaign_id = $2"
        "   AND outcome IN ('busy', 'no_answer', 'failed', 'machine')"
        "   ORDER BY id DESC LIMIT $3) y ORDER BY r) AS unanswered",
        tenant_id,
        campaign_id,
        samples,
    )


async def unfinished(conn: Any, tenant_id: str, campaign_id: int) -> int:
    """Contacts still to dial or being dialled."""
    n: int = await conn.fetchval(
        "SELECT count(*) FROM campaign_contacts WHERE tenant_id = $1 AND campaign_id = $2"
        " AND status IN ('pending', 'dialing')",
        tenant_id,
        campaign_id,
    )
    return n


async def save_disposition(
    conn: Any, tenant_id: str, contact_id: int, disposition: str, success: bool
) -> None:
    """The agent's disposition of a contact decides its success."""
    await conn.execute(
        "UPDATE campaign_contacts SET disposition = $3, success = $4"
        " WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        contact_id,
        disposition,
        success,
    )


# ---------------------------------------------------------------- preview and the agent's pop
async def reserve_next(conn: Any, tenant_id: str, campaign_id: int, endpoint: str) -> Any:
    """Preview: the contact this agent holds, else the next due one (not on a DNC list),
    now held by the agent. Run in a transaction."""
    held = await conn.fetchrow(
        f"SELECT {_CONTACT_COLUMNS} FROM campaign_contacts"  # noqa: S608 - constant columns
        " WHERE tenant_id = $1 AND campaign_id = $2 AND reserved_by = $3 AND status = 'pending'",
        tenant_id,
        campaign_id,
        endpoint,
    )
    if held is not None:
        return held
    return await conn.fetchrow(
        "UPDATE campaign_contacts SET reserved_by = $3 WHERE id = ("  # noqa: S608 - constant columns
        " SELECT c.id FROM campaign_contacts c WHERE c.tenant_id = $1 AND c.campaign_id = $2"
        " AND c.status = 'pending' AND c.next_at <= now() AND c.reserved_by IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM dnc_numbers d WHERE d.number = c.phone"
        "   AND (d.tenant_id = $1 OR d.tenant_id IS NULL))"
        " ORDER BY c.next_at, c.id LIMIT 1 FOR UPDATE SKIP LOCKED)"
        f" RETURNING {_CONTACT_COLUMNS}",
        tenant_id,
        campaign_id,
        endpoint,
    )


async def release(conn: Any, tenant_id: str, contact_id: int, endpoint: str) -> bool:
    """Preview: the agent gives a held contact back."""
    status: str = await conn.execute(
        "UPDATE campaign_contacts SET reserved_by = NULL"
        " WHERE tenant_id = $1 AND id = $2 AND reserved_by = $3",
        tenant_id,
        contact_id,
        endpoint,
    )
    return status.endswith(" 1")


async def on_dnc(conn: Any, tenant_id: str, number: str) -> bool:
    """Whether a number is on the tenant's or the platform's DNC list."""
    return bool(await dnc_among(conn, tenant_id, [number]))


async def call_in_flight(conn: Any, tenant_id: str, phone: str) -> Any:
    """The campaign call in flight to ``phone`` (the agent's pop): its contact and campaign."""
    return await conn.fetchrow(
        "SELECT c.id, c.phone, c.name, c.fields::text AS fields, c.status, c.attempts,"
        " c.last_outcome, c.disposition, c.success, k.id AS campaign_id,"
        " k.name AS campaign_name, k.script, k.dispositions::text AS dispositions"
        " FROM campaign_attempts a JOIN campaign_contacts c ON c.id = a.contact_id"
        " JOIN campaigns k ON k.id = a.campaign_id"
        " WHERE a.tenant_id = $1 AND a.phone = $2 AND a.outcome IS NULL"
        " ORDER BY a.id DESC LIMIT 1",
        tenant_id,
        phone,
    )
