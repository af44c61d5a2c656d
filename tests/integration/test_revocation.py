"""Access that can be taken back, and is, within a second: a suspended tenant is read-only
and its agents cannot sign in; a disabled or deleted user, a changed password, a removed
seat or an expired token stop working on the API and close the open websocket (with a close
code and the reason's slug); forged tokens are refused on every route and on the websocket.

Routes are enumerated from the app's own router with the isolation suite's machinery.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import aiohttp
import asyncpg
from integration.test_agent_workspace_api import Live, live
from integration.test_attacks import forged
from integration.test_isolation import (
    BODIES,
    PUBLIC,
    SELF,
    attempt,
    fill,
    object_name,
    provision,
    query,
    routes,
    snapshot,
)
from integration.test_provisioning_api import open_tenant

from callcenter import keys
from callcenter.auth.principal import Principal

from support import OPERATOR, ApiClient

AGENT_PASSWORD = "agent-pass-123"  # provision()'s agent
WITHIN_S = 1.0


def api_routes() -> list[tuple[str, str]]:
    """Every API route that needs a token."""
    return [(m, t) for m, t in routes() if (m, t) not in PUBLIC and t.startswith("/api/")]


async def refused_within(
    client: ApiClient, path: str, slug: str, seconds: float = WITHIN_S
) -> float:
    """Poll ``path`` with the client's token until it is refused with ``slug``; the delay."""
    start = time.monotonic()
    while True:
        status, reply = await client.call("GET", path)
        if status in (401, 403) and reply["error"] == slug:
            return time.monotonic() - start
        assert time.monotonic() - start < seconds, (path, status, reply)
        await asyncio.sleep(0.02)


async def closed_within(socket: Live, code: int, slug: str, seconds: float = WITHIN_S) -> None:
    """The websocket tells why (an error message) and closes with ``code`` and ``slug``."""
    deadline = time.monotonic() + seconds
    error = None
    while True:
        msg = await socket.ws.receive(timeout=max(0.01, deadline - time.monotonic()))
        if msg.type == aiohttp.WSMsgType.TEXT:
            data = json.loads(msg.data)
            if data.get("type") == "error":
                error = data["error"]
            continue
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), msg
        break
    # The close frame's code and reason (what a browser's CloseEvent reports).
    got = (
        (msg.data, msg.extra)
        if msg.type == aiohttp.WSMsgType.CLOSE
        else (socket.ws.close_code, slug)
    )
    assert (got, error) == ((code, slug), slug), (got, error, msg)


async def agent_of(api: ApiClient, names: dict[str, str]) -> ApiClient:
    return await api.login(names["username"], AGENT_PASSWORD)


# ------------------------------------------------------------------ suspension
async def test_a_suspended_tenant_reads_but_changes_nothing_and_its_agents_cannot_sign_in(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    tid, admin, names = await provision(api, uid)
    op = await api.login(*OPERATOR)
    agent = await agent_of(api, names)
    await op.call("PUT", f"/api/v1/tenants/{tid}/status", {"status": "suspended"}, expect=200)

    # The admin still signs in, and reads invoices, usage, CDRs and its configuration.
    admin = await api.login(f"admin-{uid}", "secret-pass")
    base = f"/api/v1/tenants/{tid}"
    for path in ("/invoices", "/billing/usage", "/cdrs", "/seats", "/users", ""):
        await admin.call("GET", base + path + query(base + path), expect=200)

    # Every write of the tenant, by its admin or by an operator, is refused; nothing changes.
    before = await snapshot(db, tid)
    tried = 0
    for method, template in api_routes():
        if method in ("GET", "HEAD"):
            continue
        path = fill(template, tid, names, object_name(template))
        body = BODIES.get((method, template))
        status, reply = await attempt(admin, method, path, body)
        assert status == 403, (method, path, status, reply)
        # The operator's own ways out of a suspension (lift it, close the tenant) pass the
        # read-only rule; the tenant's admin is refused them as not an operator.
        operators_way_out = template in (
            "/api/v1/tenants/{tenant_id}/status",
            "/api/v1/tenants/{tenant_id}/close",
        )
        if not operators_way_out:
            assert reply["error"] == "tenant-suspended", (method, path, reply)
        tried += 1
        if "{tenant_id}" in template and not operators_way_out:
            status, reply = await attempt(op, method, path, body)
            assert (status, reply["error"]) == (403, "tenant-suspended"), (method, path, reply)
    assert tried >= 30, tried
    assert await snapshot(db, tid) == before

    # Agents: no sign-in, and an earlier token does nothing, not even read its console.
    status, reply = await api.call(
        "POST", "/api/v1/auth/token", {"username": names["username"], "password": AGENT_PASSWORD}
    )
    assert (status, reply["error"]) == (403, "tenant-suspended")
    await refused_within(agent, "/api/v1/agent/me", "tenant-suspended")

    # Reactivated, it works again.
    await op.call("PUT", f"/api/v1/tenants/{tid}/status", {"status": "active"}, expect=200)
    await admin.call("POST", f"{base}/seats", {"extension": "1002"}, expect=201)
    await (await agent_of(api, names)).call("GET", "/api/v1/agent/me", expect=200)


async def test_suspending_the_tenant_closes_its_agent_and_wallboard_websockets(
    api: ApiClient, uid: str
) -> None:
    tid, admin, names = await provision(api, uid)
    op = await api.login(*OPERATOR)
    agent_socket = await live(await agent_of(api, names))
    wallboard_socket = await live(admin)
    _, other_admin = await open_tenant(api, uid[::-1] + "s")
    bystander = await live(other_admin)
    await op.call("PUT", f"/api/v1/tenants/{tid}/status", {"status": "suspended"}, expect=200)
    await closed_within(agent_socket, 4403, "tenant-suspended")
    await closed_within(wallboard_socket, 4403, "tenant-suspended")
    assert not bystander.ws.closed, "another tenant's socket stays open"
    ws = await api.client.ws_connect("/api/v1/ws")
    await ws.send_json({"type": "auth", "token": admin.token})
    await closed_within(Live(ws), 4403, "tenant-suspended")


# ------------------------------------------------------------------ users
async def test_a_disabled_user_is_refused_within_a_second_and_its_websocket_closed(
    api: ApiClient, uid: str
) -> None:
    tid, admin, names = await provision(api, uid)
    agent = await agent_of(api, names)
    socket = await live(agent)
    user = f"/api/v1/tenants/{tid}/users/{names['username']}"
    _, listed = await admin.call("GET", f"/api/v1/tenants/{tid}/users", expect=200)
    assert {u["username"]: u["status"] for u in listed}[names["username"]] == "active"

    await admin.call("PUT", f"{user}/status", {"status": "disabled"}, expect=200)
    await refused_within(agent, "/api/v1/agent/me", "user-disabled")
    await closed_within(socket, 4401, "user-disabled")
    status, reply = await api.call(
        "POST", "/api/v1/auth/token", {"username": names["username"], "password": AGENT_PASSWORD}
    )
    assert (status, reply["error"]) == (401, "user-disabled")

    # Enabled again: a fresh sign-in works, the token from before the disabling does not.
    await admin.call("PUT", f"{user}/status", {"status": "active"}, expect=200)
    await (await agent_of(api, names)).call("GET", "/api/v1/agent/me", expect=200)
    await refused_within(agent, "/api/v1/agent/me", "token-revoked")
    # An admin cannot lock itself out.
    status, reply = await admin.call(
        "PUT", f"/api/v1/tenants/{tid}/users/admin-{uid}/status", {"status": "disabled"}
    )
    assert (status, reply["error"]) == (409, "conflict")


async def test_a_deleted_user_is_refused_within_a_second_and_its_websocket_closed(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    tid, admin, names = await provision(api, uid)
    agent = await agent_of(api, names)
    socket = await live(agent)
    await admin.call("DELETE", f"/api/v1/tenants/{tid}/users/{names['username']}", expect=204)
    await refused_within(agent, "/api/v1/agent/me", "token-revoked")
    await closed_within(socket, 4401, "token-revoked")
    status, reply = await api.call(
        "POST", "/api/v1/auth/token", {"username": names["username"], "password": AGENT_PASSWORD}
    )
    assert (status, reply["error"]) == (401, "bad-credentials")
    assert not await db.fetchval(
        "SELECT count(*) FROM users WHERE username = $1", names["username"]
    )
    # The seat stays.
    await admin.call("GET", f"/api/v1/tenants/{tid}/seats", expect=200)


async def test_a_password_reset_or_change_retires_every_older_token(
    api: ApiClient, uid: str
) -> None:
    tid, admin, names = await provision(api, uid)
    agent = await agent_of(api, names)
    socket = await live(agent)
    user = f"/api/v1/tenants/{tid}/users/{names['username']}"

    # The tenant admin resets it: the old token and its websocket go.
    await admin.call("POST", f"{user}/password", {"password": "reset-pass-456"}, expect=200)
    await refused_within(agent, "/api/v1/agent/me", "token-revoked")
    await closed_within(socket, 4401, "token-revoked")
    status, _ = await api.call(
        "POST", "/api/v1/auth/token", {"username": names["username"], "password": AGENT_PASSWORD}
    )
    assert status == 401

    # The agent changes its own: this session gets a new token, every other one is retired.
    first = await api.login(names["username"], "reset-pass-456")
    second = await api.login(names["username"], "reset-pass-456")
    other_socket = await live(second)
    status, reply = await first.call(
        "POST",
        "/api/v1/auth/password",
        {"current_password": "wrong-guess", "new_password": "mine-pass-789"},
    )
    assert (status, reply["error"]) == (401, "bad-credentials")
    _, reply = await first.call(
        "POST",
        "/api/v1/auth/password",
        {"current_password": "reset-pass-456", "new_password": "mine-pass-789"},
        expect=200,
    )
    renewed = first.as_(reply["token"])
    await renewed.call("GET", "/api/v1/agent/me", expect=200)
    await refused_within(first, "/api/v1/agent/me", "token-revoked")
    await refused_within(second, "/api/v1/agent/me", "token-revoked")
    await closed_within(other_socket, 4401, "token-revoked")
    await api.login(names["username"], "mine-pass-789")

    # A tenant admin changes its own password the same way.
    _, reply = await admin.call(
        "POST",
        "/api/v1/auth/password",
        {"current_password": "secret-pass", "new_password": "new-secret-pass"},
        expect=200,
    )
    await refused_within(admin, f"/api/v1/tenants/{tid}/seats", "token-revoked")
    await admin.as_(reply["token"]).call("GET", f"/api/v1/tenants/{tid}/seats", expect=200)


async def test_deleting_a_seat_revokes_the_agent_on_it(api: ApiClient, uid: str) -> None:
    tid, admin, names = await provision(api, uid)
    agent = await agent_of(api, names)
    socket = await live(agent)
    await admin.call("DELETE", f"/api/v1/tenants/{tid}/seats/1001", expect=204)
    await refused_within(agent, "/api/v1/agent/me", "seat-removed")
    await closed_within(socket, 4401, "seat-removed")
    status, reply = await agent.call("POST", "/api/v1/agent/login")
    assert (status, reply["error"]) == (401, "seat-removed")
    status, reply = await api.call(
        "POST", "/api/v1/auth/token", {"username": names["username"], "password": AGENT_PASSWORD}
    )
    assert (status, reply["error"]) == (401, "seat-removed")


async def test_a_websocket_is_closed_when_its_token_expires(api: ApiClient, uid: str) -> None:
    app = api.client.server.app
    _, _, names = await provision(api, uid)
    agent = await agent_of(api, names)
    _, me = await agent.call("GET", "/api/v1/agent/me", expect=200)
    tokens, ttl = app[keys.TOKENS], app[keys.SETTINGS].token_ttl_s
    principal = Principal(me["user_id"], names["username"], "agent", me["tenant"])
    short = tokens.issue(principal, now=time.time() - ttl + 1.0)  # one second left
    socket = await live(agent.as_(short))
    await closed_within(socket, 4401, "token-expired", seconds=2.5)


# ------------------------------------------------------------------ forged tokens
def tampered(token: str, **claims: Any) -> str:
    """The token with its claims edited and the original signature kept."""
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(claims)
    raw = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{raw}.{signature}"


async def test_forged_tokens_are_refused_on_every_route_and_on_the_websocket(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    tid, admin, names = await provision(api, uid)
    _, other_admin = await open_tenant(api, uid[::-1] + "f")
    operator = {"sub": "1", "usr": "operator", "role": "operator", "tid": None, "ver": 0}
    agent = await agent_of(api, names)
    cases: dict[str, tuple[str, tuple[int, ...]]] = {
        "wrong secret": (forged(operator), (401,)),
        "alg none": (forged(operator, alg="none"), (401,)),
        "tampered role": (tampered(admin.token or "", role="operator", tid=None), (401,)),
        "tampered tenant": (tampered(other_admin.token or "", tid=tid), (401,)),
        "tampered version": (tampered(agent.token or "", ver=7), (401,)),
        "other tenant's admin": (other_admin.token or "", (403, 404)),
    }
    before = await snapshot(db, tid)
    for name, (token, statuses) in cases.items():
        client = admin.as_(token)
        for method, template in api_routes():
            path = fill(template, tid, names, object_name(template))
            status, reply = await attempt(client, method, path, BODIES.get((method, template)))
            if name == "other tenant's admin" and template.startswith(SELF):
                assert 400 <= status < 500, (name, method, path, status, reply)
                continue
            assert status in statuses, (name, method, path, status, reply)
        if name == "other tenant's admin":
            continue  # valid for its own tenant on the websocket: scoped below
        ws = await api.client.ws_connect("/api/v1/ws")
        await ws.send_json({"type": "auth", "token": token})
        await closed_within(Live(ws), 4401, "invalid-token")
    assert await snapshot(db, tid) == before
    # Another tenant's admin watching the websocket sees only its own tenant.
    socket = await live(other_admin)
    await socket.ws.send_json({"type": "subscribe", "tenant": tid})
    assert (await socket.next("error"))["error"] == "forbidden"


async def test_revocation_still_lands_when_the_listener_connection_is_cut(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    tid, admin, names = await provision(api, uid)
    agent = await agent_of(api, names)
    socket = await live(agent)
    await agent.call("GET", "/api/v1/agent/me", expect=200)  # cached now
    killed = await db.fetchval(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
        " WHERE datname = current_database() AND query LIKE 'LISTEN \"cc_access\"%'"
    )
    assert killed >= 1
    user = f"/api/v1/tenants/{tid}/users/{names['username']}"
    await admin.call("PUT", f"{user}/status", {"status": "disabled"}, expect=200)
    # Missed while nobody listened: no stale cache answers, and the socket is re-checked
    # when the listener is back.
    await refused_within(agent, "/api/v1/agent/me", "user-disabled")
    await closed_within(socket, 4401, "user-disabled", seconds=2.0)
