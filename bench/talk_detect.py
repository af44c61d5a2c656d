"""Asterisk's CPU per recorded queue call, with and without talk detection (issue 19).

Brings up the end-to-end tests' stack (tests/stack.py: the SIP edge, one platform node and
the carrier Asterisk, on the test slot's ports) and the control plane on its AMI. A tenant
records every call (policy ``all``); CALLS agents, each on a baresip phone of its own that
answers at once and sends a 440 Hz sine (the agent talks all the time), sit in one queue. The
carrier calls in CALLS times at once; each caller plays the talk tests' schedule (silent
5 s, a tone 4 s, silent 12 s, a tone 3 s, silent 2 s, hang up at 26 s), so the customer's
side starts and stops talking.

Rounds alternate talk detection off and on (the node's ``CC_TALK_DETECT`` global, set over
AMI: the dialplan then sets ``TALK_DETECT`` on both legs, or not). In each round, once every
call is connected, the platform Asterisk's CPU (utime + stime of its process, /proc) is read
over WINDOW seconds while all CALLS calls are up, less what the idle node takes. Printed per
round: CPU per call (ms of CPU per second of call, i.e. thousandths of a CPU) and the
ChannelTalkingStart events seen (none when off: the toggle works; when on, one per agent's
leg, whose sine never stops, and two per customer's, one per tone); then on minus off, per
call and per 5-minute call. Recording (MixMonitor), the bridge and RTP are in both; the
difference is talk detection's DSP on both legs.

Usage (short runs here: the machine is shared):
    CALLCENTER_TEST_SLOT=2 .venv/bin/python bench/talk_detect.py [CALLS] [ROUNDS] [WINDOW]
    # defaults: 10 calls, 6 rounds (off, on, off, on, ...), 15 s windows
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp.test_utils import TestClient, TestServer

from callcenter import keys
from callcenter.ami.client import AmiClient
from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.db.roles import APP_ROLE, ASTERISK_ROLE, ensure_login
from callcenter.devstack.asterisk import AsteriskInstance
from callcenter.devstack.cluster import build_cluster
from callcenter.devstack.phones import Account, SoftPhone
from callcenter.devstack.sandbox import Sandbox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from stack import (
    AMI_SECRET,
    AMI_USER,
    CARRIER_AMI,
    LAYOUT,
    PLATFORM_AMI,
    PLATFORM_AMI_HOST,
    PLATFORM_SIP,
    PREFIX,
    SLOT,
)
from support import (
    APP_LOGIN,
    ASTERISK_LOGIN,
    OPERATOR,
    ApiClient,
    login_dsn,
    make_settings,
    wait_for,
)

PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
TENANT = "talkbench"
NUMBER = "4008200490"
CALL_S = 26.0  # the carrier's talk_schedule hangs up this long after the answer
PHONE_PORT = 25100 + 400 * SLOT + 396  # the end of the slot's phone range (tests count up)
PER_PHONE = 1
TICK = os.sysconf("SC_CLK_TCK")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def cpu_seconds(node: AsteriskInstance) -> float:
    """utime + stime of the node's Asterisk (every thread), from /proc."""
    pid = int((node.host_dir / "run" / "asterisk.pid").read_text().strip())
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


async def provision(api: ApiClient, calls: int) -> tuple[ApiClient, list[dict[str, Any]]]:
    """The tenant, its recorded queue of CALLS agents logged in; the seats' SIP accounts."""
    op = await api.login(*OPERATOR)
    admin_user = {"username": f"{TENANT}-admin", "password": "admin-password"}
    await op.call(
        "POST", "/api/v1/tenants", {"id": TENANT, "name": "Talk", "admin": admin_user}, expect=201
    )
    base = f"/api/v1/tenants/{TENANT}"
    await op.call("POST", f"{base}/numbers", {"number": NUMBER}, expect=201)
    admin = await api.login(f"{TENANT}-admin", "admin-password")
    extensions = [str(1001 + i) for i in range(calls)]
    seats = []
    for ext in extensions:
        _, seat = await admin.call("POST", f"{base}/seats", {"extension": ext}, expect=201)
        seats.append(seat["sip"])
    queue = {
        "name": "support",
        "extension": "600",
        "wrapup_time": 0,
        "members": [{"extension": e} for e in extensions],
    }
    await admin.call("POST", f"{base}/queues", queue, expect=201)
    route = {"type": "queue", "target": "support"}
    await admin.call("PUT", f"{base}/numbers/{NUMBER}/route", route, expect=200)
    await admin.call("PUT", f"{base}/recording", {"policy": "all"}, expect=200)
    for ext in extensions:
        agent = {
            "username": f"tb-agent-{ext}",
            "password": "agent-password",
            "extension": ext,
            "device": "sip",
        }
        await admin.call("POST", f"{base}/agents", agent, expect=201)
    return admin, seats


async def one_round(
    api: ApiClient,
    stack_nodes: tuple[AsteriskInstance, AmiClient],
    calls: int,
    window: float,
    detect: bool,
    seen: list[Mapping[str, str]],
    idle: float,
) -> tuple[float, int, int]:
    """CALLS calls at once, the node's CPU over ``window`` with all of them up, less the idle
    node's: (CPU per call-second; ChannelTalkingStart events of the round on the agents' and
    on the customers' channels)."""
    node, carrier = stack_nodes
    ami = api.client.app[keys.AMI]
    await ami.action("Setvar", Variable="CC_TALK_DETECT", Value="1" if detect else "0")
    seen.clear()
    caller = [f"1380000{4900 + i:04d}" for i in range(calls)]
    originates = [
        asyncio.ensure_future(
            carrier.originate(
                Channel=f"PJSIP/{NUMBER}@platform",
                Context="caller",
                Exten="talk_schedule",
                Priority=1,
                CallerID=f'"{c}" <{c}>',
                Timeout=20000,
                timeout=30,
            )
        )
        for c in caller
    ]

    def connected() -> bool:
        return sum(1 for m in seen if m.get("Event") == "AgentConnect") >= calls

    try:
        await wait_for(connected, timeout=30)
    except TimeoutError:
        failed = [o.exception() for o in originates if o.done() and o.exception()]
        raise RuntimeError(f"not every call reached an agent: {failed}") from None
    first = min(float(m["Timestamp"]) for m in seen if m.get("Event") == "AgentConnect")
    last = max(float(m["Timestamp"]) for m in seen if m.get("Event") == "AgentConnect")
    if last - first + window + 1 > CALL_S:
        raise RuntimeError(f"calls connected over {last - first:.1f} s: no common window")
    await asyncio.sleep(0.5)
    cpu0, t0 = cpu_seconds(node), time.monotonic()
    await asyncio.sleep(window)
    cpu1, t1 = cpu_seconds(node), time.monotonic()
    await asyncio.gather(*originates)
    # Every call hangs up at CALL_S; the next round starts on an idle node.
    await wait_for(lambda: not node_busy(seen, calls), timeout=CALL_S + 15)
    await asyncio.sleep(2)
    starts = [m["Channel"] for m in seen if m.get("Event") == "ChannelTalkingStart"]
    agents = sum(1 for c in starts if c.startswith(f"PJSIP/{TENANT}-"))
    per_call = ((cpu1 - cpu0) / (t1 - t0) - idle) / calls
    return per_call, agents, len(starts) - agents


def node_busy(seen: list[Mapping[str, str]], calls: int) -> bool:
    return sum(1 for m in seen if m.get("Event") == "AgentComplete") < calls


async def main(calls: int, rounds: int, window: float) -> None:
    admin_dsn = f"{PG}/cc_talk_{uuid.uuid4().hex[:8]}"
    await migrate(admin_dsn)
    app_dsn = login_dsn(admin_dsn, *APP_LOGIN)
    await ensure_login(admin_dsn, app_dsn, APP_ROLE)
    asterisk_dsn = login_dsn(admin_dsn, *ASTERISK_LOGIN)
    await ensure_login(admin_dsn, asterisk_dsn, ASTERISK_ROLE)
    sandbox = await Sandbox.ensure()
    cluster = build_cluster(sandbox, asterisk_dsn, AMI_USER, AMI_SECRET, LAYOUT)
    await cluster.register(app_dsn, nodes=1)
    await cluster.start(nodes_up=1)
    node = cluster.nodes[0]
    app = create_app(
        make_settings(
            app_dsn,
            ami_enabled=True,
            ami_host=PLATFORM_AMI_HOST,
            ami_port=PLATFORM_AMI,
            ami_username=AMI_USER,
            ami_secret=AMI_SECRET,
            sip_host="127.0.0.1",
            sip_port=PLATFORM_SIP,
            prompts_dir=str(node.host_dir / "prompts"),
            recordings_dir=str(node.host_dir / "recordings"),
        )
    )
    client = TestClient(TestServer(app))
    carrier = AmiClient("127.0.0.1", CARRIER_AMI, AMI_USER, AMI_SECRET)
    phones: list[SoftPhone] = []
    try:
        await client.start_server()
        await app[keys.AMI].wait_ready()
        await carrier.start()
        await carrier.wait_ready()
        api = ApiClient(client)
        _, seats = await provision(api, calls)
        registrar = f"127.0.0.1:{PLATFORM_SIP}"
        accounts = [Account(s["username"], s["password"], registrar) for s in seats]
        # One phone a seat: baresip holds its other calls when it answers one, and a held
        # leg sends no audio (only one agent of a 4-seat phone was heard talking).
        for k in range(0, calls, PER_PHONE):
            port = PHONE_PORT - 4 * (k // PER_PHONE)
            phones.append(
                SoftPhone(
                    sandbox,
                    f"{PREFIX}-talkbench{k // PER_PHONE}",
                    port,
                    port + 2000,
                    accounts[k : k + PER_PHONE],
                )
            )
            await phones[-1].start()
        sync = app[keys.SYNC]
        for i in range(calls):
            agent = await api.login(f"tb-agent-{1001 + i}", "agent-password")
            await agent.call("POST", "/api/v1/agent/login", expect=200)
        await wait_for(
            lambda: all(sync.state_of(f"{TENANT}-{1001 + i}") == "NOT_INUSE" for i in range(calls)),
            timeout=30,
        )
        seen: list[Mapping[str, str]] = []
        wanted = {"AgentConnect", "AgentComplete", "ChannelTalkingStart"}
        app[keys.AMI].on_raw(lambda m: seen.append(dict(m)) if m.get("Event") in wanted else None)
        print(f"{calls} recorded queue calls at once, {window:g} s windows; {load()}", flush=True)
        figures: dict[bool, list[float]] = {False: [], True: []}
        idle0, it0 = cpu_seconds(node), time.monotonic()
        await asyncio.sleep(5)
        idle = (cpu_seconds(node) - idle0) / (time.monotonic() - it0)
        print(f"idle node: {idle * 1000:.1f} ms CPU per second (taken off)", flush=True)
        for r in range(rounds):
            detect = r % 2 == 1
            per_call, agents, customers = await one_round(
                api, (node, carrier), calls, window, detect, seen, idle
            )
            figures[detect].append(per_call)
            print(
                f"round {r + 1} TALK_DETECT {'on ' if detect else 'off'}:"
                f" {per_call * 1000:6.2f} ms CPU per call-second;"
                f" ChannelTalkingStart on agents' legs {agents}, customers' {customers};"
                f" {load()}",
                flush=True,
            )
        off = statistics.mean(figures[False])
        on = statistics.mean(figures[True])
        extra = on - off
        for detect, name in ((False, "off"), (True, "on")):
            ms = [v * 1000 for v in figures[detect]]
            print(
                f"TALK_DETECT {name}: {len(ms)} rounds, {min(ms):.2f} to {max(ms):.2f} ms CPU"
                f" per call-second (the spread of one setting is the noise of this machine)"
            )
        print(
            f"mean: off {off * 1000:.2f}, on {on * 1000:.2f} ms CPU per call-second;"
            f" TALK_DETECT on both legs: {extra * 1000:+.2f} ms/s per call"
            f" ({extra / off:+.0%}), {extra * 300:+.2f} s CPU per 5-minute call,"
            f" {extra * 100:+.2f} % of one CPU per call; {load()}"
        )
    finally:
        for phone in phones:
            await phone.stop()
        await carrier.stop()
        await client.close()
        await cluster.stop()
        conn = await asyncpg.connect(f"{PG}/postgres")
        try:
            name = admin_dsn.rsplit("/", 1)[1]
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(
        main(
            int(args[0]) if args else 10,
            int(args[1]) if len(args) > 1 else 6,
            float(args[2]) if len(args) > 2 else 15.0,
        )
    )
