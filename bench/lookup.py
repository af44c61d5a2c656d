"""Issue 20's figures for the IVR lookup node: its latency and the calls per second through
it when the tenant's API is fast, slow (1 s) and down, and when the control plane's lookup
gateway itself is unreachable, with another tenant's calls timed alongside to show they are
unaffected.

Brings up its own cluster (the edge, one node, the carrier Asterisk) on the test slot's ports
(CALLCENTER_TEST_SLOT; never while that slot's tests run) and its own database, the control
plane in-process (AMI on, the lookup gateway on), and an HTTPS "order API" of its own. Tenant
A's number is an IVR: 4 digits and #, then a lookup that reads a number back, then hang up.
Tenant B's number is an IVR that just answers. Each phase places A calls at ``--rate`` per
second and B calls at 2 per second for ``--seconds``, then waits for them to finish, and
prints:

* lookup latency p50/p99 as the gateway measured it (the tenant's API round trip), and the
  outcomes the calls' CDRs recorded (found / timeout / error);
* lookups per second through the node (outcomes recorded / time from first to last);
* B's INVITE -> answer p50/p99 (the carrier's Originate to its OriginateResponse).

    CALLCENTER_TEST_SLOT=3 .venv/bin/python bench/lookup.py            # ~1.5 minutes
    CALLCENTER_TEST_SLOT=3 .venv/bin/python bench/lookup.py --rate 8 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import socket
import ssl
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from callcenter import keys
from callcenter.ami.client import AmiClient
from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.db.roles import APP_ROLE, ASTERISK_ROLE, ensure_login
from callcenter.devstack.certs import edge_certificate
from callcenter.devstack.cluster import ClusterLayout, build_cluster
from callcenter.devstack.sandbox import Sandbox
from callcenter.settings import Settings

SLOT = int(os.environ.get("CALLCENTER_TEST_SLOT", "0"))
PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
APP_LOGIN = ("callcenter_test_app", "test-app-db-password")
ASTERISK_LOGIN = ("callcenter_test_asterisk", "test-asterisk-db-password")
AMI_USER, AMI_SECRET = "callcenter", secrets.token_urlsafe(18)
OPERATOR = ("operator", "operator-" + secrets.token_urlsafe(12))
TOKEN = secrets.token_urlsafe(24)
API_SECRET = "bench-lookup-secret-0123456789"
LAYOUT = ClusterLayout(
    prefix=f"lbench{SLOT}",
    sip_port=5170 + 20 * SLOT,
    tls_port=5171 + 20 * SLOT,
    ws_port=8178 + 20 * SLOT,
    wss_port=8179 + 20 * SLOT,
    ami_port=5178 + 20 * SLOT,
    http_port=8178 + 20 * SLOT,
    rtp_base=12000 + 2000 * SLOT,
    carrier_host="127.0.0.2",
    carrier_sip_port=5170 + 20 * SLOT,
    carrier_ami_port=5179 + 20 * SLOT,
    carrier_rtp_base=13000 + 2000 * SLOT,
    nodes=1,
    rtp_ports=500,
)
A_NUMBER, B_NUMBER = "4008700001", "4008700002"


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) by nearest rank; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def login_dsn(dsn: str, user: str, password: str) -> str:
    """``dsn`` with another user and password."""
    url = urlsplit(dsn)
    host = url.netloc.rpartition("@")[2]
    return urlunsplit(url._replace(netloc=f"{quote(user)}:{quote(password)}@{host}"))


class OrderApi:
    """The tenant's HTTPS API: answers every order after ``delay`` seconds."""

    def __init__(self, certs: Path) -> None:
        self.certs = certs
        self.port = free_port()
        self.delay = 0.0
        self._runner: web.AppRunner | None = None

    async def _order(self, request: web.Request) -> web.Response:
        await asyncio.sleep(self.delay)
        return web.json_response({"status": "shipped", "count": 3})

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


@dataclass
class Bench:
    """What a phase drives: the API, the carrier and node AMI, the database."""

    api: TestClient[Any, Any]
    carrier: AmiClient
    node_ami: Any
    db: asyncpg.Connection
    orders: OrderApi
    gateway_url: str


async def call(api: TestClient[Any, Any], method: str, path: str, token: str, body: Any) -> Any:
    resp = await api.request(
        method, f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    data = await resp.json(content_type=None)
    if resp.status >= 300:
        raise RuntimeError(f"{method} {path}: {resp.status} {data}")
    return data


async def sign_in(api: TestClient[Any, Any], user: str, password: str) -> str:
    resp = await api.post("/api/v1/auth/token", json={"username": user, "password": password})
    token: str = (await resp.json())["token"]
    return token


async def provision(api: TestClient[Any, Any], orders: OrderApi) -> None:
    op = await sign_in(api, *OPERATOR)
    for tenant, number in (("lka", A_NUMBER), ("lkb", B_NUMBER)):
        admin = {"username": f"{tenant}-admin", "password": "bench-admin-pw"}
        await call(api, "POST", "/tenants", op, {"id": tenant, "name": tenant, "admin": admin})
        await call(api, "PUT", f"/tenants/{tenant}/limits", op, {"max_calls": 0})
        await call(api, "POST", f"/tenants/{tenant}/numbers", op, {"number": number})
    a = await sign_in(api, "lka-admin", "bench-admin-pw")
    await call(
        api,
        "PUT",
        "/tenants/lka/selfservice/api",
        a,
        {"host": f"127.0.0.1:{orders.port}", "secret": API_SECRET},
    )
    hangup = {"kind": "hangup"}
    ivr_a = {
        "entry": "order",
        "language": "en",
        "menus": {
            "order": {
                "type": "digits",
                "prompt": "silence/1",
                "min_digits": 4,
                "max_digits": 8,
                "terminator": "#",
                "timeout_s": 5,
                "max_tries": 1,
                "next": {"kind": "submenu", "target": "find"},
                "on_max_tries": hangup,
            },
            "find": {
                "type": "lookup",
                "url": f"https://127.0.0.1:{orders.port}/orders/{{digits}}",
                "timeout_ms": 1500,
                "say": [{"field": "count", "as": "number"}],
                "on_found": hangup,
                "on_not_found": hangup,
                "on_error": hangup,
                "on_timeout": hangup,
            },
        },
    }
    await call(api, "PUT", "/tenants/lka/ivrs/orders", a, ivr_a)
    route = {"type": "ivr", "target": "orders"}
    await call(api, "PUT", f"/tenants/lka/numbers/{A_NUMBER}/route", a, route)
    b = await sign_in(api, "lkb-admin", "bench-admin-pw")
    ivr_b = {"entry": "m", "menus": {"m": {"prompt": "silence/1", "timeout_s": 30}}}
    await call(api, "PUT", "/tenants/lkb/ivrs/hold", b, ivr_b)
    route = {"type": "ivr", "target": "hold"}
    await call(api, "PUT", f"/tenants/lkb/numbers/{B_NUMBER}/route", b, route)


@contextlib.asynccontextmanager
async def running() -> AsyncIterator[Bench]:
    """A fresh database, the cluster, the control plane and the order API; all torn down."""
    sandbox = await Sandbox.ensure()
    name = f"cc_lbench_{uuid.uuid4().hex[:8]}"
    admin_dsn = f"{PG}/{name}"
    await migrate(admin_dsn)
    certs = Path(tempfile.mkdtemp(prefix="lbench-certs-"))
    try:
        app_dsn = login_dsn(admin_dsn, *APP_LOGIN)
        asterisk_dsn = login_dsn(admin_dsn, *ASTERISK_LOGIN)
        await ensure_login(admin_dsn, app_dsn, APP_ROLE)
        await ensure_login(admin_dsn, asterisk_dsn, ASTERISK_ROLE)
        cluster = build_cluster(sandbox, asterisk_dsn, AMI_USER, AMI_SECRET, LAYOUT)
        await cluster.register(admin_dsn)
        await edge_certificate(certs, "127.0.0.1", name="lookup")
        orders = OrderApi(certs)
        await orders.start()
        port = free_port()
        gateway_url = f"http://127.0.0.1:{port}/internal/v1/selfservice/lookup"
        settings = Settings(
            dsn=app_dsn,
            jwt_secret=secrets.token_urlsafe(40),
            ami_host=LAYOUT.node_ip(0),
            ami_port=LAYOUT.ami_port,
            ami_username=AMI_USER,
            ami_secret=AMI_SECRET,
            operator_username=OPERATOR[0],
            operator_password=OPERATOR[1],
            metrics_allow="",
            prompts_dir=str(cluster.nodes[0].host_dir / "prompts"),
            integrations_allow_private=True,
            lookup_token=TOKEN,
            lookup_gateway_url=gateway_url,
            lookup_ca_file=str(certs / "ca.crt"),
        )
        await cluster.start()
        carrier = AmiClient("127.0.0.1", LAYOUT.carrier_ami_port, AMI_USER, AMI_SECRET)
        await carrier.start()
        await carrier.wait_ready()
        db = await asyncpg.connect(admin_dsn)
        try:
            app = create_app(settings)
            async with TestClient(TestServer(app, port=port)) as api:
                await app[keys.AMI].wait_ready()
                await provision(api, orders)
                yield Bench(api, carrier, app[keys.AMI], db, orders, gateway_url)
        finally:
            await db.close()
            await carrier.stop()
            await orders.stop()
            await cluster.stop()
    finally:
        admin = await asyncpg.connect(f"{PG}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def place(bench: Bench, number: str, caller: str, keys_: str) -> float:
    """One carrier call; seconds from Originate to answer (OriginateResponse)."""
    started = time.monotonic()
    variables = [f"DTMF_KEYS={keys_}", "DTMF_DELAY=1"] if keys_ else []
    await bench.carrier.originate(
        Channel=f"PJSIP/{number}@platform",
        Context="caller",
        Exten="keys" if keys_ else "silence",
        Priority=1,
        CallerID=f'"{caller}" <{caller}>',
        Variable=variables,
        Timeout=20000,
        timeout=30,
    )
    return time.monotonic() - started


async def phase(bench: Bench, label: str, rate: float, seconds: float) -> None:
    """A calls at ``rate``/s and B calls at 2/s for ``seconds``; then the figures."""
    since = await bench.db.fetchval("SELECT now()")
    tasks_a: list[asyncio.Task[float]] = []
    tasks_b: list[asyncio.Task[float]] = []
    started = time.monotonic()
    i = 0
    while time.monotonic() - started < seconds:
        caller = f"1390{i:07d}"
        tasks_a.append(asyncio.create_task(place(bench, A_NUMBER, caller, f"{1000 + i}#")))
        if i % max(1, round(rate / 2)) == 0:
            tasks_b.append(asyncio.create_task(place(bench, B_NUMBER, f"1380{i:07d}", "")))
        i += 1
        await asyncio.sleep(1 / rate)
    answered_b = [r for r in await asyncio.gather(*tasks_b, return_exceptions=True)]
    await asyncio.gather(*tasks_a, return_exceptions=True)
    # B's calls hold: hang them up; A's end by themselves after the lookup.
    for item in await bench.carrier.action_list("CoreShowChannels"):
        if item.get("Exten") == "silence" or item.get("ConnectedLineNum") == B_NUMBER:
            with contextlib.suppress(Exception):
                await bench.carrier.action("Hangup", Channel=item["Channel"])
    deadline = time.monotonic() + 15
    rows: list[Any] = []
    while time.monotonic() < deadline:
        rows = await bench.db.fetch(
            "SELECT selfservice, start, \"end\" FROM cdr WHERE tenantid = 'lka'"
            " AND start >= $1 AND selfservice IS NOT NULL",
            since,
        )
        if len(rows) >= len(tasks_a):
            break
        await asyncio.sleep(0.5)
    lookups = await bench.db.fetch(
        "SELECT status, latency_ms, at FROM selfservice_lookups WHERE at >= $1", since
    )
    outcomes: dict[str, int] = {}
    for r in rows:
        outcomes[r["selfservice"]] = outcomes.get(r["selfservice"], 0) + 1
    lat = [float(r["latency_ms"]) for r in lookups]
    ends = sorted(r["end"] for r in rows if r["end"] is not None)
    span = (ends[-1] - ends[0]).total_seconds() if len(ends) > 1 else float("nan")
    rate_done = (len(ends) - 1) / span if len(ends) > 1 and span > 0 else float("nan")
    b_ok = [v * 1000 for v in answered_b if isinstance(v, float)]
    b_failed = len(answered_b) - len(b_ok)
    print(f"\n== {label}: {len(tasks_a)} lookup calls at {rate:g}/s, {len(tasks_b)} other calls")
    print(f"   outcomes (CDRs written within 15 s): {dict(sorted(outcomes.items()))}")
    if lat:
        print(
            f"   lookup latency (gateway): p50 {percentile(lat, 0.5):.0f} ms,"
            f" p99 {percentile(lat, 0.99):.0f} ms, n={len(lat)}"
        )
    else:
        print("   lookup latency (gateway): no lookup reached the gateway")
    print(f"   calls through the lookup node: {rate_done:.2f}/s")
    print(
        f"   other tenant INVITE->answer: p50 {statistics.median(b_ok):.0f} ms,"
        f" p99 {percentile(b_ok, 0.99):.0f} ms, failed {b_failed}"
        if b_ok
        else f"   other tenant: no call answered ({b_failed} failed)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=4.0, help="lookup calls per second")
    parser.add_argument("--seconds", type=float, default=6.0, help="per phase")
    args = parser.parse_args()
    async with running() as bench:
        await phase(bench, "API fast", args.rate, args.seconds)
        bench.orders.delay = 1.0
        await phase(bench, "API slow (1 s)", args.rate, args.seconds)
        await bench.orders.stop()
        await phase(bench, "API down", args.rate, args.seconds)
        # The gateway unreachable: the nodes' CURL gets no answer at all.
        await bench.node_ami.action(
            "Setvar", Variable="CC_LOOKUP_URL", Value="http://127.0.0.1:9/internal"
        )
        await phase(bench, "gateway unreachable", args.rate, args.seconds)
        await bench.node_ami.action("Setvar", Variable="CC_LOOKUP_URL", Value=bench.gateway_url)


if __name__ == "__main__":
    asyncio.run(main())
