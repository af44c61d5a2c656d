"""Agents: ``/api/v1/tenants/{tenant_id}/agents`` (tenant admins) and ``/api/v1/agent/...``
(the signed-in agent's own console actions)."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.agents import service
from callcenter.agents.schemas import (
    AgentEdit,
    AgentIn,
    DeviceIn,
    DialIn,
    NoteIn,
    PauseIn,
    TransferIn,
)
from callcenter.web.io import parse_body, principal_of, queues_applied

routes = web.RouteTableDef()
AGENTS = web.AppKey("agents", service.AgentDeps)  # what the agents service needs


@routes.post("/api/v1/tenants/{tenant_id}/agents")
async def create_agent(request: web.Request) -> web.Response:
    """Create an agent user bound to a seat."""
    body = await parse_body(request, AgentIn)
    agent = await service.create_agent(
        request.app[AGENTS],
        request.app[keys.HASHER],
        principal_of(request),
        request.match_info["tenant_id"],
        body,
    )
    return web.json_response(agent, status=201)


@routes.put("/api/v1/tenants/{tenant_id}/agents/{username}")
async def update_agent(request: web.Request) -> web.Response:
    """Change an agent user's name, seat and device (tenant admins)."""
    body = await parse_body(request, AgentEdit)
    return web.json_response(
        await service.update_agent(
            request.app[AGENTS],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["username"],
            body,
        )
    )


@routes.get("/api/v1/tenants/{tenant_id}/agents")
async def list_agents(request: web.Request) -> web.Response:
    """The tenant's agents and their live state."""
    return web.json_response(
        await service.list_agents(
            request.app[AGENTS], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.get("/api/v1/tenants/{tenant_id}/calls/{linkedid}")
async def call_record(request: web.Request) -> web.Response:
    """One call: its CDR legs and the agent's note and disposition."""
    return web.json_response(
        await service.call_record(
            request.app[AGENTS],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["linkedid"],
        )
    )


@routes.get("/api/v1/agent/me")
async def me(request: web.Request) -> web.Response:
    """The signed-in agent: seat, SIP credentials, queues, state, today's figures."""
    return web.json_response(await service.profile(request.app[AGENTS], principal_of(request)))


@routes.put("/api/v1/agent/device")
async def set_device(request: web.Request) -> web.Response:
    """Browser softphone, external SIP app, or mobile."""
    body = await parse_body(request, DeviceIn)
    return web.json_response(
        await service.set_device(request.app[AGENTS], principal_of(request), body)
    )


@routes.post("/api/v1/agent/login")
async def log_in(request: web.Request) -> web.Response:
    """Log in to the workspace (queues ring the seat)."""
    return web.json_response(await service.log_in(request.app[AGENTS], principal_of(request), True))


@routes.post("/api/v1/agent/logout")
async def log_out(request: web.Request) -> web.Response:
    """Log out of the workspace (no queue rings the seat)."""
    return web.json_response(
        await service.log_in(request.app[AGENTS], principal_of(request), False)
    )


@routes.post("/api/v1/agent/pause")
async def pause(request: web.Request) -> web.Response:
    """Pause with a reason."""
    body = await parse_body(request, PauseIn)
    return web.json_response(await service.pause(request.app[AGENTS], principal_of(request), body))


@routes.post("/api/v1/agent/unpause")
async def unpause(request: web.Request) -> web.Response:
    """Back from a pause."""
    return web.json_response(await service.pause(request.app[AGENTS], principal_of(request), None))


@routes.post("/api/v1/agent/wrapup/end")
async def end_wrapup(request: web.Request) -> web.Response:
    """Finish wrap-up on the console."""
    return web.json_response(await service.end_wrapup(request.app[AGENTS], principal_of(request)))


@routes.post("/api/v1/agent/queues/{queue}/login")
async def queue_login(request: web.Request) -> web.Response:
    """Log in to one queue."""
    answer = await service.queue_login(
        request.app[AGENTS], principal_of(request), request.match_info["queue"], True
    )
    await queues_applied(request)
    return web.json_response(answer)


@routes.post("/api/v1/agent/queues/{queue}/logout")
async def queue_logout(request: web.Request) -> web.Response:
    """Log out of one queue."""
    answer = await service.queue_login(
        request.app[AGENTS], principal_of(request), request.match_info["queue"], False
    )
    await queues_applied(request)
    return web.json_response(answer)


@routes.put("/api/v1/agent/calls/{linkedid}/note")
async def save_note(request: web.Request) -> web.Response:
    """Save the note and disposition of a call the agent handled."""
    body = await parse_body(request, NoteIn)
    return web.json_response(
        await service.save_note(
            request.app[AGENTS], principal_of(request), request.match_info["linkedid"], body
        )
    )


@routes.post("/api/v1/agent/dial")
async def dial(request: web.Request) -> web.Response:
    """Click-to-call."""
    body = await parse_body(request, DialIn)
    return web.json_response(
        await service.dial(request.app[AGENTS], principal_of(request), body), status=202
    )


@routes.post("/api/v1/agent/transfer")
async def transfer(request: web.Request) -> web.Response:
    """Blind or attended transfer of the current call."""
    body = await parse_body(request, TransferIn)
    return web.json_response(
        await service.transfer(request.app[AGENTS], principal_of(request), body)
    )


@routes.post("/api/v1/agent/transfer/cancel")
async def cancel_transfer(request: web.Request) -> web.Response:
    """Abandon an attended transfer."""
    return web.json_response(
        await service.cancel_transfer(request.app[AGENTS], principal_of(request))
    )
