"""Wallboard latency at N active calls: from Asterisk's queue event to the browser's update.

Brings up the platform and carrier Asterisk (the test slot's ports; run it when no test
stack of that slot is up), the control plane, and one wallboard subscriber (a websocket
client signed in as the tenant admin, exactly what the /wallboard page does). The carrier
places N calls, PACE ms apart, into the tenant's queues, where they wait (no agent); then
hangs them all up. Every QueueCallerJoin/Leave is stamped by Asterisk (timestampevents);
every pushed ``wallboard`` message carries that stamp, and the client notes when it arrived.
Prints the delay event -> client (p50/p90/p99/max), the count of callers the last message
showed, and the control plane's CPU over the run.

With ROWS > 0 it first times the wallboard's rebuild after an AMI reconnect: ROWS queue-log
rows of today (answered and abandoned calls over 1,000 queues) are written, the board is
rebuilt (every row is new to it), then 200 more rows come and it is rebuilt again: the
second rebuild is the one a reconnect costs on a busy day (before issue 16 it read all of
today's log every time; now only the rows after the last one counted).

Usage: CALLCENTER_TEST_SLOT=0 .venv/bin/python bench/wallboard.py [N=200] [PACE_MS=20] [ROWS=0]
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import statistics
import sys
import time
import uuid
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web

from callcenter import keys
from callcenter.ami.client import AmiClient
from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.devstack.cluster import build_cluster, one_node_layout
from callcenter.devstack.sandbox import Sandbox
from callcenter.settings import Settings

SLOT = int(os.environ.get("CALLCENTER_TEST_SLOT", "0"))
PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
SIP, AMI, HTTP = 5170 + 20 * SLOT, 5178 + 20 * SLOT, 8178 + 20 * SLOT
CARRIER_AMI = 5179 + 20 * SLOT
API_PORT = 8191 + 20 * SLOT
SECRET = "bench-ami-secret"
TENANT = "wallb"
QUEUES = 5


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def api(s: aiohttp.ClientSession, method: str, path: str, token: str, body: Any) -> Any:
    async with s.request(
        method,
        f"http://127.0.0.1:{API_PORT}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    ) as resp:
        data = await resp.json(content_type=None)
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status} {data}")
        return data


async def token(s: aiohttp.ClientSession, username: str, password: str) -> str:
    async with s.post(
        f"http://127.0.0.1:{API_PORT}/api/v1/auth/token",
        json={"username": username, "password": password},
    ) as resp:
        return str((await resp.json())["token"])


async def provision(s: aiohttp.ClientSession) -> list[str]:
    op = await token(s, "operator", "bench-operator")
    await api(
        s,
        "POST",
        "/api/v1/tenants",
        op,
        {
            "id": TENANT,
            "name": "Wallboard bench",
            "admin": {"username": "wallb-admin", "password": "wallb-admin-pw"},
        },
    )
    await api(s, "PUT", f"/api/v1/tenants/{TENANT}/limits", op, {"max_calls": 0})
    admin = await token(s, "wallb-admin", "wallb-admin-pw")
    numbers = []
    for i in range(QUEUES):
        number = f"40093000{i:02d}"
        await api(s, "POST", f"/api/v1/tenants/{TENANT}/numbers", op, {"number": number})
        await api(
            s,
            "POST",
            f"/api/v1/tenants/{TENANT}/queues",
            admin,
            {"name": f"q{i}", "extension": str(601 + i), "music_class": "default"},
        )
        await api(
            s,
            "PUT",
            f"/api/v1/tenants/{TENANT}/numbers/{number}/route",
            admin,
            {"type": "queue", "target": f"q{i}"},
        )
        numbers.append(number)
    return numbers


CHANGED = asyncio.Event()


async def seed_queue_log(dsn: str, rows: int, first: int) -> None:
    """``rows`` queue-log rows written today, in the last 30 minutes: calls entering one of
    1,000 queues, then answered (CONNECT) or abandoned, two rows per call."""
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO queue_log (time, callid, queuename, agent, event, data1, data2, data3)"
            " SELECT (now() AT TIME ZONE 'UTC') - ((g / 2) % 1800) * interval '1 second',"
            "  'seed.' || (g / 2), 'seed' || ((g / 2) % 1000) || '-q',"
            "  CASE WHEN g % 2 = 1 AND g % 6 <> 5 THEN 'PJSIP/seed-1001' ELSE 'NONE' END,"
            "  CASE WHEN g % 2 = 0 THEN 'ENTERQUEUE' WHEN g % 6 = 5 THEN 'ABANDON'"
            "   ELSE 'CONNECT' END,"
            "  CASE WHEN g % 2 = 0 THEN '' WHEN g % 6 = 5 THEN '1' ELSE (g % 40)::text END,"
            "  '1', CASE WHEN g % 6 = 5 THEN (g % 60)::text ELSE '1' END"
            " FROM generate_series($1::bigint, $2::bigint) AS g",
            first,
            first + rows - 1,
        )
    finally:
        await conn.close()


async def time_rebuilds(app: web.Application, dsn: str, rows: int) -> None:
    """The rebuild with ``rows`` new rows of today, then with 200 more (a reconnect)."""
    board = app[keys.WALLBOARD]
    await seed_queue_log(dsn, rows, 0)
    for label, extra in (("all rows new", 0), ("a reconnect after 200 more rows", 200)):
        if extra:
            await seed_queue_log(dsn, extra, rows + (rows % 2))
        t0 = time.perf_counter()
        await board.rebuild()
        took = time.perf_counter() - t0
        read = getattr(board, "last_rebuild_rows", None)  # None: the code before issue 16
        print(
            f"wallboard rebuild, {label}: {took * 1000:.0f} ms;"
            f" queue-log rows read: {'all of today' if read is None else read}",
            flush=True,
        )


async def wait_until(predicate: Any, timeout: float) -> None:
    """Until ``predicate()`` holds (re-checked at every wallboard message) or ``timeout``."""
    end = time.time() + timeout
    while not predicate() and time.time() < end:
        CHANGED.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(CHANGED.wait(), 0.5)


async def subscriber(
    s: aiohttp.ClientSession, admin: str, delays: list[float], last: dict[str, int]
) -> None:
    async with s.ws_connect(f"http://127.0.0.1:{API_PORT}/api/v1/ws") as ws:
        await ws.send_json({"type": "auth", "token": admin})
        async for msg in ws:
            now = time.time()
            data = json.loads(msg.data)
            if data.get("type") != "wallboard":
                continue
            if isinstance(data.get("event_at"), float):
                delays.append(now - data["event_at"])
            last["waiting"] = sum(q["waiting"] for q in data["queues"])
            CHANGED.set()


async def main(n: int, pace_ms: float, rows: int = 0) -> None:
    name = f"cc_bench_{uuid.uuid4().hex[:8]}"
    dsn = f"{PG}/{name}"
    await migrate(dsn)
    sandbox = await Sandbox.ensure()
    layout = one_node_layout(
        f"wbench{SLOT}", SIP, AMI, HTTP, 12000 + 2000 * SLOT, CARRIER_AMI, 13000 + 2000 * SLOT
    )
    cluster = build_cluster(sandbox, dsn, "callcenter", SECRET, layout)
    await cluster.register(dsn)
    await cluster.start()
    settings = Settings(
        dsn=dsn,
        ami_host=layout.node_ip(0),
        ami_port=AMI,
        ami_secret=SECRET,
        operator_password="bench-operator",
        http_port=API_PORT,
        jwt_secret="bench-secret-" + "x" * 32,
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", API_PORT).start()
    carrier_ami = AmiClient("127.0.0.1", CARRIER_AMI, "callcenter", SECRET)
    delays: list[float] = []
    last: dict[str, int] = {"waiting": -1}
    try:
        await asyncio.gather(app[keys.AMI].wait_ready(), carrier_ami.start())
        await carrier_ami.wait_ready()
        async with aiohttp.ClientSession() as s:
            numbers = await provision(s)
            if rows:
                await time_rebuilds(app, dsn, rows)
            admin = await token(s, "wallb-admin", "wallb-admin-pw")
            sub = asyncio.ensure_future(subscriber(s, admin, delays, last))
            await asyncio.sleep(1)
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)
            t0 = time.time()
            for i in range(n):
                await carrier_ami.action(
                    "Originate",
                    Channel=f"PJSIP/{numbers[i % QUEUES]}@platform",
                    Context="caller",
                    Exten="silence",
                    Priority=1,
                    CallerID=f"<1390000{i:04d}>",
                    Async="true",
                    Timeout=60000,
                )
                await asyncio.sleep(pace_ms / 1000)
            await wait_until(lambda: last["waiting"] >= n, 30)
            held = last["waiting"]
            joins = len(delays)
            await asyncio.sleep(2)
            for item in await carrier_ami.action_list("CoreShowChannels"):
                await carrier_ami.action("Hangup", Channel=item["Channel"])
            await wait_until(lambda: last["waiting"] <= 0, 30)
            took = time.time() - t0
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
            sub.cancel()
        ms = [d * 1000 for d in delays]
        print(f"calls waiting at once, as the wallboard showed them: {held} of {n}")
        print(
            f"queue event -> wallboard at the client: n={len(ms)} (joins {joins})"
            f"  p50 {statistics.median(ms):.1f} ms  p90 {pct(ms, 90):.1f} ms"
            f"  p99 {pct(ms, 99):.1f} ms  max {max(ms):.1f} ms"
        )
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        print(
            f"control plane + bench client CPU: {cpu:.1f} s over {took:.0f} s"
            f" ({100 * cpu / took:.0f}% of one core)"
        )
    finally:
        await carrier_ami.stop()
        await runner.cleanup()
        await cluster.stop()
        conn = await asyncpg.connect(f"{PG}/postgres")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    pace = float(sys.argv[2]) if len(sys.argv) > 2 else 20.0
    rows = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    asyncio.run(main(count, pace, rows))
