"""``POST /api/v1/auth/token``, ``POST /api/v1/auth/password``, and a tenant's users
(``/api/v1/tenants/{tenant_id}/users``)."""

from __future__ import annotations

import asyncio
import ipaddress
import random
import time
from collections.abc import Awaitable
from typing import NoReturn

from aiohttp import web

from callcenter import keys
from callcenter.auth import service
from callcenter.auth.schemas import PasswordChangeIn, PasswordIn, TokenRequest, UserStatusIn
from callcenter.errors import TooManyAttempts
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


async def _refused(request: web.Request, message: str, wait: int) -> NoReturn:
    """Answer a refused attempt after the tarpit delay (at most the wait it announces; none
    when too many are held already).

    The refusal is raised afresh after the delay, never held across it: an exception kept
    in a frame that its own traceback references is a reference cycle, and thousands of
    those a second (frames, tracebacks) made the garbage collector stop the loop for
    hundreds of milliseconds under a flood.
    """
    throttle = request.app[keys.LOGIN_THROTTLE]
    hold = min(request.app[keys.SETTINGS].login_tarpit_s, float(wait))
    # Jitter, so that a flood's connections do not come back in lock-step waves.
    hold *= 0.5 + random.random() / 2
    if hold > 0 and throttle.held < throttle.max_held:
        throttle.held += 1
        try:
            await asyncio.sleep(hold)
        finally:
            throttle.held -= 1
    raise TooManyAttempts(message, retry_after_s=wait)


async def _token_or_refusal(request: web.Request, attempt: Awaitable[str]) -> web.Response:
    """The token an attempt earns, as the API answers it, or the throttle's refusal."""
    try:
        token = await attempt
    except TooManyAttempts as exc:
        message, wait = exc.message, int(exc.details["retry_after_s"])
    else:
        settings = request.app[keys.SETTINGS]
        return web.json_response(
            {"token": token, "token_type": "Bearer", "expires_in": settings.token_ttl_s}
        )
    await _refused(request, message, wait)


@routes.post("/api/v1/auth/token")
async def issue_token(request: web.Request) -> web.Response:
    """Exchange a username and password for a bearer token."""
    address = _address(request)
    throttle = request.app[keys.LOGIN_THROTTLE]
    wait = throttle.address_wait(address, time.monotonic())
    if wait:  # refused before the body is read: a flood costs little
        await _refused(request, "too many sign-in attempts; try again later", wait)
    body = await parse_body(request, TokenRequest)
    return await _token_or_refusal(
        request,
        service.sign_in(
            request.app[keys.POOL],
            request.app[keys.TOKENS],
            request.app[keys.HASHER],
            throttle,
            body.username,
            body.password,
            address,
        ),
    )


@routes.post("/api/v1/auth/password")
async def change_password(request: web.Request) -> web.Response:
    """Change one's own password; older tokens stop working, the answer carries a new one."""
    who = principal_of(request)
    body = await parse_body(request, PasswordChangeIn)
    return await _token_or_refusal(
        request,
        service.change_password(
            request.app[keys.POOL],
            request.app[keys.HASHER],
            request.app[keys.TOKENS],
            request.app[keys.LOGIN_THROTTLE],
            who,
            _address(request),
            body.current_password,
            body.new_password,
        ),
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
