"""The lookup gateway and the self-service API against PostgreSQL and a real HTTPS service of
the test's own: what the dialplan gets back, the bounds that keep one tenant's slow API from
holding the gateway, the token, the tenant's API host and secret, and the report."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import socket
import ssl
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest_asyncio
from aiohttp import web
from integration.test_provisioning_api import open_tenant

from callcenter.app import create_app
from callcenter.devstack.certs import edge_certificate

from support import ApiClient, make_settings

TOKEN = "lookup-token-for-tests-0123456789"
SECRET = "tenant-api-secret-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Orders:
    """An HTTPS order API: order 404 is not found, 500 fails, anything else is found after
    ``delay`` seconds. It records whether each request carried a valid signature."""

    def __init__(self, certs: Path) -> None:
        self.certs, self.port, self.delay = certs, free_port(), 0.0
        self.signed: list[bool] = []
        self.paths: list[str] = []
        self._runner: web.AppRunner | None = None

    async def _other(self, request: web.Request) -> web.Response:
        self.paths.append(request.path_qs)
        return web.json_response({"error": "no such page"}, status=404)

    async def _order(self, request: web.Request) -> web.Response:
        self.paths.append(request.path_qs)
        stamp = request.headers.get("X-CC-Timestamp", "")
        mac = hmac.new(SECRET.encode(), f"{stamp}.{request.path_qs}".encode(), hashlib.sha256)
        self.signed.append(
            hmac.compare_digest(f"sha256={mac.hexdigest()}", request.headers["X-CC-Signature"])
        )
        await asyncio.sleep(self.delay)
        digits = request.match_info["digits"]
        if digits == "404":
            return web.json_response({"error": "no such order"}, status=404)
        if digits == "500":
            return web.json_response({"error": "boom"}, status=500)
        return web.json_response({"status": "shipped", "count": 3, "eta": 1796522400})

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/orders/{digits}", self._order)
        app.router.add_get("/{tail:.*}", self._other)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certs / "lookup.crt", self.certs / "lookup.key")
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=context).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest_asyncio.fixture
async def orders(tmp_path_factory: Any) -> AsyncIterator[Orders]:
    certs = tmp_path_factory.mktemp("orders-certs")
    await edge_certificate(certs, "127.0.0.1", name="lookup")
    service = Orders(certs)
    await service.start()
    yield service
    await service.stop()


@pytest_asyncio.fixture
async def gw(aiohttp_client: Any, dsn: str, orders: Orders) -> ApiClient:
    app = create_app(
        make_settings(
            dsn,
            integrations_allow_private=True,
            lookup_token=TOKEN,
            lookup_per_tenant=2,
            lookup_ca_file=str(orders.certs / "ca.crt"),
        )
    )
    return ApiClient(await aiohttp_client(app))


def ivr(port: int, timeout_ms: int = 400) -> dict[str, Any]:
    hangup = {"kind": "hangup"}
    return {
        "entry": "order",
        "menus": {
            "order": {
                "type": "digits",
                "prompt": "silence/1",
                "min_digits": 3,
                "max_digits": 8,
                "next": {"kind": "submenu", "target": "find"},
            },
            "find": {
                "type": "lookup",
                "url": f"https://127.0.0.1:{port}/orders/{{digits}}?from={{caller}}",
                "timeout_ms": timeout_ms,
                "say": [{"field": "count", "as": "number"}, {"field": "eta", "as": "date"}],
                "on_found": hangup,
                "on_not_found": {"kind": "submenu", "target": "order"},
                "on_error": hangup,
                "on_timeout": hangup,
            },
        },
    }


async def ask(api: ApiClient, tenant: str, digits: str, token: str = TOKEN) -> dict[str, Any]:
    q = urlencode({"tenant": tenant, "ivr": "orders", "menu": "find", "digits": digits})
    resp = await api.client.get(
        f"/internal/v1/selfservice/lookup?{q}&caller=138&linkedid=n1-1.2",
        headers={"X-CC-Lookup-Token": token},
    )
    if resp.status != 200:
        return {"http": resp.status, **(await resp.json())}
    return {k: v[0] for k, v in parse_qs(await resp.text()).items()}


async def tenant_with_lookup(gw: ApiClient, orders: Orders, uid: str) -> tuple[str, ApiClient]:
    tid, admin = await open_tenant(gw, uid)
    base = f"/api/v1/tenants/{tid}"
    body = ivr(orders.port)
    # No API host configured yet: the lookup's URL is refused, nothing stored.
    status, reply = await admin.call("PUT", f"{base}/ivrs/orders", body)
    assert status == 400 and reply["details"]["field"] == "menus.find.url", reply
    status, reply = await admin.call("PUT", f"{base}/selfservice/api", {"host": "x y"})
    assert status == 400 and reply["details"]["field"] == "host", reply
    status, reply = await admin.call("PUT", f"{base}/selfservice/api", {"host": "a.example"})
    assert status == 400 and reply["details"]["field"] == "secret", reply
    host = f"127.0.0.1:{orders.port}"
    await admin.call("PUT", f"{base}/selfservice/api", {"host": host, "secret": SECRET}, expect=200)
    # The secret is kept when only the host is sent again, and never shown.
    _, view = await admin.call("PUT", f"{base}/selfservice/api", {"host": host}, expect=200)
    assert view == {"host": host, "secret_set": True}
    await admin.call("PUT", f"{base}/ivrs/orders", body, expect=200)
    return tid, admin


async def test_the_gateway_answers_the_dialplan_in_digits_and_never_beyond_its_bounds(
    gw: ApiClient, orders: Orders, uid: str
) -> None:
    tid, admin = await tenant_with_lookup(gw, orders, uid)
    found = await ask(gw, tid, "12345")
    assert found == {
        "status": "found",
        "n": "2",
        "k1": "number",
        "v1": "3",
        "k2": "date",
        "v2": "1796522400",
    }
    assert orders.signed == [True]
    assert (await ask(gw, tid, "404"))["status"] == "not_found"
    assert (await ask(gw, tid, "500"))["status"] == "error"
    # Not digits: only digits reach the tenant's URL.
    assert (await ask(gw, tid, "../admin"))["status"] == "not_found"
    assert orders.paths[-1] == "/orders/?from=138", orders.paths

    # Slow: cut at the node's timeout (400 ms), and a third concurrent lookup of the same
    # tenant is answered busy at once (lookup_per_tenant=2) while another tenant's is served.
    other, _ = await tenant_with_lookup(gw, orders, uid[::-1] + "q")
    orders.delay = 2.0
    started = time.monotonic()
    first = [asyncio.ensure_future(ask(gw, tid, "111")) for _ in range(2)]
    await asyncio.sleep(0.1)
    third = await ask(gw, tid, "111")
    assert third["status"] == "busy" and time.monotonic() - started < 0.3, third
    elsewhere = await ask(gw, other, "111")
    assert elsewhere["status"] == "timeout", elsewhere
    assert [r["status"] for r in await asyncio.gather(*first)] == ["timeout", "timeout"]
    assert time.monotonic() - started < 1.5
    orders.delay = 0.0

    # Down: an error, quickly.
    await orders.stop()
    started = time.monotonic()
    assert (await ask(gw, tid, "12345"))["status"] == "error"
    assert time.monotonic() - started < 1.0

    # Without the nodes' token: refused; names are checked.
    assert (await ask(gw, tid, "1", token="wrong"))["http"] == 401
    resp = await gw.client.get(
        "/internal/v1/selfservice/lookup?tenant=A;DROP&ivr=orders&menu=find",
        headers={"X-CC-Lookup-Token": TOKEN},
    )
    assert resp.status == 400 and (await resp.json())["details"]["field"] == "tenant"

    # The report: per node, outcomes, failure rate and latency.
    now = datetime.now(UTC)
    q = urlencode(
        {
            "from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(),
        }
    )
    _, rows = await admin.call("GET", f"/api/v1/tenants/{tid}/reports/selfservice?{q}", expect=200)
    (node,) = rows
    assert (node["ivr"], node["menu"], node["lookups"], node["found"]) == ("orders", "find", 8, 1)
    assert node["not_found"] == 2 and node["failed"] == 5 and node["failure_rate"] == 0.625
    assert node["latency_p95_ms"] >= 300
    assert node["calls"] == 1 and node["containment_rate"] == 1.0  # no CDR: never reached an agent
