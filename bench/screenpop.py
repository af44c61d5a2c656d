"""Screen-pop latency: N concurrent carrier calls ringing N agents.

Brings up the platform and carrier Asterisk (the test slot's ports), the control plane, and N
simulated agent consoles (websocket clients). Each agent has its own queue and number; its
queue member rings a Local channel that just rings (so no N SIP phones are needed; agents are
still identified by MemberName, as forward-to-mobile seats are). Prints:

* INVITE -> AgentCalled: the platform's Newchannel of the carrier leg to app_queue's
  AgentCalled, both stamped by Asterisk (the dialplan's share of the delay);
* AgentCalled -> pop at the client: Asterisk's event stamp to the websocket client receiving
  ``call.ringing`` (AMI transit + our handling + hub + websocket);
* AMI read -> pop at the client: our share only.

Calls are started PACE ms apart (default 20: 200 calls in 4 s, all ringing together at the
end; 0 = all at once, which measures a burst queueing behind Asterisk's single realtime DB
connection rather than steady ringing).

Usage: CALLCENTER_TEST_SLOT=2 .venv/bin/python bench/screenpop.py [N] [PACE_MS]
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web

from callcenter import keys
from callcenter.ami.client import AmiClient
from callcenter.app import create_app
from callcenter.auth.principal import Principal
from callcenter.db.migrate import migrate
from callcenter.devstack.cluster import Cluster, build_cluster, one_node_layout
from callcenter.devstack.sandbox import Sandbox
from callcenter.settings import Settings
from callcenter.workspace.lifecycle import WORKSPACE

SLOT = int(os.environ.get("CALLCENTER_TEST_SLOT", "0"))
PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
SIP, AMI, HTTP = 5170 + 20 * SLOT, 5178 + 20 * SLOT, 8178 + 20 * SLOT
CARRIER_AMI = 5179 + 20 * SLOT
API_PORT = 8190 + 20 * SLOT
LAYOUT = one_node_layout(
    f"bench{SLOT}", SIP, AMI, HTTP, 12000 + 2000 * SLOT, CARRIER_AMI, 13000 + 2000 * SLOT
)
NODE_IP = LAYOUT.node_ip(0)
SECRET = "bench-ami-secret"
TENANT = "bench"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def show(name: str, values: list[float]) -> None:
    if not values:
        print(f"{name:38s} no samples")
        return
    ms = [v * 1000 for v in values]
    print(
        f"{name:38s} n={len(ms):4d} p50={statistics.median(ms):7.2f} ms"
        f"  p90={pct(ms, 90):7.2f}  p99={pct(ms, 99):7.2f}  max={max(ms):7.2f}"
    )


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


@dataclass
class Stack:
    """The platform and carrier Asterisk, and the control plane serving on API_PORT."""

    dsn: str
    platform: Any
    carrier: Any
    app: web.Application
    runner: web.AppRunner
    cluster: Cluster | None = None
    operator_token: str = ""
    admin_token: str = ""


async def open_stack(**overrides: Any) -> Stack:
    """Start both Asterisks and the control plane (settings ``overrides``), open the tenant."""
    dsn = f"{PG}/cc_bench_{uuid.uuid4().hex[:8]}"
    await migrate(dsn)
    sandbox = await Sandbox.ensure()
    cluster = build_cluster(sandbox, dsn, "callcenter", SECRET, LAYOUT)
    await cluster.register(dsn)
    await cluster.start()
    platform, carrier = cluster.platform, cluster.carrier
    settings = Settings(
        **{
            "dsn": dsn,
            "ami_host": NODE_IP,
            "ami_port": AMI,
            "ami_secret": SECRET,
            "operator_password": "bench-operator",
            "http_port": API_PORT,
            "jwt_secret": "bench-secret-" + "x" * 32,
            **overrides,
        }
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", API_PORT).start()
    stack = Stack(dsn, platform, carrier, app, runner, cluster)
    await app[keys.AMI].wait_ready()
    async with aiohttp.ClientSession() as s:
        stack.operator_token = await sign_in(s, "operator", "bench-operator")
        await api(
            s,
            "POST",
            "/api/v1/tenants",
            stack.operator_token,
            {
                "id": TENANT,
                "name": "Bench",
                "admin": {"username": "bench-admin", "password": "bench-admin-pw"},
            },
        )
        # N concurrent calls: lift the tenant's default cap of 100 concurrent calls.
        await api(
            s, "PUT", f"/api/v1/tenants/{TENANT}/limits", stack.operator_token, {"max_calls": 0}
        )
        stack.admin_token = await sign_in(s, "bench-admin", "bench-admin-pw")
    return stack


async def close_stack(stack: Stack) -> None:
    """Stop everything and drop the bench database."""
    await stack.runner.cleanup()
    assert stack.cluster is not None
    await stack.cluster.stop()
    admin_db = await asyncpg.connect(f"{PG}/postgres")
    await admin_db.execute(f'DROP DATABASE IF EXISTS "{stack.dsn.rsplit("/", 1)[1]}" WITH (FORCE)')
    await admin_db.close()


async def sign_in(s: aiohttp.ClientSession, username: str, password: str) -> str:
    async with s.post(
        f"http://127.0.0.1:{API_PORT}/api/v1/auth/token",
        json={"username": username, "password": password},
    ) as resp:
        token: str = (await resp.json())["token"]
        return token


async def provision_agents(stack: Stack, first: int, n: int) -> list[str]:
    """Agents ``first``..``first+n-1``: a seat, a queue and a number each, logged in, their
    queue member ringing a Local channel that only rings. Their tokens."""
    app, op, admin = stack.app, stack.operator_token, stack.admin_token
    tokens = app[keys.TOKENS]
    print(f"provisioning {n} agents, queues and numbers ...", flush=True)
    agent_tokens: list[str] = []
    async with aiohttp.ClientSession() as s:
        for i in range(first, first + n):
            ext, number = str(2000 + i), f"40090{i:05d}"
            await api(s, "POST", f"/api/v1/tenants/{TENANT}/seats", admin, {"extension": ext})
            await api(
                s,
                "POST",
                f"/api/v1/tenants/{TENANT}/queues",
                admin,
                {
                    "name": f"q{i}",
                    "extension": str(5000 + i),
                    "ring_timeout": 60,
                    "members": [{"extension": ext}],
                },
            )
            await api(s, "POST", f"/api/v1/tenants/{TENANT}/numbers", op, {"number": number})
            await api(
                s,
                "PUT",
                f"/api/v1/tenants/{TENANT}/numbers/{number}/route",
                admin,
                {"type": "queue", "target": f"q{i}"},
            )
            agent = await api(
                s,
                "POST",
                f"/api/v1/tenants/{TENANT}/agents",
                admin,
                {
                    "username": f"bench-{ext}",
                    "password": "bench-agent-pw",
                    "extension": ext,
                    "device": "sip",
                },
            )
            token = tokens.issue(Principal(agent["user_id"], f"bench-{ext}", "agent", TENANT))
            agent_tokens.append(token)
            await api(s, "POST", "/api/v1/agent/login", token, None)
    # Members ring a Local channel that only rings; MemberName stays the seat.
    db = await asyncpg.connect(stack.dsn)
    await db.execute(
        "UPDATE queue_members SET interface = 'Local/' || membername ||"
        " '@cc-bench-ring/n' WHERE queue_name LIKE 'bench-%'"
    )
    await db.close()
    ami = app[keys.AMI]
    # The bench's own dialplan goes in over the CLI: the control plane's AMI user may not
    # change the dialplan (least privilege).
    for step in ("1,Ringing,", "2,Wait,120"):
        await stack.platform.cli(
            f"dialplan add extension _[a-z].,{step} into cc-bench-ring replace"
        )
    for i in range(first, first + n):
        await ami.action(
            "Setvar",
            Variable=f"DEVICE_STATE(Custom:{TENANT}-{2000 + i})",
            Value="NOT_INUSE",
        )
    return agent_tokens


@dataclass
class PopRound:
    """What one round of calls measured."""

    pops: list[dict[str, Any]]
    lags: list[float]
    cpu_s: float
    wall_s: float


async def pop_round(stack: Stack, agent_tokens: list[str], first: int, pace_ms: float) -> PopRound:
    """Connect the agents' consoles (another process), have the carrier call their numbers
    (another process), and collect each pop with its INVITE time."""
    n = len(agent_tokens)
    cpu_before = time.process_time()
    wall_before = time.monotonic()
    # The consoles run in another process, as browsers would: their event loop
    # never competes with the control plane's.
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--consoles",
        str(API_PORT),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(("\n".join(agent_tokens) + "\n").encode())
    await proc.stdin.drain()
    proc.stdin.close()
    ready = await proc.stdout.readline()
    assert ready.strip() == b"ready", ready
    watcher = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--watch",
        str(n),
        str(pace_ms),
        str(first),
        stdout=asyncio.subprocess.PIPE,
    )
    assert watcher.stdout is not None
    assert (await watcher.stdout.readline()).strip() == b"ready"
    invites: dict[str, float] = {}

    async def read_invites() -> None:
        assert watcher.stdout is not None
        async for line in watcher.stdout:
            linkedid, stamp = json.loads(line)
            invites[linkedid] = stamp

    invite_reader = asyncio.ensure_future(read_invites())
    print(f"{n} consoles connected; placing {n} calls ...", flush=True)
    pops: list[dict[str, Any]] = []

    async def read_pops() -> None:
        assert proc.stdout is not None
        while len(pops) < n:
            line = await proc.stdout.readline()
            if not line:
                return
            pops.append(json.loads(line))

    reader = asyncio.ensure_future(read_pops())
    lags: list[float] = []

    async def sample_lag() -> None:
        while True:
            t0 = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - t0 - 0.001)

    sampler = asyncio.ensure_future(sample_lag())
    try:
        await asyncio.wait_for(reader, 60)
    except TimeoutError:
        print(f"only {len(pops)} pops arrived")
    sampler.cancel()
    cpu = time.process_time() - cpu_before
    wall = time.monotonic() - wall_before
    await asyncio.sleep(0.5)
    for child in (proc, watcher):
        child.kill()
        await child.wait()
    invite_reader.cancel()
    for p in pops:
        p["invite"] = invites.get(p["linkedid"])
    return PopRound(pops, lags, cpu, wall)


async def main(n: int, pace_ms: float = 20.0) -> None:
    stack = await open_stack()
    try:
        agent_tokens = await provision_agents(stack, 0, n)
        measured = await pop_round(stack, agent_tokens, 0, pace_ms)
        pops, app = measured.pops, stack.app
        dialplan = [p["ast_at"] - p["invite"] for p in pops if p.get("invite")]
        to_client = [p["recv"] - p["ast_at"] for p in pops]
        ours = [p["recv"] - p["ami_at"] for p in pops]
        print(
            f"\nscreen pop, {n} concurrent calls ringing {n} agents (started {pace_ms:g} ms apart)"
        )
        show("INVITE -> AgentCalled (Asterisk)", dialplan)
        show("AgentCalled -> pop at client", to_client)
        show("AMI read -> pop at client (ours)", ours)
        show("AMI read -> pop written to socket", list(app[WORKSPACE].hub.pop_write_delays))
        show("event-loop lag of the control plane", measured.lags)
        print(
            f"control plane CPU during the calls: {measured.cpu_s:.2f} s in {measured.wall_s:.2f} s"
        )
        starts = [p["invite"] for p in pops if p.get("invite")]
        if starts:
            print(f"calls entered the platform over {max(starts) - min(starts):.2f} s")
        print(f"hub dropped slow clients: {app[WORKSPACE].hub.dropped}")
    finally:
        await close_stack(stack)


async def consoles(port: int) -> None:
    """Simulated agent consoles: one websocket per token read from stdin; prints each pop
    with Asterisk's stamp of the carrier leg's Newchannel (the INVITE) on the platform."""
    tokens = [t for t in sys.stdin.read().split() if t]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as s:
        sockets = []
        for token in tokens:
            ws = await s.ws_connect(f"http://127.0.0.1:{port}/api/v1/ws")
            await ws.send_json({"type": "auth", "token": token})
            sockets.append(ws)
        print("ready", flush=True)

        async def read(ws: aiohttp.ClientWebSocketResponse) -> None:
            async for msg in ws:
                data = json.loads(msg.data)
                if data.get("type") == "call.ringing":
                    line = {
                        "recv": time.time(),
                        "ami_at": data["ami_at"],
                        "ast_at": data.get("ast_at", data["ami_at"]),
                        "linkedid": data["linkedid"],
                    }
                    print(json.dumps(line), flush=True)

        await asyncio.gather(*(read(ws) for ws in sockets))


async def place_calls(n: int, pace_ms: float, first: int = 0) -> None:
    """Have the carrier call the N numbers; print Asterisk's stamp of each carrier leg's
    Newchannel (the INVITE) on the platform. A process of its own: the carrier's and the
    platform's AMI traffic parsed here never delays the control plane's event loop."""
    watch = AmiClient(NODE_IP, AMI, "callcenter", SECRET)
    carrier = AmiClient("127.0.0.1", CARRIER_AMI, "callcenter", SECRET)

    def on_platform(fields: Any) -> None:
        if fields.get("Event") == "Newchannel" and fields.get("Channel", "").startswith(
            "PJSIP/carrier-"
        ):
            print(json.dumps([fields.get("Linkedid", ""), float(fields["Timestamp"])]), flush=True)

    watch.on_raw(on_platform)
    await watch.start()
    await carrier.start()
    await watch.wait_ready()
    await carrier.wait_ready()
    print("ready", flush=True)
    for i in range(first, first + n):
        await carrier.action(
            "Originate",
            Channel=f"PJSIP/40090{i:05d}@platform",
            Context="caller",
            Exten="silence",
            Priority=1,
            CallerID=f"<1390000{i:04d}>",
            Timeout=60000,
            Async="true",
        )
        await asyncio.sleep(pace_ms / 1000)
    await asyncio.sleep(3600)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--consoles":
        asyncio.run(consoles(int(sys.argv[2])))
    elif len(sys.argv) > 2 and sys.argv[1] == "--watch":
        first = int(sys.argv[4]) if len(sys.argv) > 4 else 0
        asyncio.run(place_calls(int(sys.argv[2]), float(sys.argv[3]), first))
    else:
        asyncio.run(
            main(
                int(sys.argv[1]) if len(sys.argv) > 1 else 200,
                float(sys.argv[2]) if len(sys.argv) > 2 else 20.0,
            )
        )
