"""``POST /api/v1/auth/token``, ``POST /api/v1/auth/password``, and a tenant's users
(``/api/v1/tenants/{tenant_id}/users``)."""

from __future__ import annotations

import ipaddress

from aiohttp import web

from callcenter import keys
from callcenter.auth import service
from callcenter.auth.schemas import PasswordChangeIn, PasswordIn, TokenRequest, UserStatusIn
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


def client_address(request: web.Request, trusted_proxies: frozenset[str]) -> str:
    """The caller's address. ``X-Forwarded-For`` counts only when the peer is a configured
    proxy, and then the right-most entry that is not one of our proxies (anything left of
    it the client could have written)."""
    peer = request.remote or ""
    if peer not in trusted_proxies:
        return peer
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed(hops):
        if hop and hop not in trusted_proxies:
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a garbled header: fall back to the proxy itself
    return peer


def _address(request: web.Request) -> str:
    settings = request.app[keys.SETTINGS]
    trusted = frozenset(a.strip() for a in settings.trusted_proxies.split(",") if a.strip())
    return client_address(request, trusted)


@routes.post("/api/v1/auth/token")
async def issue_token(request: web.Request) -> web.Response:
    """Exchange a username and password for a bearer token."""
    body = await parse_body(request, TokenRequest)
    token = await service.sign_in(
        request.app[keys.POOL],
        request.app[keys.TOKENS],
        request.app[keys.HASHER],
        request.app[keys.LOGIN_THROTTLE],
        body.username,
        body.password,
        _address(request),
    )
    settings = request.app[keys.SETTINGS]
    return web.json_response(
        {"token": token, "token_type": "Bearer", "expires_in": settings.token_ttl_s}
    )


@routes.post("/api/v1/auth/password")
async def change_password(request: web.Request) -> web.Response:
    """Change one's own password; older tokens stop working, the answer carries a new one."""
    who = principal_of(request)
    body = await parse_body(request, PasswordChangeIn)
    token = await service.change_password(
        request.app[keys.POOL],
        request.app[keys.HASHER],
        request.app[keys.TOKENS],
        request.app[keys.LOGIN_THROTTLE],
        who,
        _address(request),
        body.current_password,
        body.new_password,
    )
    settings = request.app[keys.SETTINGS]
    return web.json_response(
        {"token": token, "token_type": "Bearer", "expires_in": settings.token_ttl_s}
    )


@routes.get("/api/v1/tenants/{tenant_id}/users")
async def list_users(request: web.Request) -> web.Response:
    """The tenant's users and whether each is disabled."""
    return web.json_response(
        await service.list_users(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.put("/api/v1/tenants/{tenant_id}/users/{username}/status")
async def set_user_status(request: web.Request) -> web.Response:
    """Disable a user (tokens refused, websockets closed within a second) or enable it."""
    who = principal_of(request)
    body = await parse_body(request, UserStatusIn)
    return web.json_response(
        await service.set_status(
            request.app[keys.POOL],
            who,
            request.match_info["tenant_id"],
            request.match_info["username"],
            body.status,
        )
    )


@routes.post("/api/v1/tenants/{tenant_id}/users/{username}/password")
async def reset_password(request: web.Request) -> web.Response:
    """Set a user's password (tenant admins); its older tokens stop working."""
    who = principal_of(request)
    body = await parse_body(request, PasswordIn)
    return web.json_response(
        await service.reset_password(
            request.app[keys.POOL],
            request.app[keys.HASHER],
            who,
            request.match_info["tenant_id"],
            request.match_info["username"],
            body.password,
        )
    )


@routes.delete("/api/v1/tenants/{tenant_id}/users/{username}")
async def delete_user(request: web.Request) -> web.Response:
    """Delete a user; its tokens stop working, its websockets close."""
    await service.delete_user(
        request.app[keys.POOL],
        principal_of(request),
        request.match_info["tenant_id"],
        request.match_info["username"],
    )
    return web.Response(status=204)
