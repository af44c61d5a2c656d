"""The live websocket (``/api/v1/ws``), the agent console page (``/agent``), and a tenant's
integrations (``/api/v1/tenants/{tenant_id}/integrations``)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from aiohttp import WSMsgType, web

from callcenter import keys
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import DomainError, Forbidden, NotFound
from callcenter.quality.board import EVERYTHING
from callcenter.quality.service import scope
from callcenter.web.io import parse_body, principal_of
from callcenter.workspace import repo
from callcenter.workspace.core import AgentRef
from callcenter.workspace.hub import Hub, Subscriber, batch_frame, drain_ready
from callcenter.workspace.lifecycle import WORKSPACE
from callcenter.workspace.runtime import LiveWorkspace
from callcenter.workspace.schemas import IntegrationsIn

routes = web.RouteTableDef()

CONSOLE_DIR = Path(__file__).resolve().parents[1] / "web" / "console"
AUTH_TIMEOUT_S = 5.0

# Close codes (4000-4999 are the application's).
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408
_UNAUTHORIZED = frozenset(
    {
        "unauthorized",
        "invalid-token",
        "token-expired",
        "token-revoked",
        "user-disabled",
        "seat-removed",
    }
)


def same_origin(origin: str, host: str) -> bool:
    """Whether a browser's ``Origin`` is this server (scheme-less host:port comparison)."""
    parsed = urlparse(origin)
    return parsed.scheme in ("http", "https") and parsed.netloc.lower() == host.lower()


@routes.get("/api/v1/ws")
async def live(request: web.Request) -> web.StreamResponse:
    """Live events of one tenant: an agent sees its own, a tenant admin all its agents'.

    The first message must be ``{"type": "auth", "token": "<JWT>"}`` (browsers cannot set
    headers on a websocket; a token in the URL would end up in logs). The scope comes from
    the token only; asking for anything else is refused. ``"batch": true`` in it: messages
    queued together arrive as one ``{"type": "batch", "messages": [...]}`` frame.
    """
    origin = request.headers.get("Origin")
    if origin is not None and not same_origin(origin, request.host):
        raise Forbidden("origin not allowed", field="origin")
    ws = web.WebSocketResponse(heartbeat=20.0, max_msg_size=8192)
    await ws.prepare(request)
    workspace = request.app[WORKSPACE]
    guard = request.app[keys.ACCESS]
    extension: str | None = None
    try:
        who, expires_at, batch = await _authenticate(request, ws)
        await guard.check_live(who)
        if who.role == "agent":
            extension = (await _agent_of(workspace, who)).extension
    except DomainError as exc:
        await _refuse(ws, exc)
        return ws
    # Closed by the guard when the user is disabled, deleted or its password changes, the
    # tenant is suspended, the agent's seat goes, or the token expires.
    session = guard.watch(who, expires_at, lambda exc: _refuse(ws, exc))
    tenant_id = who.tenant_id
    assert tenant_id is not None
    hub = workspace.hub
    seen = EVERYTHING
    if who.role == "supervisor":
        try:
            seen = await scope(request.app[keys.POOL], who, tenant_id)
        except DomainError as exc:
            guard.unwatch(session)
            await _refuse(ws, exc)
            return ws
    sub = hub.subscribe(tenant_id, extension, agents=seen.agents, queues=seen.queues, batch=batch)
    for message in [
        {"type": "hello", "tenant": tenant_id, "agent": extension, "role": who.role},
        *(
            m
            for m in workspace.snapshot(tenant_id, extension)
            if seen.sees_agent(str(m.get("agent", "")))
        ),
    ]:
        hub.offer(sub, message)
    writer = asyncio.ensure_future(_write(ws, sub, hub))
    sub.on_overflow = writer.cancel
    try:
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            reply = _client_message(msg.data, tenant_id, extension)
            if reply is not None:
                hub.offer(sub, reply)
    finally:
        guard.unwatch(session)
        hub.unsubscribe(sub)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
    return ws


async def _refuse(ws: web.WebSocketResponse, exc: DomainError) -> None:
    """Tell the client why (an error message, then the close code and the slug)."""
    code = CLOSE_UNAUTHORIZED if exc.slug in _UNAUTHORIZED else CLOSE_FORBIDDEN
    if not ws.closed:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await ws.send_json({"type": "error", "error": exc.slug, "message": exc.message})
    await ws.close(code=code, message=exc.slug.encode())


async def _agent_of(workspace: LiveWorkspace, who: Principal) -> AgentRef:
    if who.tenant_id is None:
        raise Forbidden("agents only", role=who.role)
    return await workspace.agent_of_user(who.tenant_id, who.user_id)


async def _authenticate(
    request: web.Request, ws: web.WebSocketResponse
) -> tuple[Principal, float, bool]:
    """Who, until when, and whether the client takes batch frames."""
    try:
        first = await ws.receive(timeout=AUTH_TIMEOUT_S)
    except TimeoutError as exc:
        raise DomainError("authenticate first", slug="unauthorized") from exc
    if first.type != WSMsgType.TEXT:
        raise DomainError("authenticate first", slug="unauthorized")
    try:
        data = json.loads(first.data)
    except ValueError as exc:
        raise DomainError("not JSON", slug="unauthorized") from exc
    if (
        not isinstance(data, dict)
        or data.get("type") != "auth"
        or not isinstance(data.get("token"), str)
    ):
        raise DomainError("authenticate first", slug="unauthorized")
    who, expires_at = request.app[keys.TOKENS].verify_until(data["token"])
    if who.role not in ("agent", "tenant_admin", "supervisor") or who.tenant_id is None:
        raise Forbidden("agents, supervisors and tenant admins only", role=who.role)
    return who, expires_at, data.get("batch") is True


def _client_message(raw: str, tenant_id: str, extension: str | None) -> dict[str, Any] | None:
    try:
        data = json.loads(raw)
    except ValueError:
        return {"type": "error", "error": "invalid-input", "message": "not JSON"}
    if not isinstance(data, dict):
        return {"type": "error", "error": "invalid-input", "message": "not an object"}
    kind = data.get("type")
    if kind == "ping":
        return {"type": "pong", "t": data.get("t")}
    if kind == "subscribe":
        # The scope is fixed by the token; anything broader is refused, never widened.
        if data.get("tenant", tenant_id) != tenant_id or (
            extension is not None and data.get("agent", extension) != extension
        ):
            return {"type": "error", "error": "forbidden", "message": "not your tenant or agent"}
        return {"type": "subscribed", "tenant": tenant_id, "agent": extension}
    return {"type": "error", "error": "invalid-input", "message": "unknown message type"}


async def _write(ws: web.WebSocketResponse, sub: Subscriber, hub: Hub) -> None:
    # The hub's put_nowait resumes this task directly. A batch client gets whatever queued
    # up meanwhile (a burst published in one loop turn) in the same frame; others one frame
    # per message. A subscriber that overflows has this task cancelled by the hub, and its
    # socket closed.
    try:
        while True:
            first = await sub.queue.get()
            items = drain_ready(sub.queue, first) if sub.batch else [first]
            await ws.send_str(batch_frame([data for data, _ in items]))
            for _, ami_at in items:
                hub.written(ami_at)
    except (ConnectionError, RuntimeError):
        return
    except asyncio.CancelledError:
        if sub.overflowed.is_set():
            with contextlib.suppress(Exception):
                await ws.close(code=CLOSE_TOO_SLOW, message=b"too-slow")
            return
        raise


# ------------------------------------------------------------------ console page
@routes.get("/agent")
async def console(_request: web.Request) -> web.StreamResponse:
    """The agent console (a static page; everything else goes over the API)."""
    return web.FileResponse(CONSOLE_DIR / "console.html")


@routes.get("/agent/static/{name}")
async def console_static(request: web.Request) -> web.StreamResponse:
    """The console's script and style, and the JsSIP bundle built by the setup."""
    name = request.match_info["name"]
    allowed = {"console.js", "console.css", "jssip.js"}
    if name not in allowed:
        raise NotFound("no such file")
    path = CONSOLE_DIR / ("vendor" if name == "jssip.js" else "") / name
    if not path.is_file():
        raise NotFound("not built; run deploy/setup.sh", file=name)
    return web.FileResponse(path, headers={"Cache-Control": "no-cache"})


# ------------------------------------------------------------------ integrations
@routes.put("/api/v1/tenants/{tenant_id}/integrations")
async def put_integrations(request: web.Request) -> web.Response:
    """Set the tenant's CRM lookup URL and webhook (URL and signing secret)."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    body = await parse_body(request, IntegrationsIn)
    async with transaction(request.app[keys.POOL]) as conn:
        secret = body.webhook_secret
        if secret is None and body.keep_webhook_secret and body.webhook_url:
            old = await repo.get_integrations(conn, tenant_id)
            secret = old["webhook_secret"] if old is not None else None
        row = await repo.put_integrations(
            conn,
            tenant_id,
            body.crm_lookup_url,
            body.crm_timeout_ms,
            body.webhook_url,
            secret,
        )
    return web.json_response(_integrations_view(row))


def _integrations_view(row: Any) -> dict[str, Any]:
    """The settings as clients see them: never the secret, only whether one is set."""
    if row is None:
        return {
            "crm_lookup_url": None,
            "crm_timeout_ms": 800,
            "webhook_url": None,
            "webhook_secret_set": False,
        }
    return {
        "crm_lookup_url": row["crm_lookup_url"],
        "crm_timeout_ms": row["crm_timeout_ms"],
        "webhook_url": row["webhook_url"],
        "webhook_secret_set": row["webhook_secret"] is not None,
    }


@routes.get("/api/v1/tenants/{tenant_id}/integrations")
async def get_integrations(request: web.Request) -> web.Response:
    """The tenant's CRM lookup URL and webhook (the secret is never returned)."""
    who = principal_of(request)
    tenant_id = request.match_info["tenant_id"]
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(request.app[keys.POOL]) as conn:
        row = await repo.get_integrations(conn, tenant_id)
    return web.json_response(_integrations_view(row))
