"""Attacks on tenant-supplied input (issue 13): sound names that are paths, callback floods,
CRM/webhook URLs that rebind to loopback or answer without end, pages without security
headers. Each test is the attack, against the real PostgreSQL and the app's own factory."""

from __future__ import annotations

import asyncio
import os
import socket
import struct
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiohttp import web
from integration.test_agent_workspace_api import WEBHOOK_SECRET, agent_called, agent_setup, live
from integration.test_provisioning_api import open_tenant

from callcenter.workspace import egress
from callcenter.workspace.lifecycle import WORKSPACE

from support import OPERATOR, ApiClient

OTHER_PROMPT = "/srv/callcenter/cc-test-platform/prompts/victim/welcome"
PATHS = [
    OTHER_PROMPT,
    "/var/spool/asterisk/voicemail/tenant-victim/1000/greet",
    "tenant/../victim/welcome",
    "victim/welcome",
]


async def _number(api: ApiClient, tid: str, uid: str, prefix: str) -> str:
    op = await api.login(*OPERATOR)
    number = prefix + str(int(uid, 16) % 100000).zfill(5)
    await op.call("POST", f"/api/v1/tenants/{tid}/numbers", {"number": number}, expect=201)
    return number


def _ivr(prompt: str = "silence/1", greeting: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "entry": "main",
        "menus": {"main": {"prompt": prompt, "options": {"1": {"kind": "hangup"}}}},
    }
    if greeting:
        body["greeting"] = greeting
    return body


# ------------------------------------------------------------------ item 5: sounds
@pytest.mark.parametrize("path", PATHS)
async def test_no_api_accepts_a_path_as_a_sound(
    api: ApiClient, uid: str, db: Any, path: str
) -> None:
    tid, admin = await open_tenant(api, uid)
    number = await _number(api, tid, uid, "40084")
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/queues", {"name": "sales", "extension": "601"}, expect=201
    )
    base = f"/api/v1/tenants/{tid}"
    announce = {"kind": "announcement", "target": path}
    week = [{"weekday": 0, "start": "09:00", "end": "18:00"}]
    attempts = [
        ("PUT", f"{base}/ivrs/main", _ivr(prompt=path), "menus.main.prompt"),
        ("PUT", f"{base}/ivrs/main", _ivr(greeting=path), "greeting"),
        ("PUT", f"{base}/numbers/{number}/route", {"type": "announcement", "target": path}, ""),
        (
            "PUT",
            f"{base}/schedules/office",
            {"timezone": "Asia/Shanghai", "weekly": week, "closed_destination": announce},
            "closed_destination.target",
        ),
        ("PUT", f"{base}/queues/sales", {"overflow": {"timeout": announce}}, ""),
    ]
    for method, url, body, field in attempts:
        status, reply = await admin.call(method, url, body)
        assert status == 400, (url, status, reply)
        assert reply["error"] == "invalid-input"
        if field:
            assert reply["details"]["field"] == field, reply
    # Nothing of it was stored anywhere.
    assert not await db.fetchval("SELECT count(*) FROM ivrs WHERE tenant_id = $1", tid)
    assert not await db.fetchval("SELECT count(*) FROM schedules WHERE tenant_id = $1", tid)
    assert (
        await db.fetchval(
            "SELECT count(*) FROM numbers WHERE tenant_id = $1"
            " AND destination_type = 'announcement'",
            tid,
        )
        == 0
    )
    assert not await db.fetchval(
        "SELECT count(*) FROM acd_queues WHERE tenant_id = $1"
        " AND overflow_timeout_kind IS NOT NULL",
        tid,
    )


async def test_sounds_stored_before_the_rule_are_not_playable(
    api: ApiClient, uid: str, db: Any
) -> None:
    """Rows written before validation (or by hand) reach the dialplan only through views
    that drop sounds no tenant may play; good references pass unchanged."""
    tid, admin = await open_tenant(api, uid)
    number = await _number(api, tid, uid, "40085")
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/queues", {"name": "sales", "extension": "601"}, expect=201
    )
    await admin.call("PUT", f"/api/v1/tenants/{tid}/ivrs/main", _ivr(), expect=200)
    ivr_id, menu_id = f"{tid}:main", f"{tid}:main:main"
    # What the dialplan reads while the rows are good.
    assert await db.fetchval("SELECT prompt FROM cc_ivr_menus WHERE id = $1", menu_id) == (
        "silence/1"
    )
    # The old, unvalidated rows: absolute paths into another tenant's prompts and greetings.
    await db.execute("UPDATE ivrs SET greeting = $2 WHERE tenant_id = $1", tid, PATHS[1])
    await db.execute("UPDATE ivr_menus SET prompt = $2 WHERE id = $1", menu_id, OTHER_PROMPT)
    await db.execute(
        "UPDATE numbers SET destination_type = 'announcement', destination = $2 WHERE number = $1",
        number,
        OTHER_PROMPT,
    )
    await db.execute(
        "UPDATE acd_queues SET overflow_timeout_kind = 'announcement',"
        " overflow_timeout_target = $2, overflow_full_kind = 'announcement',"
        " overflow_full_target = 'tenant/hold' WHERE tenant_id = $1",
        tid,
        "../../../../srv/x",
    )
    assert await db.fetchval("SELECT greeting FROM cc_ivrs WHERE id = $1", ivr_id) == ""
    assert await db.fetchval("SELECT prompt FROM cc_ivr_menus WHERE id = $1", menu_id) == ""
    did = await db.fetchrow(
        "SELECT destination_type, destination FROM cc_dids WHERE number = $1", number
    )
    assert tuple(did) == ("announcement", "")  # the dialplan answers "not in service"
    opts = await db.fetchrow(
        "SELECT timeout_target, full_target FROM cc_queue_opts WHERE id = $1", f"{tid}-sales"
    )
    assert tuple(opts) == ("", "tenant/hold")


async def test_an_uploaded_prompt_in_use_by_a_schedule_or_queue_cannot_be_deleted(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin = await open_tenant(api, uid)
    await db.execute(
        "INSERT INTO prompts (tenant_id, name, audio, sha256, seconds)"
        " VALUES ($1, 'closed', '\\x00'::bytea, 'x', 1)",
        tid,
    )
    await admin.call(
        "POST", f"/api/v1/tenants/{tid}/queues", {"name": "sales", "extension": "601"}, expect=201
    )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/queues/sales",
        {"overflow": {"timeout": {"kind": "announcement", "target": "tenant/closed"}}},
        expect=200,
    )
    status, reply = await admin.call("DELETE", f"/api/v1/tenants/{tid}/prompts/closed")
    assert status == 409, reply
    assert reply["details"]["used_by"] == ["queue sales"]


# ------------------------------------------------------------------ item 8: callbacks
async def _store(conn: asyncpg.Connection, tid: str, number: str, channel: str) -> str:
    """What the dialplan's REALTIME_STORE does, then the status it reads back."""
    await conn.execute(
        "INSERT INTO callbacks (tenant_id, queue, number, did, position, caller_uniqueid)"
        " VALUES ($1, $2, $3, '4008000000', 1, $4)",
        tid,
        f"{tid}-sales",
        number,
        channel,
    )
    status: str = await conn.fetchval(
        "SELECT status FROM callbacks WHERE caller_uniqueid = $1", channel
    )
    return status


async def test_spoofed_callers_cannot_flood_a_tenant_with_callback_requests(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, _ = await open_tenant(api, uid)
    op = await api.login(*OPERATOR)
    _, tenant = await op.call(
        "PUT", f"/api/v1/tenants/{tid}/limits", {"max_open_callbacks": 3}, expect=200
    )
    assert tenant["limits"]["max_open_callbacks"] == 3
    ch = iter(f"{uid}-{i}" for i in range(100))
    assert await _store(db, tid, "13800000001", next(ch)) == "waiting"
    # The same number again, while its first request is open: kept, but closed, never placed.
    assert await _store(db, tid, "13800000001", next(ch)) == "duplicate"
    await db.execute(
        "UPDATE callbacks SET status = 'placed' WHERE tenant_id = $1 AND status = 'waiting'", tid
    )
    assert await _store(db, tid, "13800000001", next(ch)) == "duplicate"
    # Other numbers up to the tenant's limit, then refused.
    assert await _store(db, tid, "13800000002", next(ch)) == "waiting"
    assert await _store(db, tid, "13800000003", next(ch)) == "waiting"
    for i in range(4, 10):
        assert await _store(db, tid, f"1380000000{i}", next(ch)) == "refused"
    open_now = await db.fetch(
        "SELECT number FROM callbacks WHERE tenant_id = $1 AND status IN ('waiting', 'placed')"
        " ORDER BY number",
        tid,
    )
    assert [r["number"] for r in open_now] == ["13800000001", "13800000002", "13800000003"]
    # Once the first is done, that number may ask again.
    await db.execute(
        "UPDATE callbacks SET status = 'called' WHERE tenant_id = $1 AND number = '13800000001'",
        tid,
    )
    assert await _store(db, tid, "13800000001", next(ch)) == "waiting"
    # Garbage numbers and unknown tenants are refused by the database itself.
    assert await _store(db, tid, "12", next(ch)) == "refused"
    assert await _store(db, f"ghost{uid}", "13800000001", next(ch)) == "refused"
    # Even a writer that bypasses the trigger cannot hold two open requests for one number.
    with pytest.raises(asyncpg.UniqueViolationError):
        async with db.transaction():
            await db.execute("ALTER TABLE callbacks DISABLE TRIGGER callbacks_admit")
            await db.execute(
                "INSERT INTO callbacks (tenant_id, queue, number) VALUES ($1, 'q', '13800000002')",
                tid,
            )


async def test_admission_works_for_an_asterisk_role_that_may_not_read_tenants(
    api: ApiClient, uid: str, db: Any
) -> None:
    """Asterisk may log in with a least-privilege role (INSERT on callbacks, no tenants):
    the trigger still reads the tenant's limit (it runs as its owner)."""
    tid, _ = await open_tenant(api, uid)
    role = f"cc_test_writer_{uid}"

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback):
        async with db.transaction():  # the role and everything below vanish at the end
            await db.execute(f"CREATE ROLE {role} NOLOGIN")
            await db.execute(f"GRANT SELECT, INSERT ON callbacks TO {role}")
            await db.execute(f"GRANT USAGE ON SEQUENCE callbacks_id_seq TO {role}")
            await db.execute(f"SET LOCAL ROLE {role}")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                async with db.transaction():
                    await db.fetchval("SELECT max_open_callbacks FROM tenants LIMIT 1")
            assert await _store(db, tid, "13700000001", f"{uid}-w1") == "waiting"
            assert await _store(db, tid, "13700000001", f"{uid}-w2") == "duplicate"
            raise Rollback


async def test_concurrent_requests_cannot_overshoot_the_tenant_limit(
    api: ApiClient, uid: str, dsn: str
) -> None:
    tid, _ = await open_tenant(api, uid)
    op = await api.login(*OPERATOR)
    await op.call("PUT", f"/api/v1/tenants/{tid}/limits", {"max_open_callbacks": 2}, expect=200)
    conns = [await asyncpg.connect(dsn) for _ in range(6)]
    try:
        statuses = await asyncio.gather(
            *(_store(c, tid, f"1390000000{i}", f"{uid}-c{i}") for i, c in enumerate(conns))
        )
    finally:
        for c in conns:
            await c.close()
    assert sorted(statuses) == ["refused"] * 4 + ["waiting"] * 2


# ------------------------------------------------------------------ item 10: page headers
# Every GET route that serves a page, and the value its dynamic part is given here. A new
# route that answers HTML fails the test below until it is listed (and so checked).
PAGES = {"/console", "/agent", "/wallboard", "/board", "/quality"}
SAMPLE = {"name": "console.js", "tenant_id": "x", "number": "1", "id": "1"}


async def test_every_html_page_has_the_same_security_headers(api: ApiClient) -> None:
    app = api.client.app
    html: set[str] = set()
    policies: set[str] = set()
    for resource in app.router.resources():
        info = resource.get_info()
        path = info.get("path") or info.get("formatter", "")
        if not any(r.method == "GET" for r in resource) or path.startswith("/api/"):
            continue
        url = path.format(**SAMPLE) if "{" in path else path
        resp = await api.client.get(url, allow_redirects=False)
        # Every response: never sniffed, never a referrer.
        assert resp.headers.get("X-Content-Type-Options") == "nosniff", url
        assert resp.headers.get("Referrer-Policy") == "no-referrer", url
        if resp.content_type != "text/html":
            continue
        html.add(path)
        csp = resp.headers["Content-Security-Policy"]
        policies.add(csp)
        assert resp.headers["X-Frame-Options"] == "DENY", url
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ):
            assert directive in csp, (url, csp)
        # The softphone's websocket is the one other address pages may connect to.
        assert "connect-src 'self' ws://127.0.0.1:8088;" in csp, csp
        assert "<style" not in await resp.text(), f"{url}: inline style the policy blocks"
    assert html == PAGES
    assert len(policies) == 1, "every page has the same policy"


# ------------------------------------------------------------------ item 6: CRM and webhooks
# The "public internet" of these tests is one loopback address that the egress policy is told
# to treat as public; 127.0.0.1 stays what it is, the control plane's own machine.
PUBLIC = "127.0.13.2"


class RebindingDns(asyncio.DatagramProtocol):
    """A DNS server answering A queries: the first query for a name gets ``PUBLIC``, every
    later one 127.0.0.1 (a rebinding attack with a TTL of 0)."""

    def __init__(self) -> None:
        self.asked: dict[str, int] = {}
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        end = data.index(b"\x00", 12) + 5  # the question: name, type, class
        labels, i = [], 12
        while data[i]:
            labels.append(data[i + 1 : i + 1 + data[i]].decode())
            i += 1 + data[i]
        name = ".".join(labels)
        self.asked[name] = self.asked.get(name, 0) + 1
        address = PUBLIC if self.asked[name] == 1 else "127.0.0.1"
        header = data[:2] + struct.pack("!HHHHH", 0x8180, 1, 1, 0, 0)
        answer = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 0, 4) + socket.inet_aton(address)
        self.transport.sendto(header + data[12:end] + answer, addr)


def _ask(server: tuple[str, int], name: str) -> str:
    """One A query to ``server`` (blocking: getaddrinfo runs in a thread)."""
    qname = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    query = os.urandom(2) + struct.pack("!HHHHH", 0x0100, 1, 0, 0, 0) + qname + b"\x00\x01\x00\x01"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(2)
        sock.sendto(query, server)
        reply = sock.recv(512)
    return socket.inet_ntoa(reply[-4:])


@pytest_asyncio.fixture
async def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[RebindingDns]:
    """The machine's resolver asks the test's DNS server for names under ``rebind.test``,
    and the egress policy counts ``PUBLIC`` as a public address."""
    loop = asyncio.get_running_loop()
    transport, dns = await loop.create_datagram_endpoint(RebindingDns, local_addr=("127.0.0.1", 0))
    server = transport.get_extra_info("sockname")
    real_getaddrinfo: Callable[..., Any] = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, *a: Any) -> Any:
        if isinstance(host, str) and host.endswith(".rebind.test"):
            return real_getaddrinfo(_ask(server, host), port, socket.AF_INET, type, *a)
        return real_getaddrinfo(host, port, family, type, *a)

    real_is_public = egress.is_public
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(egress, "is_public", lambda a: a == PUBLIC or real_is_public(a))
    yield dns
    transport.close()


class TenantServers:
    """The same port on ``PUBLIC`` (the tenant's real CRM) and on 127.0.0.1 (what a
    rebinding attack aims at); each records the requests it got."""

    def __init__(self) -> None:
        self.got: dict[str, list[str]] = {PUBLIC: [], "127.0.0.1": []}
        self.streamed = 0
        self.port = 0
        self._runners: list[web.AppRunner] = []

    def _app(self, address: str) -> web.Application:
        async def crm(request: web.Request) -> web.Response:
            self.got[address].append(f"{request.host} {request.path_qs}")
            return web.json_response({"contact": {"name": f"CRM at {address}"}})

        async def hook(request: web.Request) -> web.Response:
            self.got[address].append(f"{request.host} {request.path}")
            return web.Response(status=204)

        async def huge(request: web.Request) -> web.StreamResponse:
            self.got[address].append(request.path)
            resp = web.StreamResponse(headers={"Content-Type": "application/json"})
            await resp.prepare(request)
            chunk = b" " * 65536
            for _ in range(4096):  # 256 MiB at most, and it stops when the client leaves
                await resp.write(chunk)
                self.streamed += len(chunk)
            return resp

        app = web.Application()
        app.router.add_get("/crm", crm)
        app.router.add_post("/hook", hook)
        app.router.add_get("/huge", huge)
        return app

    async def start(self) -> None:
        for address in ("127.0.0.1", PUBLIC):
            runner = web.AppRunner(self._app(address), handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, address, self.port)
            await site.start()
            if not self.port:
                self.port = runner.addresses[0][1]
            self._runners.append(runner)

    async def stop(self) -> None:
        for runner in self._runners:
            await runner.cleanup()


@pytest_asyncio.fixture
async def tenant_servers() -> AsyncIterator[TenantServers]:
    servers = TenantServers()
    await servers.start()
    yield servers
    await servers.stop()


async def test_a_rebinding_dns_cannot_steer_crm_lookups_or_webhooks_to_loopback(
    api: ApiClient, uid: str, rebinding_dns: RebindingDns, tenant_servers: TenantServers
) -> None:
    tid, admin, agent = await agent_setup(api, uid, "r")
    port = tenant_servers.port
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/integrations",
        {
            "crm_lookup_url": f"http://crm.rebind.test:{port}/crm",
            "crm_timeout_ms": 3000,
            "webhook_url": f"http://hooks.rebind.test:{port}/hook",
            "webhook_secret": WEBHOOK_SECRET,
        },
        expect=200,
    )
    socket_ = await live(agent)
    workspace = api.client.app[WORKSPACE]
    for n in range(2):
        workspace.on_raw(agent_called(tid, f"1700000003.{n + 1}", "13900000002"))
        pop = await socket_.next("call.contact")
        # The lookup went to the address that was checked, the public one.
        assert pop["crm"]["status"] == "found", pop
        assert pop["contact"]["name"] == f"CRM at {PUBLIC}"
    deadline = time.monotonic() + 5
    while not any("/hook" in r for r in tenant_servers.got[PUBLIC]):
        assert time.monotonic() < deadline, tenant_servers.got
        await asyncio.sleep(0.05)
    await socket_.ws.close()
    # The Host header is still the tenant's name; the DNS said 127.0.0.1 to every later
    # lookup, yet nothing ever reached the loopback server.
    assert f"crm.rebind.test:{port} /crm?number=13900000002" in tenant_servers.got[PUBLIC]
    assert tenant_servers.got["127.0.0.1"] == []
    assert rebinding_dns.asked.get("crm.rebind.test", 0) >= 1


async def test_a_crm_reply_without_end_is_cut_at_the_cap(
    api: ApiClient, uid: str, rebinding_dns: RebindingDns, tenant_servers: TenantServers
) -> None:
    tid, admin, agent = await agent_setup(api, uid, "h")
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tid}/integrations",
        {"crm_lookup_url": f"http://{PUBLIC}:{tenant_servers.port}/huge", "crm_timeout_ms": 5000},
        expect=200,
    )
    socket_ = await live(agent)
    started = time.monotonic()
    api.client.app[WORKSPACE].on_raw(agent_called(tid, "1700000004.1", "13900000002"))
    pop = await socket_.next("call.contact")
    took = time.monotonic() - started
    await socket_.ws.close()
    assert pop["contact"] is None and pop["crm"]["status"] == "error", pop
    assert took < 2, took
    await asyncio.sleep(0.2)
    # The server got to write no more than the cap plus what the sockets buffer.
    assert tenant_servers.streamed < 16 * 2**20, tenant_servers.streamed
