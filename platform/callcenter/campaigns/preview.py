"""Preview dialling and the agent's view of a campaign contact.

In a preview campaign the agent asks for the next contact (held for that agent, so two
agents never get the same one), reads it with its columns and the script, then dials or
skips it. Dialling rings the agent's own phone first (like click-to-call), then the
customer through ``cc-campaign-dial`` (the tenant's caps and patterns, the campaign's
caller number, the CDR tags); the dialer closes the attempt from the call's events.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from callcenter.agents.service import AgentDeps, agent_ref
from callcenter.asterisk import realtime
from callcenter.auth.principal import Principal
from callcenter.campaigns import repo
from callcenter.campaigns.dialer import Dialer
from callcenter.campaigns.errors import CampaignState, NoContactDue, NoSuchCampaign
from callcenter.campaigns.service import pop_contact
from callcenter.db.pool import transaction
from callcenter.errors import Conflict, NotFound, Unavailable
from callcenter.workspace.core import AgentRef, OutboundStarted

log = logging.getLogger(__name__)


async def _preview_campaign(conn: Any, ref: AgentRef, campaign_id: int) -> Any:
    row = await repo.get_campaign(conn, ref.tenant_id, campaign_id)
    if row is None:
        raise NoSuchCampaign("no such campaign", field="campaign_id")
    if row["mode"] != "preview" or row["status"] != "running":
        raise CampaignState("not a running preview campaign", field="campaign_id")
    member = await conn.fetchval(
        "SELECT 1 FROM acd_queue_members WHERE tenant_id = $1 AND queue_name = $2"
        " AND extension = $3",
        ref.tenant_id,
        row["queue"],
        ref.extension,
    )
    if not member:
        raise NoSuchCampaign("not a campaign of your queues", field="campaign_id")
    if not await repo.is_open(conn, ref.tenant_id, row["schedule"], datetime.now(UTC)):
        raise CampaignState("outside the calling hours", field="schedule")
    return row


def _with_campaign(contact: Mapping[str, Any], campaign: Mapping[str, Any]) -> dict[str, Any]:
    return pop_contact(
        {
            **dict(contact),
            "campaign_id": campaign["id"],
            "campaign_name": campaign["name"],
            "script": campaign["script"],
            "dispositions": campaign["dispositions"],
        }
    )


async def next_contact(deps: AgentDeps, who: Principal, campaign_id: int) -> dict[str, Any]:
    """The contact the agent should call next (held for the agent until dialled or skipped)."""
    ref = await agent_ref(deps, who)
    async with transaction(deps.pool) as conn:
        campaign = await _preview_campaign(conn, ref, campaign_id)
        row = await repo.reserve_next(conn, ref.tenant_id, campaign_id, ref.endpoint)
    if row is None:
        raise NoContactDue("no contact to call now", field="campaign_id")
    return _with_campaign(row, campaign)


async def skip_contact(
    deps: AgentDeps, who: Principal, campaign_id: int, contact_id: int
) -> dict[str, Any]:
    """Give a held contact back (it stays due for the next agent)."""
    ref = await agent_ref(deps, who)
    async with transaction(deps.pool) as conn:
        if not await repo.release(conn, ref.tenant_id, contact_id, ref.endpoint):
            raise NotFound("you do not hold this contact", field="contact_id")
    return {"skipped": contact_id}


async def dial_contact(
    deps: AgentDeps, dialer: Dialer | None, who: Principal, campaign_id: int, contact_id: int
) -> dict[str, Any]:
    """Dial the held contact: the agent's phone rings first, then the customer."""
    ref = await agent_ref(deps, who)
    ami = deps.require_ami()
    if dialer is None:
        raise Unavailable("Asterisk is not connected")
    if deps.workspace.state_of(ref.endpoint).call is not None:
        raise Conflict("already on a call", field="contact_id")
    async with transaction(deps.pool) as conn:
        campaign = await _preview_campaign(conn, ref, campaign_id)
        contact = await repo.get_contact(conn, ref.tenant_id, campaign_id, contact_id)
        if contact is None or contact["reserved_by"] != ref.endpoint:
            raise NotFound("you do not hold this contact", field="contact_id")
        if contact["status"] != "pending":
            raise CampaignState("the contact is not due", field="contact_id")
        if await repo.on_dnc(conn, ref.tenant_id, contact["phone"]):
            await conn.execute(
                "UPDATE campaign_contacts SET status = 'dnc', reserved_by = NULL"
                " WHERE tenant_id = $1 AND id = $2",
                ref.tenant_id,
                contact_id,
            )
            raise CampaignState("the number is on a do-not-call list", field="contact_id")
        registered = await realtime.registered_endpoints(conn, [ref.endpoint])
        if ref.endpoint not in registered:
            raise Conflict("your phone is not registered", field="device")
        attempt = await repo.start_attempt(
            conn, ref.tenant_id, campaign_id, contact_id, contact["phone"], ref.endpoint
        )
    pop = _with_campaign(contact, campaign)
    deps.workspace.feed(OutboundStarted(ref.endpoint, contact["phone"], pop))
    dialer.place_preview(ref.tenant_id, ref.endpoint, attempt["id"], contact["phone"], ami)
    return {"attempt": attempt["id"], "number": contact["phone"], "status": "ringing_agent"}


async def my_campaigns(deps: AgentDeps, who: Principal) -> list[dict[str, Any]]:
    """The running preview campaigns of the agent's queues."""
    ref = await agent_ref(deps, who)
    async with transaction(deps.pool) as conn:
        rows = await conn.fetch(
            "SELECT k.id, k.name FROM campaigns k JOIN acd_queue_members m"
            " ON m.tenant_id = k.tenant_id AND m.queue_name = k.queue"
            " WHERE k.tenant_id = $1 AND m.extension = $2 AND k.mode = 'preview'"
            " AND k.status = 'running' ORDER BY k.id",
            ref.tenant_id,
            ref.extension,
        )
    return [{"id": r["id"], "name": r["name"]} for r in rows]
