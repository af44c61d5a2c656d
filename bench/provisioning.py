"""Provision many tenants through the HTTP API and measure how soon each change is callable.

Starts its own platform + carrier Asterisk (ports apart from the demo's and the tests'), a
fresh database and the control plane, then for each tenant: open it, assign a 400 number,
add seats, a queue of those seats, an IVR (key 1 -> the queue) and route the number to the
IVR. For a sample of tenants a real call follows at once: the carrier dials the number,
presses 1, and we time until the caller sits in that tenant's queue. Prints API latency per
change, time until callable (p50/p99), and Asterisk's memory and CPU.

    .venv/bin/python bench/provisioning.py --tenants 1000 --seats 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from pathlib import Path
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

PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
SIP, AMI, HTTP, API = 5270, 5278, 8278, 8279
CARRIER_AMI = 5279
AMI_USER, AMI_SECRET = "callcenter", "bench-secret"


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def proc_stats(pid: int) -> tuple[float, float]:
    """(RSS in MB, CPU seconds) of a process."""
    rss = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return rss, cpu


class Api:
    def __init__(self, session: aiohttp.ClientSession, base: str) -> None:
        self.session, self.base = session, base
        self.timings: dict[str, list[float]] = {}

    async def call(self, what: str, method: str, path: str, token: str, body: Any = None) -> Any:
        start = time.perf_counter()
        async with self.session.request(
            method, self.base + path, json=body, headers={"Authorization": f"Bearer {token}"}
        ) as resp:
            data = await resp.json() if resp.content_type == "application/json" else None
            if resp.status >= 300:
                raise RuntimeError(f"{method} {path}: {resp.status} {data}")
        self.timings.setdefault(what, []).append(time.perf_counter() - start)
        return data

    async def token(self, username: str, password: str) -> str:
        async with self.session.post(
            self.base + "/api/v1/auth/token", json={"username": username, "password": password}
        ) as resp:
            return str((await resp.json())["token"])


async def provision(api: Api, op: str, i: int, seats: int) -> str:
    tenant, number = f"b{i:05d}", f"40091{i:05d}"
    await api.call(
        "tenant",
        "POST",
        "/api/v1/tenants",
        op,
        {
            "id": tenant,
            "name": f"Bench {i}",
            "admin": {"username": f"{tenant}-admin", "password": "bench-password"},
        },
    )
    await api.call("number", "POST", f"/api/v1/tenants/{tenant}/numbers", op, {"number": number})
    admin = await api.token(f"{tenant}-admin", "bench-password")
    exts = [str(1001 + s) for s in range(seats)]
    for ext in exts:
        await api.call("seat", "POST", f"/api/v1/tenants/{tenant}/seats", admin, {"extension": ext})
    await api.call(
        "queue",
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        admin,
        {"name": "service", "extension": "601", "members": [{"extension": e} for e in exts]},
    )
    await api.call(
        "ivr",
        "PUT",
        f"/api/v1/tenants/{tenant}/ivrs/main",
        admin,
        {
            "entry": "m",
            "menus": {
                "m": {
                    "prompt": "silence/1",
                    "options": {"1": {"kind": "queue", "target": "service"}},
                }
            },
        },
    )
    await api.call(
        "route",
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        admin,
        {"type": "ivr", "target": "main"},
    )
    return number


async def callable_after(
    platform_ami: AmiClient, carrier_ami: AmiClient, number: str, caller_prefix: str = "1380"
) -> float:
    """Seconds from now until a call to ``number`` pressing 1 sits in the tenant's queue."""
    caller = caller_prefix + number[-7:]
    start = time.perf_counter()
    call = asyncio.ensure_future(
        carrier_ami.originate(
            Channel=f"PJSIP/{number}@platform",
            Context="caller",
            Exten="keys",
            Priority=1,
            CallerID=f"<{caller}>",
            Variable=["DTMF_KEYS=1", "DTMF_DELAY=0.2"],
            Timeout=20000,
            timeout=30,
        )
    )
    try:
        while True:
            for item in await platform_ami.action_list("CoreShowChannels"):
                if item.get("CallerIDNum") == caller and item.get("Application") == "Queue":
                    return time.perf_counter() - start
            if time.perf_counter() - start > 15:
                raise RuntimeError(f"call to {number} never reached its queue")
            await asyncio.sleep(0.01)
    finally:
        await call
        for item in await carrier_ami.action_list("CoreShowChannels"):
            await carrier_ami.action("Hangup", Channel=item["Channel"])


async def main(tenants: int, seats: int, sample_every: int) -> None:
    name = f"cc_bench_{uuid.uuid4().hex[:8]}"
    dsn = f"{PG}/{name}"
    await migrate(dsn)
    sandbox = await Sandbox.ensure()
    layout = one_node_layout("bench", SIP, AMI, HTTP, 24000, CARRIER_AMI, 25000)
    cluster = build_cluster(sandbox, dsn, AMI_USER, AMI_SECRET, layout)
    await cluster.register(dsn)
    await cluster.start()
    platform = cluster.platform
    settings = Settings(
        dsn=dsn,
        ami_host=layout.node_ip(0),
        jwt_secret="bench-" + "x" * 40,
        ami_enabled=True,
        ami_port=AMI,
        ami_username=AMI_USER,
        ami_secret=AMI_SECRET,
        operator_username="operator",
        operator_password="bench-operator-password",
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", API).start()
    carrier_ami = AmiClient("127.0.0.1", CARRIER_AMI, AMI_USER, AMI_SECRET)
    await carrier_ami.start()
    await carrier_ami.wait_ready()
    platform_ami = app[keys.AMI]
    await platform_ami.wait_ready()
    assert platform.process is not None
    pid = platform.process.pid
    rss0, cpu0 = proc_stats(pid)
    try:
        async with aiohttp.ClientSession() as session:
            api = Api(session, f"http://127.0.0.1:{API}")
            op = await api.token("operator", "bench-operator-password")
            callable_s: list[float] = []
            started = time.perf_counter()
            number = ""
            for i in range(tenants):
                number = await provision(api, op, i, seats)
                if i % sample_every == sample_every - 1:
                    callable_s.append(await callable_after(platform_ami, carrier_ami, number))
                if (i + 1) % 100 == 0:
                    print(f"  {i + 1} tenants in {time.perf_counter() - started:.0f} s", flush=True)
            took = time.perf_counter() - started
            await asyncio.sleep(1)
            last = await callable_after(platform_ami, carrier_ami, number, "1390")
        rss1, cpu1 = proc_stats(pid)
        print(f"\nprovisioned {tenants} tenants x {seats} seats in {took:.1f} s")
        for what, values in api.timings.items():
            ms = [v * 1000 for v in values]
            print(
                f"  API {what:7s} n={len(ms):6d}  p50 {statistics.median(ms):6.1f} ms"
                f"  p99 {pct(ms, 0.99):6.1f} ms"
            )
        ms = [v * 1000 for v in callable_s]
        print(
            f"change -> callable (route saved -> caller in the new queue, n={len(ms)}):"
            f" p50 {statistics.median(ms):.0f} ms, p99 {pct(ms, 0.99):.0f} ms, max {max(ms):.0f} ms"
        )
        print(f"call to the last tenant ({number}) reached its queue in {last * 1000:.0f} ms")
        print(
            f"platform Asterisk: RSS {rss0:.0f} MB -> {rss1:.0f} MB;"
            f" CPU {cpu1 - cpu0:.1f} s over {took:.0f} s ({100 * (cpu1 - cpu0) / took:.0f}%)"
        )
    finally:
        await carrier_ami.stop()
        await runner.cleanup()
        await cluster.stop()
        conn = await asyncpg.connect(f"{PG}/postgres")
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--seats", type=int, default=10)
    parser.add_argument("--sample-every", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.tenants, args.seats, args.sample_every))
