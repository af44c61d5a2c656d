"""Self-service acceptance (issue 20): the carrier's caller types an order number, the IVR
asks the tenant's HTTPS API (a local service of the test's own, its certificate signed by a
private CA the control plane is told to trust), reads the status back (Asterisk's playback
log shows the spoken text and the number), and on 0 the agent's pop in the browser shows the
order number. With the service down the same call reaches the agent with "lookup failed"."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import socket
import ssl
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from aiohttp import web
from e2e.test_agent_console import open_console, provision
from e2e.test_mandarin_prompts import log_size, playbacks
from e2e.test_routing import calling, carrier_channel_of, channel_var

from callcenter import keys
from callcenter.app import create_app
from callcenter.devstack.certs import edge_certificate
from callcenter.selfservice.core import speech_name

from stack import (
    AMI_SECRET,
    AMI_USER,
    PLATFORM_AMI,
    PLATFORM_AMI_HOST,
    PLATFORM_HTTP,
    PLATFORM_SIP,
    Stack,
)
from support import ApiClient, make_settings, wait_for

pytestmark = pytest.mark.e2e

SECRET = "order-api-secret-0123456789"
TOKEN = secrets.token_urlsafe(24)
ORDER = "20246135"
STATUS_TEXT = "shipped today"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OrderService:
    """The tenant's order API over HTTPS: checks our signature, answers one known order."""

    def __init__(self, certs: Path) -> None:
        self.certs = certs
        self.port = free_port()
        self.requests: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/orders/{digits}", self._order)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certs / "lookup.crt", self.certs / "lookup.key")
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, ssl_context=context).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _order(self, request: web.Request) -> web.Response:
        stamp = request.headers.get("X-CC-Timestamp", "")
        mac = hmac.new(SECRET.encode(), f"{stamp}.{request.path_qs}".encode(), hashlib.sha256)
        signed = hmac.compare_digest(
            "sha256=" + mac.hexdigest(), request.headers.get("X-CC-Signature", "")
        )
        self.requests.append(
            {"digits": request.match_info["digits"], "query": dict(request.query), "ok": signed}
        )
        if not signed or abs(time.time() - int(stamp or 0)) > 300:
            return web.json_response({"error": "bad signature"}, status=401)
        if request.match_info["digits"] != ORDER:
            return web.json_response({"found": False}, status=404)
        return web.json_response({"status": STATUS_TEXT, "parcel": {"count": 3}})


@pytest_asyncio.fixture
async def orders(tmp_path_factory: Any) -> AsyncIterator[OrderService]:
    certs = tmp_path_factory.mktemp("lookup-certs")
    await edge_certificate(certs, "127.0.0.1", name="lookup")
    service = OrderService(certs)
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest_asyncio.fixture
async def ss_api(aiohttp_client: Any, stack: Stack, orders: OrderService) -> ApiClient:
    """The control plane on a port chosen here, so the nodes can be told the gateway's URL."""
    port = free_port()
    app = create_app(
        make_settings(
            stack.dsn,
            ami_enabled=True,
            ami_host=PLATFORM_AMI_HOST,
            ami_port=PLATFORM_AMI,
            ami_username=AMI_USER,
            ami_secret=AMI_SECRET,
            sip_host="127.0.0.1",
            sip_port=PLATFORM_SIP,
            sip_ws_url=f"ws://127.0.0.1:{PLATFORM_HTTP}/ws",
            prompts_dir=str(stack.platform.host_dir / "prompts"),
            integrations_allow_private=True,
            lookup_token=TOKEN,
            lookup_gateway_url=f"http://127.0.0.1:{port}/internal/v1/selfservice/lookup",
            lookup_ca_file=str(orders.certs / "ca.crt"),
        )
    )
    client = await aiohttp_client(app, server_kwargs={"port": port})
    ami = app[keys.AMI]
    await ami.wait_ready()

    async def told() -> bool:
        reply = await ami.action("Getvar", Variable="CC_LOOKUP_URL")
        return bool(reply.get("Value", "").endswith(f":{port}/internal/v1/selfservice/lookup"))

    await wait_for(told, timeout=10)
    return ApiClient(client)


def order_ivr(port: int) -> dict[str, Any]:
    return {
        "entry": "order",
        "language": "en",
        "menus": {
            "order": {
                "type": "digits",
                "prompt": "silence/1",
                "min_digits": 6,
                "max_digits": 10,
                "terminator": "#",
                "timeout_s": 8,
                "max_tries": 2,
                "next": {"kind": "submenu", "target": "find"},
                "on_max_tries": {"kind": "queue", "target": "support"},
            },
            "find": {
                "type": "lookup",
                "url": f"https://127.0.0.1:{port}/orders/{{digits}}?from={{caller}}",
                "timeout_ms": 1500,
                "say": [
                    {"field": "status", "as": "text"},
                    {"field": "parcel.count", "as": "number"},
                ],
                "on_found": {"kind": "submenu", "target": "after"},
                "on_not_found": {"kind": "queue", "target": "support"},
                "on_error": {"kind": "queue", "target": "support"},
                "on_timeout": {"kind": "queue", "target": "support"},
            },
            "after": {
                "prompt": "silence/1",
                "timeout_s": 10,
                "options": {"0": {"kind": "queue", "target": "support"}},
                "on_max_tries": {"kind": "hangup"},
            },
        },
    }


async def test_a_caller_hears_the_order_status_and_the_agent_sees_the_order_number(
    stack: Stack, ss_api: ApiClient, orders: OrderService, browser: Any, uid: str
) -> None:
    tenant, number = f"ss{uid}", "4008200201"
    admin = await provision(ss_api, tenant, number, wrapup=0)
    # Input is checked before anything is stored: the API host first, https only.
    status, body = await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/ivrs/orders", order_ivr(orders.port)
    )
    assert status == 400 and body["details"]["field"] == "menus.find.url", body
    status, body = await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/selfservice/api", {"host": "127.0.0.1:1/x"}
    )
    assert status == 400 and body["details"]["field"] == "host", body
    status, body = await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/selfservice/api", {"host": f"127.0.0.1:{orders.port}"}
    )
    assert status == 400 and body["details"]["field"] == "secret", body
    _, api = await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/selfservice/api",
        {"host": f"127.0.0.1:{orders.port}", "secret": SECRET},
        expect=200,
    )
    assert api == {"host": f"127.0.0.1:{orders.port}", "secret_set": True}
    await admin.call(
        "PUT", f"/api/v1/tenants/{tenant}/ivrs/orders", order_ivr(orders.port), expect=200
    )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        {"type": "ivr", "target": "orders"},
        expect=200,
    )
    # The gateway refuses anyone without the nodes' token.
    resp = await ss_api.client.get(
        "/internal/v1/selfservice/lookup", params={"tenant": tenant, "ivr": "orders"}
    )
    assert resp.status == 401

    context, page = await open_console(browser, ss_api, f"{tenant}-agent")
    try:
        await page.click("#login")
        await page.wait_for_selector("#presence[data-presence='available']")

        # Found: the caller types the order number, hears the status and the parcel count.
        caller = "13900000201"
        since = log_size(stack)
        spoken = speech_name(STATUS_TEXT, "en")
        async with calling(stack, number, caller, keys_=f"{ORDER}#", delay=2.0):
            played = await wait_for(
                lambda: _played(stack, since, {f"ss/{spoken}", "digits/3"}), timeout=20
            )
            assert orders.requests[-1] == {
                "digits": ORDER,
                "query": {"from": caller},
                "ok": True,
            }
            # The read-back is not interruptible: 0 is pressed once the next menu listens.
            await wait_for(lambda: _is(channel_var(ss_api, caller, "MENU"), "after"), timeout=10)
            await stack.carrier_ami.action(
                "PlayDTMF", Channel=await carrier_channel_of(stack, caller), Digit="0"
            )
            await page.wait_for_selector("#presence[data-presence='ringing']", timeout=15_000)
            assert await page.text_content("#pop-ss-digits") == ORDER
            assert "found" in (await page.text_content("#pop-ss-lookup") or "")
        print("played:", played)
        await page.wait_for_selector("#presence[data-presence='available']", timeout=15_000)

        # Down: the same call reaches the agent at once, the pop says the lookup failed.
        await orders.stop()
        caller = "13900000202"
        started = time.monotonic()
        async with calling(stack, number, caller, keys_=f"{ORDER}#", delay=2.0):
            await page.wait_for_selector("#presence[data-presence='ringing']", timeout=15_000)
            rang_after = time.monotonic() - started
            assert await page.text_content("#pop-ss-digits") == ORDER
            assert await page.text_content("#pop-ss-lookup") == "Self-service lookup: lookup failed"
        print(f"service down: the agent rang {rang_after:.1f} s after the call started")
    finally:
        await context.close()

    # The report: two lookups at the node, one failed, both calls went on to the agent.
    rows = await _report(admin, tenant)
    (node,) = rows
    assert (node["ivr"], node["menu"], node["lookups"], node["found"], node["failed"]) == (
        "orders",
        "find",
        2,
        1,
        1,
    ), node


async def _report(admin: ApiClient, tenant: str) -> Any:
    now = datetime.now(UTC)
    start, end = (now - timedelta(hours=1)).isoformat(), (now + timedelta(hours=1)).isoformat()
    q = urlencode({"from": start, "to": end})
    _, rows = await admin.call(
        "GET", f"/api/v1/tenants/{tenant}/reports/selfservice?{q}", expect=200
    )
    return rows


async def _is(value: Any, wanted: str) -> bool:
    return bool(await value == wanted)


async def _played(stack: Stack, since: int, wanted: set[str]) -> list[str] | None:
    played = [re.sub(r"\.\w+$", "", f) for f, _ in playbacks(stack, "PJSIP/carrier", since)]
    got = {w for w in wanted if any(p.endswith(w) for p in played)}
    return played if got == wanted else None
