"""The agent workspace over HTTP and the websocket, without Asterisk: agent users, presence,
contacts, notes on the call record, live events scoped to the tenant, CRM lookups, webhooks."""

from __future__ import annotations

import asyncio
import json
import string
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer

from callcenter.app import create_app
from callcenter.workspace.lifecycle import WORKSPACE
from callcenter.workspace.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify

from support import OPERATOR, ApiClient, make_settings

WEBHOOK_SECRET = "whsec-0123456789abcdef"


def tenant_id(uid: str, tag: str) -> str:
    return tag + "".join(c for c in uid if c in string.ascii_lowercase + string.digits)


async def agent_setup(
    api: ApiClient, uid: str, tag: str = "w", wrapup: int = 5
) -> tuple[str, ApiClient, ApiClient]:
    """A tenant with seat 1001 in queue ``support`` and agent ``agent-<tid>`` on it."""
    op = await api.login(*OPERATOR)
    tid = tenant_id(uid, tag)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": tid, "admin": {"username": f"adm-{tid}", "password": "secret-pass"}},
        expect=201,
    )
    admin = await api.login(f"adm-{tid}", "secret-pass")
    await admin.call("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/queues",
        {
            "name": "support",
            "extension": "600",
            "wrapup_time": wrapup,
            "members": [{"extension": "1001"}],
        },
        expect=201,
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/agents",
        {
            "username": f"agent-{tid}",
            "password": "agent-password",
            "extension": "1001",
            "name": "Li Lei",
        },
        expect=201,
    )
    return tid, admin, await api.login(f"agent-{tid}", "agent-password")


def agent_called(tid: str, linkedid: str, number: str = "13800138000") -> dict[str, str]:
    return {
        "Event": "AgentCalled",
        "Queue": f"{tid}-support",
        "MemberName": f"{tid}-1001",
        "Interface": f"PJSIP/{tid}-1001",
        "DestChannel": f"PJSIP/{tid}-1001-0000000{linkedid[-1]}",
        "CallerIDNum": number,
        "CallerIDName": "",
        "Linkedid": linkedid,
        "Uniqueid": linkedid,
        "ChanVariable": f"CC_DID=4008001234\nCC_IVR_KEYS=2\nCC_ENTERED={time.time() - 4}",
    }


class Live:
    """A websocket client of the live events."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def next(self, kind: str, timeout: float = 3.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            msg = await self.ws.receive(timeout=max(0.01, deadline - time.monotonic()))
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"socket closed: {msg}")
            data = json.loads(msg.data)
            if data.get("type") == kind:
                return dict(data)

    async def quiet(self, seconds: float = 0.3) -> list[dict[str, Any]]:
        got: list[dict[str, Any]] = []
        try:
            while True:
                msg = await self.ws.receive(timeout=seconds)
                if msg.type == aiohttp.WSMsgType.TEXT:
                    got.append(json.loads(msg.data))
                else:
                    return got
        except TimeoutError:
            return got


async def live(client: ApiClient, origin: str | None = None) -> Live:
    headers = {"Origin": origin} if origin else {}
    ws = await client.client.ws_connect("/api/v1/ws", headers=headers)
    await ws.send_json({"type": "auth", "token": client.token})
    socket = Live(ws)
    await socket.next("hello")
    return socket


async def test_tenant_admin_creates_an_agent_who_signs_in_and_sees_their_console_data(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, agent = await agent_setup(api, uid)
    _, me = await agent.call("GET", "/api/v1/agent/me", expect=200)
    assert me["tenant"] == tid and me["extension"] == "1001"
    assert me["sip"]["username"] == f"{tid}-1001" and me["sip"]["ws_url"].startswith("ws")
    assert me["sip"]["password"] == await db.fetchval(
        "SELECT password FROM ps_auths WHERE id = $1", f"{tid}-1001"
    )
    assert me["queues"] == [
        {"name": "support", "extension": "600", "logged_in": True, "wrapup_time": 5}
    ]
    assert me["state"]["presence"] == "logged_out"
    assert me["figures"] == {"agent": "1001", "answered": 0, "talk_s": 0, "missed": 0}
    # The browser softphone is the default device: the seat speaks WebRTC.
    row = await db.fetchrow("SELECT webrtc, allow FROM ps_endpoints WHERE id = $1", f"{tid}-1001")
    assert (row["webrtc"], row["allow"]) == ("yes", "opus,ulaw")
    _, agents = await admin.call("GET", f"/api/v1/tenants/{tid}/agents", expect=200)
    assert [a["username"] for a in agents] == [f"agent-{tid}"]
    # Switching to an external SIP app puts the seat back on plain SIP.
    await agent.call("PUT", "/api/v1/agent/device", {"device": "sip"}, expect=200)
    assert await db.fetchval("SELECT webrtc FROM ps_endpoints WHERE id = $1", f"{tid}-1001") is None


async def test_bad_agent_input_is_refused_naming_the_field_and_changes_nothing(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, agent = await agent_setup(api, uid)
    cases = [
        ({"username": "x", "password": "agent-password", "extension": "1002"}, "username"),
        ({"username": "someone", "password": "short", "extension": "1002"}, "password"),
        ({"username": "someone", "password": "agent-password", "extension": "1;2"}, "extension"),
    ]
    for body, field in cases:
        status, err = await admin.call("POST", f"/api/v1/tenants/{tid}/agents", body)
        assert (status, err["details"]["field"]) == (400, field)
    status, err = await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/agents",
        {"username": "someone", "password": "agent-password", "extension": "1999"},
    )
    assert (status, err["details"]["field"]) == (404, "extension")
    status, err = await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/agents",
        {"username": "another", "password": "agent-password", "extension": "1001"},
    )
    assert (status, err["details"]["field"]) == (409, "extension")
    assert await db.fetchval("SELECT count(*) FROM users WHERE tenant_id = $1", tid) == 2
    status, err = await agent.call("POST", "/api/v1/agent/pause", {"reason": "Lunch; drop"})
    assert (status, err["details"]["field"]) == (400, "reason")
    status, _ = await agent.call("POST", "/api/v1/agent/pause", {"reason": "lunch"})
    assert status == 409, "pause needs a login first"
    # An agent is not an admin, and an admin has no agent console.
    status, _ = await agent.call("POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1003"})
    assert status == 403
    status, _ = await admin.call("POST", "/api/v1/agent/login")
    assert status == 403


async def test_login_pause_and_per_queue_logout_reach_the_database_asterisk_reads(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, _, agent = await agent_setup(api, uid)
    _, state = await agent.call("POST", "/api/v1/agent/login", expect=200)
    assert state["presence"] == "available"
    _, state = await agent.call("POST", "/api/v1/agent/pause", {"reason": "lunch"}, expect=200)
    assert (state["presence"], state["pause_reason"]) == ("paused", "lunch")
    assert (
        await db.fetchval("SELECT paused FROM queue_members WHERE membername = $1", f"{tid}-1001")
        == 1
    )
    _, state = await agent.call("POST", "/api/v1/agent/unpause", expect=200)
    assert state["presence"] == "available"
    await agent.call("POST", "/api/v1/agent/queues/support/logout", expect=200)
    assert not await db.fetchval("SELECT 1 FROM queue_members WHERE membername = $1", f"{tid}-1001")
    _, me = await agent.call("GET", "/api/v1/agent/me", expect=200)
    assert me["queues"][0]["logged_in"] is False
    await agent.call("POST", "/api/v1/agent/queues/support/login", expect=200)
    assert (
        await db.fetchval(
            "SELECT state_interface FROM queue_members WHERE membername = $1", f"{tid}-1001"
        )
        == f"Custom:{tid}-1001"
    )
    status, err = await agent.call("POST", "/api/v1/agent/queues/sales/login")
    assert (status, err["details"]["field"]) == (404, "queue")


async def test_the_pop_reaches_only_the_agent_rung_and_never_another_tenant(
    api: ApiClient, uid: str
) -> None:
    ta, admin_a, agent_a = await agent_setup(api, uid, "a")
    tb, _, agent_b = await agent_setup(api, uid, "b")
    await admin_a.call(
        "POST",
        f"/api/v1/tenants/{ta}/contacts",
        {"phone": "13800138000", "name": "Han Meimei", "company": "ACME"},
        expect=201,
    )
    await agent_a.call("POST", "/api/v1/agent/login", expect=200)
    live_a, live_b, sup_a = await live(agent_a), await live(agent_b), await live(admin_a)
    workspace = api.client.app[WORKSPACE]

    workspace.on_raw(agent_called(ta, "1700000000.1"))
    pop = await live_a.next("call.ringing")
    assert pop["caller"]["number"] == "13800138000" and pop["queue"] == "support"
    assert (pop["did"], pop["ivr_keys"], pop["waited_s"]) == ("4008001234", ["2"], 4)
    contact = await live_a.next("call.contact")
    assert contact["contact"]["name"] == "Han Meimei" and contact["crm"]["status"] == "found"
    assert (await sup_a.next("call.ringing"))["agent"] == "1001", "the supervisor sees it"

    # B's agent: no event of A's call, and asking for A's tenant is refused.
    assert not [m for m in await live_b.quiet() if m["type"].startswith("call.")]
    await live_b.ws.send_json({"type": "subscribe", "tenant": ta})
    refused = await live_b.next("error")
    assert refused["error"] == "forbidden"
    assert not [m for m in await live_b.quiet() if m["type"].startswith("call.")]
    # An event naming A's queue with B's member is not B's call either.
    forged = {**agent_called(ta, "1700000000.2"), "MemberName": f"{tb}-1001"}
    workspace.on_raw(forged)
    assert not [m for m in await live_b.quiet() if m["type"].startswith("call.")]

    # A reconnecting console resumes the ringing call, CRM record included.
    await live_a.ws.close()
    again = await live(agent_a)
    resumed = await again.next("call.ringing")
    assert resumed["resumed"] is True and resumed["contact"]["name"] == "Han Meimei"
    for socket in (again, live_b, sup_a):
        await socket.ws.close()


async def test_the_websocket_checks_origin_and_credentials(api: ApiClient, uid: str) -> None:
    _, _, agent = await agent_setup(api, uid, "o")
    host = f"{api.client.host}:{api.client.port}"
    socket = await live(agent, origin=f"http://{host}")
    await socket.ws.close()
    resp = await api.client.get("/api/v1/ws", headers={"Origin": "http://evil.example"})
    assert resp.status == 403
    ws = await api.client.ws_connect("/api/v1/ws")
    await ws.send_json({"type": "auth", "token": "not-a-token"})
    msg = await ws.receive()
    assert json.loads(msg.data)["error"] == "invalid-token"
    assert (await ws.receive()).type == aiohttp.WSMsgType.CLOSE and ws.close_code == 4401
    op = await api.login(*OPERATOR)
    ws = await api.client.ws_connect("/api/v1/ws")
    await ws.send_json({"type": "auth", "token": op.token})
    await ws.receive()
    await ws.receive()
    assert ws.close_code == 4403, "operators have no tenant to watch"


async def test_note_and_disposition_are_saved_with_the_call_record(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, agent = await agent_setup(api, uid, "n")
    other_tid, _, other_agent = await agent_setup(api, uid, "m")
    linkedid = f"17000{uid}.9"
    await db.execute(
        'INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, disposition,'
        " billsec, uniqueid, linkedid, tenantid, did, direction, queue)"
        " VALUES (now(), now(), now(), '13800138000', '600', 'PJSIP/carrier-1', $1, 'ANSWERED',"
        " 12, $2, $2, $3, '4008001234', 'inbound', $4)",
        f"PJSIP/{tid}-1001-00000001",
        linkedid,
        tid,
        f"{tid}-support",
    )
    _, note = await agent.call(
        "PUT",
        f"/api/v1/agent/calls/{linkedid}/note",
        {"note": "Wants a callback", "disposition": "callback"},
        expect=200,
    )
    assert note["note"] == "Wants a callback"
    _, record = await admin.call("GET", f"/api/v1/tenants/{tid}/calls/{linkedid}", expect=200)
    assert record["note"]["disposition"] == "callback" and record["legs"][0]["billsec"] == 12
    # Another tenant's agent can neither annotate nor read it.
    status, _ = await other_agent.call("PUT", f"/api/v1/agent/calls/{linkedid}/note", {"note": "x"})
    assert status == 404
    status, _ = await other_agent.call("GET", f"/api/v1/tenants/{tid}/calls/{linkedid}")
    assert status == 403
    status, _ = await other_agent.call("GET", f"/api/v1/tenants/{other_tid}/calls/{linkedid}")
    assert status == 404
    # A click-to-call the tenant's dial policy refused: the agent's own leg was answered
    # (the page auto-answers it) but nobody was on the other end.
    await db.execute(
        'INSERT INTO cdr (start, answer, "end", src, dst, channel, dstchannel, disposition,'
        " billsec, uniqueid, linkedid, tenantid, direction)"
        " VALUES (now(), now(), now(), '1001', '99999', $1, '', 'ANSWERED', 3, $2, $2, $3,"
        " 'outbound')",
        f"PJSIP/{tid}-1001-00000002",
        f"17001{uid}.9",
        tid,
    )
    _, me = await agent.call("GET", "/api/v1/agent/me", expect=200)
    assert me["figures"]["answered"] == 1 and me["figures"]["talk_s"] == 12
    assert me["figures"]["missed"] == 0, "a blocked click-to-call is no missed ring either"


@pytest_asyncio.fixture
async def receiver() -> AsyncIterator[tuple[TestServer, list[web.Request | dict[str, Any]]]]:
    """A tenant's web server: a CRM that answers slowly for one number, and a webhook
    endpoint that fails once before accepting."""
    got: list[Any] = []

    async def crm(request: web.Request) -> web.Response:
        number = request.query.get("number", "")
        if number == "13900000001":
            await asyncio.sleep(2)
        if number == "13900000002":
            return web.json_response({"contact": {"name": "From Their CRM"}})
        return web.json_response({}, status=404)

    async def hook(request: web.Request) -> web.Response:
        body = await request.read()
        got.append(
            {
                "body": body,
                "signature": request.headers[SIGNATURE_HEADER],
                "timestamp": int(request.headers[TIMESTAMP_HEADER]),
            }
        )
        return web.Response(status=503 if len(got) == 1 else 204)

    app = web.Application()
    app.router.add_get("/crm", crm)
    app.router.add_post("/hook", hook)
    server = TestServer(app)
    await server.start_server()
    yield server, got
    await server.close()


@pytest_asyncio.fixture
async def on_prem_api(aiohttp_client: Any, dsn: str) -> ApiClient:
    """A deployment that lets tenants' CRM and webhook URLs reach private addresses."""
    settings = make_settings(dsn, integrations_allow_private=True)
    return ApiClient(await aiohttp_client(create_app(settings)))


async def test_tenant_urls_on_private_addresses_are_refused_by_default(
    api: ApiClient, uid: str, receiver: tuple[TestServer, list[Any]]
) -> None:
    server, got = receiver
    tid, admin, agent = await agent_setup(api, uid, "p")
    base = f"http://127.0.0.1:{server.port}"
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/integrations",
        {
            "crm_lookup_url": f"{base}/crm",
            "webhook_url": f"{base}/hook",
            "webhook_secret": WEBHOOK_SECRET,
        },
        expect=200,
    )
    socket = await live(agent)
    api.client.app[WORKSPACE].on_raw(agent_called(tid, "1700000002.1", "13900000002"))
    refused = await socket.next("call.contact")
    assert refused["contact"] is None and refused["crm"]["status"] == "error"
    await asyncio.sleep(0.3)
    assert got == [], "no request left for the tenant's private address"
    await socket.ws.close()


async def test_tenant_crm_lookup_falls_back_quickly_and_webhooks_are_signed_and_retried(
    on_prem_api: ApiClient, uid: str, receiver: tuple[TestServer, list[Any]]
) -> None:
    api = on_prem_api
    server, got = receiver
    tid, admin, agent = await agent_setup(api, uid, "c")
    base = f"http://127.0.0.1:{server.port}"
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/integrations",
        {
            "crm_lookup_url": f"{base}/crm",
            "crm_timeout_ms": 300,
            "webhook_url": f"{base}/hook",
            "webhook_secret": WEBHOOK_SECRET,
        },
        expect=200,
    )
    status, err = await admin.call(
        "PUT", f"/api/v1/tenants/{tid}/integrations", {"webhook_url": "file:///etc/passwd"}
    )
    assert (status, err["details"]["field"]) == (400, "webhook_url")
    socket = await live(agent)
    workspace = api.client.app[WORKSPACE]

    workspace.on_raw(agent_called(tid, "1700000001.1", "13900000001"))
    started = time.monotonic()
    await socket.next("call.ringing")
    slow = await socket.next("call.contact")
    assert slow["contact"] is None and slow["crm"]["status"] == "timeout"
    assert time.monotonic() - started < 1.0, "a slow CRM never holds the pop for long"

    workspace.on_raw(agent_called(tid, "1700000001.2", "13900000002"))
    found = await socket.next("call.contact")
    assert found["contact"]["name"] == "From Their CRM"

    for _ in range(100):
        if len(got) >= 3:
            break
        await asyncio.sleep(0.05)
    assert len(got) >= 3, "first delivery refused with 503, retried"
    for delivery in got:
        assert verify(
            WEBHOOK_SECRET,
            delivery["timestamp"],
            delivery["body"],
            delivery["signature"],
            now=int(time.time()),
        )
    events = [json.loads(d["body"]) for d in got]
    assert {e["event"] for e in events} == {"call.ringing"}
    assert {e["linkedid"] for e in events} == {"1700000001.1", "1700000001.2"}
    assert all(e["tenant"] == tid and e["did"] == "4008001234" for e in events)
    await socket.ws.close()
