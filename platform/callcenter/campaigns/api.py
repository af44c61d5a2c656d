"""``/api/v1/tenants/{tenant_id}/campaigns``, ``.../dnc`` and ``/api/v1/platform/dnc``."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.agents.api import AGENTS
from callcenter.campaigns import preview, service
from callcenter.campaigns.schemas import CampaignIn, DispositionIn, DncIn, StateIn
from callcenter.errors import InvalidInput
from callcenter.web.io import parse_body, principal_of, read_csv_upload

MAX_CSV_BYTES = 4 * 1024 * 1024

routes = web.RouteTableDef()
BASE = "/api/v1/tenants/{tenant_id}/campaigns"
ONE = BASE + r"/{campaign_id:\d+}"


def _id(request: web.Request, name: str) -> int:
    raw = request.match_info[name]
    if not raw.isdigit() or len(raw) > 18:
        raise InvalidInput("an id is a number", field=name)
    return int(raw)


@routes.post(BASE)
async def create_campaign(request: web.Request) -> web.Response:
    """Create a campaign (draft)."""
    body = await parse_body(request, CampaignIn)
    return web.json_response(
        await service.create_campaign(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"], body
        ),
        status=201,
    )


@routes.get(BASE)
async def list_campaigns(request: web.Request) -> web.Response:
    """The tenant's campaigns with their progress."""
    return web.json_response(
        await service.list_campaigns(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.get(ONE)
async def get_campaign(request: web.Request) -> web.Response:
    """One campaign and its live progress."""
    return web.json_response(
        await service.get_campaign(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _id(request, "campaign_id"),
        )
    )


@routes.put(ONE)
async def edit_campaign(request: web.Request) -> web.Response:
    """Change a campaign's settings."""
    body = await parse_body(request, CampaignIn)
    return web.json_response(
        await service.edit_campaign(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _id(request, "campaign_id"),
            body,
        )
    )


@routes.delete(ONE)
async def delete_campaign(request: web.Request) -> web.Response:
    """Delete a campaign that is not running."""
    await service.delete_campaign(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        _id(request, "campaign_id"),
    )
    return web.Response(status=204)


@routes.post(ONE + "/state")
async def change_state(request: web.Request) -> web.Response:
    """``{"action": "start" | "pause" | "resume" | "stop"}``."""
    body = await parse_body(request, StateIn)
    return web.json_response(
        await service.change_state(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _id(request, "campaign_id"),
            body.action,
        )
    )


@routes.post(ONE + "/contacts.csv")
async def add_contacts(request: web.Request) -> web.Response:
    """Append contacts from a CSV body (UTF-8 or GB18030; the header names the columns)."""
    who = principal_of(request)
    text = await read_csv_upload(request, MAX_CSV_BYTES)
    return web.json_response(
        await service.add_contacts(
            request.app[keys.POOL],
            who,
            request.match_info["tenant_id"],
            _id(request, "campaign_id"),
            text,
        )
    )


@routes.get(ONE + "/contacts")
async def list_contacts(request: web.Request) -> web.Response:
    """A page of contacts: ``?after=<id>&limit=<1-1000>``."""
    after = request.query.get("after", "0")
    limit = request.query.get("limit", "200")
    if not after.isdigit() or len(after) > 18:
        raise InvalidInput("after is a contact id", field="after")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise InvalidInput("limit is 1-1000", field="limit")
    return web.json_response(
        await service.list_contacts(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _id(request, "campaign_id"),
            int(after),
            int(limit),
        )
    )


@routes.put(ONE + r"/contacts/{contact_id:\d+}/disposition")
async def set_disposition(request: web.Request) -> web.Response:
    """The agent's disposition of a contact (one of the campaign's)."""
    body = await parse_body(request, DispositionIn)
    return web.json_response(
        await service.set_disposition(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _id(request, "campaign_id"),
            _id(request, "contact_id"),
            body,
        )
    )


@routes.get(ONE + "/results.csv")
async def export_results(request: web.Request) -> web.Response:
    """Every contact's result as CSV."""
    text = await service.export_results(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        _id(request, "campaign_id"),
    )
    return web.Response(
        text=text,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="campaign-results.csv"'},
    )


# ---------------------------------------------------------------- do-not-call lists
@routes.get("/api/v1/tenants/{tenant_id}/dnc")
async def list_dnc(request: web.Request) -> web.Response:
    """The tenant's do-not-call list."""
    return web.json_response(
        await service.list_dnc(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.post("/api/v1/tenants/{tenant_id}/dnc")
async def add_dnc(request: web.Request) -> web.Response:
    """Add numbers to the tenant's do-not-call list."""
    body = await parse_body(request, DncIn)
    return web.json_response(
        await service.add_dnc(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"], body
        )
    )


@routes.delete("/api/v1/tenants/{tenant_id}/dnc/{number}")
async def remove_dnc(request: web.Request) -> web.Response:
    """Take a number off the tenant's do-not-call list."""
    await service.remove_dnc(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["number"],
    )
    return web.Response(status=204)


@routes.get("/api/v1/platform/dnc")
async def list_platform_dnc(request: web.Request) -> web.Response:
    """The platform's do-not-call list (operators)."""
    return web.json_response(
        await service.list_dnc(request.app[keys.POOL], principal_of(request), None)
    )


@routes.post("/api/v1/platform/dnc")
async def add_platform_dnc(request: web.Request) -> web.Response:
    """Add numbers to the platform's do-not-call list (operators)."""
    body = await parse_body(request, DncIn)
    return web.json_response(
        await service.add_dnc(request.app[keys.POOL], principal_of(request), None, body)
    )


@routes.delete("/api/v1/platform/dnc/{number}")
async def remove_platform_dnc(request: web.Request) -> web.Response:
    """Take a number off the platform's do-not-call list (operators)."""
    await service.remove_dnc(
        request.app[keys.POOL], principal_of(request), None, request.match_info["number"]
    )
    return web.Response(status=204)


# ---------------------------------------------------------------- preview (the agent's own)
@routes.get("/api/v1/agent/campaigns")
async def preview_campaigns(request: web.Request) -> web.Response:
    """Preview: the running preview campaigns of the agent's queues."""
    return web.json_response(await preview.my_campaigns(request.app[AGENTS], principal_of(request)))


@routes.post(r"/api/v1/agent/campaigns/{campaign_id:\d+}/next")
async def preview_next(request: web.Request) -> web.Response:
    """Preview: the next contact to call, held for this agent, with the script."""
    return web.json_response(
        await preview.next_contact(
            request.app[AGENTS], principal_of(request), _id(request, "campaign_id")
        )
    )


@routes.post(r"/api/v1/agent/campaigns/{campaign_id:\d+}/contacts/{contact_id:\d+}/dial")
async def preview_dial(request: web.Request) -> web.Response:
    """Preview: dial the held contact (the agent's phone rings first)."""
    return web.json_response(
        await preview.dial_contact(
            request.app[AGENTS],
            request.app.get(keys.DIALER),
            principal_of(request),
            _id(request, "campaign_id"),
            _id(request, "contact_id"),
        )
    )


@routes.post(r"/api/v1/agent/campaigns/{campaign_id:\d+}/contacts/{contact_id:\d+}/skip")
async def preview_skip(request: web.Request) -> web.Response:
    """Preview: give the held contact back."""
    return web.json_response(
        await preview.skip_contact(
            request.app[AGENTS],
            principal_of(request),
            _id(request, "campaign_id"),
            _id(request, "contact_id"),
        )
    )
