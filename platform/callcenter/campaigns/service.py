"""Campaigns for tenant admins (and supervisors, read-only), dispositions for agents, and the
do-not-call lists (a tenant's own, the platform's for operators)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.campaigns import repo
from callcenter.campaigns.errors import CampaignExists, CampaignState, NoSuchCampaign
from callcenter.campaigns.rules import abandon_rate
from callcenter.campaigns.schemas import CampaignIn, DispositionIn, DncIn
from callcenter.contacts.csv_list import parse_contact_list
from callcenter.db.pool import connection, transaction
from callcenter.errors import AlreadyExists, InvalidInput, NotFound
from callcenter.numbers.parsing import parse_number
from callcenter.prompts import repo as prompts_repo

# action -> (statuses it applies to, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "start": (("draft",), "running"),
    "pause": (("running",), "paused"),
    "resume": (("paused",), "running"),
    "stop": (("draft", "running", "paused"), "stopped"),
}


def campaign_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """A campaign as the API shows it."""
    return {
        "id": row["id"],
        "name": row["name"],
        "mode": row["mode"],
        "caller_number": row["caller_number"],
        "queue": row["queue"],
        "schedule": row["schedule"],
        "script": row["script"],
        "dispositions": json.loads(row["dispositions"]),
        "success_dispositions": json.loads(row["success_dispositions"]),
        "abandon_cap_percent": float(row["abandon_cap"]),
        "max_attempts": row["max_attempts"],
        "retry_delays": json.loads(row["retry_delays"]),
        "dial_timeout": row["dial_timeout"],
        "amd": row["amd"],
        "notice": row["notice"],
        "survey": row["survey"],
        "status": row["status"],
        "created_at": row["created_at"].isoformat(),
        "started_at": row["started_at"].isoformat() if row["started_at"] else None,
        "finished_at": row["finished_at"].isoformat() if row["finished_at"] else None,
    }


def contact_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """A campaign contact with its custom columns."""
    return {
        "id": row["id"],
        "phone": row["phone"],
        "name": row["name"],
        "fields": json.loads(row["fields"]),
        "status": row["status"],
        "attempts": row["attempts"],
        "last_outcome": row["last_outcome"],
        "disposition": row["disposition"],
        "success": row["success"],
    }


def pop_contact(row: Mapping[str, Any]) -> dict[str, Any]:
    """A campaign contact as the agent's pop shows it: columns, campaign, script."""
    return {
        **contact_view(row),
        "source": "campaign",
        "campaign": {
            "id": row["campaign_id"],
            "name": row["campaign_name"],
            "script": row["script"],
            "dispositions": json.loads(row["dispositions"]),
        },
    }


def progress_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """Live figures of a campaign."""
    figures: dict[str, Any] = {k: int(row[k]) for k in row.keys()}
    figures["reached"] = figures["answered"] + figures["abandoned"]
    figures["abandon_rate_percent"] = abandon_rate(figures["abandoned"], figures["answered"])
    return figures


async def _check_references(conn: Any, tenant_id: str, data: CampaignIn) -> None:
    for i, d in enumerate(data.success_dispositions):
        if d not in data.dispositions:
            raise InvalidInput(
                "a success disposition must be one of the dispositions",
                field=f"success_dispositions[{i}]",
            )
    if len(set(data.dispositions)) != len(data.dispositions):
        raise InvalidInput("dispositions must differ", field="dispositions")
    if not await conn.fetchval(
        "SELECT 1 FROM acd_queues WHERE tenant_id = $1 AND name = $2", tenant_id, data.queue
    ):
        raise NotFound("no such queue", field="queue")
    if not await conn.fetchval(
        "SELECT 1 FROM schedules WHERE tenant_id = $1 AND name = $2", tenant_id, data.schedule
    ):
        raise NotFound("no such schedule", field="schedule")
    if not await conn.fetchval(
        "SELECT 1 FROM numbers WHERE tenant_id = $1 AND number = $2",
        tenant_id,
        data.caller_number,
    ):
        raise NotFound("not one of the tenant's numbers", field="caller_number")
    if data.survey and data.mode != "agentless":
        raise InvalidInput("a survey is an agentless campaign", field="survey")
    if data.mode == "agentless" and not data.notice:
        raise InvalidInput("an agentless campaign plays a notice", field="notice")
    if data.notice and not await prompts_repo.exists(conn, tenant_id, data.notice):
        raise NotFound("no such uploaded prompt", field="notice")


async def create_campaign(
    pool: Any, who: Principal, tenant_id: str, data: CampaignIn
) -> dict[str, Any]:
    """Create a campaign (draft: nothing is dialled until it is started)."""
    who.require_tenant(tenant_id, "tenant_admin")
    try:
        async with transaction(pool) as conn:
            await _check_references(conn, tenant_id, data)
            row = await repo.insert_campaign(conn, tenant_id, data.model_dump())
    except AlreadyExists as exc:
        raise CampaignExists("a campaign of this name exists", field="name") from exc
    return campaign_view(row)


async def edit_campaign(
    pool: Any, who: Principal, tenant_id: str, campaign_id: int, data: CampaignIn
) -> dict[str, Any]:
    """Change a campaign's settings; a running campaign follows them from its next dial."""
    who.require_tenant(tenant_id, "tenant_admin")
    try:
        async with transaction(pool) as conn:
            await _check_references(conn, tenant_id, data)
            row = await repo.update_campaign(conn, tenant_id, campaign_id, data.model_dump())
    except AlreadyExists as exc:
        raise CampaignExists("a campaign of this name exists", field="name") from exc
    if row is None:
        raise NoSuchCampaign("no such campaign", field="campaign_id")
    return campaign_view(row)


async def _campaign(conn: Any, tenant_id: str, campaign_id: int, lock: bool = False) -> Any:
    row = await repo.get_campaign(conn, tenant_id, campaign_id, lock=lock)
    if row is None:
        raise NoSuchCampaign("no such campaign", field="campaign_id")
    return row


async def get_campaign(
    pool: Any, who: Principal, tenant_id: str, campaign_id: int
) -> dict[str, Any]:
    """A campaign with its live progress."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    async with connection(pool) as conn:
        row = await _campaign(conn, tenant_id, campaign_id)
        figures = await repo.progress(conn, tenant_id, campaign_id)
    return {**campaign_view(row), "progress": progress_view(figures)}


async def list_campaigns(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's campaigns with their progress."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    async with connection(pool) as conn:
        out = []
        for row in await repo.list_campaigns(conn, tenant_id):
            figures = await repo.progress(conn, tenant_id, row["id"])
            out.append({**campaign_view(row), "progress": progress_view(figures)})
    return out


async def delete_campaign(pool: Any, who: Principal, tenant_id: str, campaign_id: int) -> None:
    """Delete a campaign that is not running, with its list and results."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        row = await _campaign(conn, tenant_id, campaign_id, lock=True)
        if row["status"] == "running":
            raise CampaignState("stop the campaign first", field="status", status=row["status"])
        await repo.delete_campaign(conn, tenant_id, campaign_id)


async def change_state(
    pool: Any, who: Principal, tenant_id: str, campaign_id: int, action: str
) -> dict[str, Any]:
    """Start, pause, resume or stop; the dialer follows within a second."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    allowed, target = TRANSITIONS[action]
    async with transaction(pool) as conn:
        row = await _campaign(conn, tenant_id, campaign_id, lock=True)
        if row["status"] not in allowed:
            raise CampaignState(
                f"a {row['status']} campaign cannot {action}",
                field="action",
                status=row["status"],
            )
        await repo.set_status(conn, tenant_id, campaign_id, target)
        row = await _campaign(conn, tenant_id, campaign_id)
    return campaign_view(row)


async def add_contacts(
    pool: Any, who: Principal, tenant_id: str, campaign_id: int, text: str
) -> dict[str, Any]:
    """Append a CSV list to a campaign (also while it runs); bad and duplicate rows are
    reported per line and left out, the good ones are added."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        row = await _campaign(conn, tenant_id, campaign_id, lock=True)
        if row["status"] == "stopped":
            raise CampaignState("the campaign is stopped", field="status", status="stopped")
        parsed = parse_contact_list(text, await repo.known_numbers(conn, tenant_id, campaign_id))
        dnc = await repo.dnc_among(conn, tenant_id, [c.phone for c in parsed.contacts])
        await repo.add_contacts(conn, tenant_id, campaign_id, parsed.contacts, dnc)
        if row["status"] == "completed" and len(dnc) < len(parsed.contacts):
            await repo.set_status(conn, tenant_id, campaign_id, "running")
    return {
        "added": len(parsed.contacts),
        "do_not_call": sorted(dnc),
        "errors": [
            {"line": e.line, "error": e.problem, "field": e.field, "value": e.value}
            for e in parsed.errors
        ],
    }


async def list_contacts(
    pool: Any, who: Principal, tenant_id: str, campaign_id: int, after: int, limit: int
) -> list[dict[str, Any]]:
    """A page of a campaign's contacts."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    async with connection(pool) as conn:
        await _campaign(conn, tenant_id, campaign_id)
        rows = await repo.list_contacts(conn, tenant_id, campaign_id, limit, after)
    return [contact_view(r) for r in rows]


async def set_disposition(
    pool: Any,
    who: Principal,
    tenant_id: str,
    campaign_id: int,
    contact_id: int,
    data: DispositionIn,
) -> dict[str, Any]:
    """An agent (or admin) records a contact's disposition; the campaign's success subset
    decides whether the contact counts as a success."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor", "agent")
    async with transaction(pool) as conn:
        campaign = await _campaign(conn, tenant_id, campaign_id)
        contact = await repo.get_contact(conn, tenant_id, campaign_id, contact_id)
        if contact is None:
            raise NotFound("no such contact", field="contact_id")
        if data.disposition not in json.loads(campaign["dispositions"]):
            raise InvalidInput("not one of the campaign's dispositions", field="disposition")
        success = data.disposition in json.loads(campaign["success_dispositions"])
        await repo.save_disposition(conn, tenant_id, contact_id, data.disposition, success)
        contact = await repo.get_contact(conn, tenant_id, campaign_id, contact_id)
    return contact_view(contact)


RESULT_FIELDS = (
    "phone",
    "name",
    "status",
    "attempts",
    "last_outcome",
    "disposition",
    "success",
    "agent",
    "last_started_at",
    "answered_at",
)


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


async def export_results(pool: Any, who: Principal, tenant_id: str, campaign_id: int) -> str:
    """Every contact's result as CSV (UTF-8 with BOM), its custom columns after ours."""
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    async with connection(pool) as conn:
        await _campaign(conn, tenant_id, campaign_id)
        rows = await repo.results(conn, tenant_id, campaign_id)
    custom: list[str] = []
    for r in rows:
        for key in json.loads(r["fields"]):
            if key not in custom:
                custom.append(key)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([*RESULT_FIELDS, *custom])
    for r in rows:
        fields = json.loads(r["fields"])
        values = [
            r["phone"],
            r["name"],
            r["status"],
            r["attempts"],
            r["last_outcome"],
            r["disposition"],
            "yes" if r["success"] else "no",
            r["agent"],
            r["started_at"].isoformat() if r["started_at"] else "",
            r["answered_at"].isoformat() if r["answered_at"] else "",
        ]
        writer.writerow([_cell(v) for v in values] + [_cell(fields.get(k, "")) for k in custom])
    return out.getvalue()


# ---------------------------------------------------------------- do-not-call lists
def _dnc_numbers(data: DncIn) -> list[str]:
    out = []
    for i, raw in enumerate(data.numbers):
        out.append(parse_number(raw, field=f"numbers[{i}]").national)
    return sorted(set(out))


def _dnc_view(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "number": row["number"],
        "source": row["source"],
        "added_at": row["added_at"].isoformat(),
    }


async def add_dnc(pool: Any, who: Principal, tenant_id: str | None, data: DncIn) -> dict[str, Any]:
    """Add numbers to the tenant's DNC list (``tenant_id`` None: the platform's, operators)."""
    _dnc_access(who, tenant_id, write=True)
    numbers = _dnc_numbers(data)
    async with transaction(pool) as conn:
        added = await repo.add_dnc(conn, tenant_id, numbers, "api")
    return {"added": added, "numbers": numbers}


async def list_dnc(pool: Any, who: Principal, tenant_id: str | None) -> list[dict[str, Any]]:
    """One DNC list."""
    _dnc_access(who, tenant_id, write=False)
    async with connection(pool) as conn:
        return [_dnc_view(r) for r in await repo.list_dnc(conn, tenant_id)]


async def remove_dnc(pool: Any, who: Principal, tenant_id: str | None, raw: str) -> None:
    """Take a number off a DNC list."""
    _dnc_access(who, tenant_id, write=True)
    number = parse_number(raw, field="number").national
    async with transaction(pool) as conn:
        if not await repo.remove_dnc(conn, tenant_id, number):
            raise NotFound("the number is not on the list", field="number")


def _dnc_access(who: Principal, tenant_id: str | None, *, write: bool) -> None:
    if tenant_id is None:
        who.require_operator()
    elif write:
        who.require_tenant(tenant_id, "tenant_admin")
    else:
        who.require_tenant(tenant_id, "tenant_admin", "supervisor")
