"""The live wallboard: ``GET /api/v1/tenants/{tenant_id}/wallboard`` and the ``/wallboard``
page. The same queue snapshot is pushed to the tenant's live-event subscribers (``type:
wallboard``) whenever it changes; agents' states are pushed by the agent workspace."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiohttp import web

from callcenter import keys
from callcenter.errors import Unavailable
from callcenter.web.io import principal_of
from callcenter.workspace.lifecycle import WORKSPACE
from callcenter.workspace.state import presence

routes = web.RouteTableDef()
PAGE_DIR = Path(__file__).resolve().parents[1] / "web" / "console"


def agents_summary(app: web.Application, tenant_id: str, now: float) -> dict[str, Any]:
    """Agents of the tenant by state, and paused agents by reason."""
    workspace = app.get(WORKSPACE)
    states: Counter[str] = Counter()
    paused: Counter[str] = Counter()
    if workspace is not None:
        for state in workspace.states_of_tenant(tenant_id):
            p = presence(state, now)
            states[p] += 1
            if p == "paused":
                paused[state.pause_reason or "unspecified"] += 1
    return {"by_state": dict(states), "paused_by_reason": dict(paused)}


@routes.get("/api/v1/tenants/{tenant_id}/wallboard")
async def wallboard(request: web.Request) -> web.Response:
    """Waiting callers, longest wait, today's answered/abandoned/SL per queue; agents."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin", "supervisor")
    live = request.app.get(keys.WALLBOARD)
    if live is None:
        raise Unavailable("the wallboard needs the Asterisk connection")
    now = time.time()
    return web.json_response(
        {
            "queues": live.board.snapshot(tenant_id, now),
            "agents": agents_summary(request.app, tenant_id, now),
            "generated_at": now,
        }
    )


@routes.get("/wallboard")
async def page(_request: web.Request) -> web.StreamResponse:
    """The wallboard page (static; data over the API and the live websocket)."""
    return web.FileResponse(PAGE_DIR / "wallboard.html")


@routes.get("/wallboard/static/wallboard.js")
async def script(_request: web.Request) -> web.StreamResponse:
    """The wallboard's script."""
    return web.FileResponse(PAGE_DIR / "wallboard.js")


@routes.get("/wallboard/static/wallboard.css")
async def style(_request: web.Request) -> web.StreamResponse:
    """The wallboard's style sheet (no inline style: the pages' policy allows none)."""
    return web.FileResponse(PAGE_DIR / "wallboard.css")


async def wallboard_push(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: push wallboard snapshots through the agent workspace's hub."""
    live = app.get(keys.WALLBOARD)
    workspace = app.get(WORKSPACE)
    if live is not None and workspace is not None:
        hub = workspace.hub

        def publish(tenant_id: str, queues: list[dict[str, object]], at: float | None) -> None:
            hub.publish(
                tenant_id,
                None,
                {"type": "wallboard", "queues": queues, "event_at": at},
                tenant_wide_only=True,
            )

        live.publishers.append(publish)
        live.watched = hub.watches_tenant
    yield
