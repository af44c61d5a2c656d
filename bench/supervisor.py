"""Supervisor board figures (issue 19): board update latency at N agents, and talk-detection
CPU cost per call in the control plane.

1. Board latency. The control plane on PostgreSQL (no Asterisk: AMI events are handed to the
   workspace's ``on_raw``, the very function the AMI reader calls), N agents of one tenant
   logged in, a supervisor's board open in headless Chromium over the real websocket. Agents
   are paused and unpaused by ``QueueMemberPause`` events, RATE per second for SECONDS, then
   all N at once (a burst). Printed: AMI event handed over -> the agent's row redrawn in the
   browser (the page stamps each applied message; same host clock), p50/p90/p99/max; and
   -> the next frame painted after it (a probe in the page). The machine's load average is
   printed before and after.
2. Talk detection. Synthetic recorded calls (a 5-minute call: 40 talk stretches per side,
   one hold) through the pure tracker: CPU per call in the control plane. (Asterisk's own
   cost of TALK_DETECT on real calls: bench/talk_detect.py.)

Usage: CALLCENTER_TEST_SLOT=2 .venv/bin/python bench/supervisor.py [N] [RATE] [SECONDS]
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import time
import uuid
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web

from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.quality.talk import TalkTracker
from callcenter.settings import Settings
from callcenter.workspace.core import PresenceChanged
from callcenter.workspace.lifecycle import WORKSPACE
from callcenter.workspace.state import LoggedIn

SLOT = int(os.environ.get("CALLCENTER_TEST_SLOT", "0"))
PG = os.environ.get("CALLCENTER_TEST_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
API_PORT = 8191 + 20 * SLOT
TENANT = "sbench"
CHROMIUM = "/usr/bin/chromium"


def load() -> None:
    """The machine's load average (the figures are only as quiet as the machine)."""
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def show(name: str, values: list[float]) -> None:
    if not values:
        print(f"{name:44s} no samples")
        return
    ms = [v * 1000 for v in values]
    print(
        f"{name:44s} n={len(ms):5d} p50={statistics.median(ms):7.2f} ms"
        f"  p90={pct(ms, 90):7.2f}  p99={pct(ms, 99):7.2f}  max={max(ms):7.2f}"
    )


async def call(s: aiohttp.ClientSession, method: str, path: str, token: str, body: Any) -> Any:
    async with s.request(
        method,
        f"http://127.0.0.1:{API_PORT}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"} if token else {},
    ) as resp:
        data = await resp.json(content_type=None)
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status} {data}")
        return data


async def provision(s: aiohttp.ClientSession, n: int) -> None:
    """A tenant with N seats and agents in one queue, and a supervisor."""
    op = (
        await call(
            s,
            "POST",
            "/api/v1/auth/token",
            "",
            {"username": "operator", "password": "bench-operator"},
        )
    )["token"]
    await call(
        s,
        "POST",
        "/api/v1/tenants",
        op,
        {
            "id": TENANT,
            "name": "Bench",
            "admin": {"username": "sb-admin", "password": "bench-admin-pw"},
        },
    )
    admin = (
        await call(
            s,
            "POST",
            "/api/v1/auth/token",
            "",
            {"username": "sb-admin", "password": "bench-admin-pw"},
        )
    )["token"]
    base = f"/api/v1/tenants/{TENANT}"
    extensions = [str(2000 + i) for i in range(n)]
    gate = asyncio.Semaphore(8)

    async def seat_and_agent(ext: str) -> None:
        async with gate:
            await call(s, "POST", f"{base}/seats", admin, {"extension": ext})
            await call(
                s,
                "POST",
                f"{base}/agents",
                admin,
                {
                    "username": f"sb-agent-{ext}",
                    "password": "bench-agent-pw",
                    "extension": ext,
                    "name": f"Agent {ext}",
                    "device": "sip",
                },
            )

    await asyncio.gather(*(seat_and_agent(e) for e in extensions))
    await call(
        s,
        "POST",
        f"{base}/queues",
        admin,
        {"name": "support", "extension": "600", "members": [{"extension": e} for e in extensions]},
    )
    await call(
        s,
        "POST",
        f"{base}/supervisors",
        admin,
        {"username": "sb-super", "password": "bench-super-pw"},
    )


def pause_event(ext: str, paused: bool) -> dict[str, str]:
    return {
        "Event": "QueueMemberPause",
        "Queue": f"{TENANT}-support",
        "MemberName": f"{TENANT}-{ext}",
        "Interface": f"PJSIP/{TENANT}-{ext}",
        "Paused": "1" if paused else "0",
        "Reason": "bench" if paused else "",
        "Timestamp": f"{time.time():.6f}",
    }


# "Redrawn" is the page's own stamp once it changed the row (window.ccBoard.applied); the
# pixels follow in the browser's next frame. This probe stamps that too: after each live
# message's handler, the next animation frame, then a task queued from it, which runs once
# that frame has been painted. (sent_at, painted) per message the handler applied.
PAINT_PROBE = """
(() => {
  window.ccPainted = [];
  const d = Object.getOwnPropertyDescriptor(WebSocket.prototype, "onmessage");
  Object.defineProperty(WebSocket.prototype, "onmessage", {
    get() { return d.get.call(this); },
    set(fn) {
      d.set.call(this, (ev) => {
        const log = window.ccBoard ? window.ccBoard.applied : [];
        const from = log.length;
        fn(ev);
        const sent = log.slice(from).map((a) => a[0]);
        if (!sent.length) return;
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => {
            const at = Date.now() / 1000;
            for (const s of sent) window.ccPainted.push([s, at]);
          };
          ch.port2.postMessage(0);
        });
      });
    },
  });
})();
"""


async def until(page: Any, expression: str, timeout: float = 30.0) -> None:
    """Poll ``expression`` in the page (wait_for_function evaluates strings, which the
    pages' CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not await page.evaluate(expression):
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        await asyncio.sleep(0.05)


async def board_latency(app: web.Application, n: int, rate: float, seconds: float) -> None:
    from playwright.async_api import async_playwright

    workspace = app[WORKSPACE]
    extensions = [str(2000 + i) for i in range(n)]
    for ext in extensions:
        workspace.feed(PresenceChanged(f"{TENANT}-{ext}", LoggedIn()))
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = await (await browser.new_context(locale="zh-CN")).new_page()
            await page.add_init_script(PAINT_PROBE)
            await page.goto(f"http://127.0.0.1:{API_PORT}/board")
            await page.fill("#login [name=username]", "sb-super")
            await page.fill("#login [name=password]", "bench-super-pw")
            await page.click("#login button")
            await until(page, f"document.querySelectorAll('#agents tr').length === {n}")
            await page.wait_for_selector("#status:text-is('实时')")
            # A second board: a bare websocket client (in this process), to tell the server's
            # share of a delay from the browser's.
            frames: list[tuple[float, float]] = []
            session = aiohttp.ClientSession()
            token = (
                await call(
                    session,
                    "POST",
                    "/api/v1/auth/token",
                    "",
                    {"username": "sb-super", "password": "bench-super-pw"},
                )
            )["token"]
            ws = await session.ws_connect(f"http://127.0.0.1:{API_PORT}/api/v1/ws")
            # Like the page, it takes batch frames.
            await ws.send_json({"type": "auth", "token": token, "batch": True})
            counts = [0]
            reader = asyncio.ensure_future(read_frames(ws, frames, counts))
            await asyncio.sleep(0.5)
            frames.clear()
            paused = dict.fromkeys(extensions, False)
            handed: list[float] = []  # on_raw's own time per event
            interval = 1 / rate
            started = time.monotonic()
            rng = random.Random(19)
            while time.monotonic() - started < seconds:
                ext = rng.choice(extensions)
                paused[ext] = not paused[ext]
                t0 = time.perf_counter()
                workspace.on_raw(pause_event(ext, paused[ext]))
                handed.append(time.perf_counter() - t0)
                await asyncio.sleep(interval)
            await asyncio.sleep(1.0)
            steady = await page.evaluate("window.ccBoard.applied.splice(0)")
            steady_painted = await page.evaluate("window.ccPainted.splice(0)")
            steady_frames = frames[:]
            frames.clear()
            steady_count, counts[0] = counts[0], 0
            for ext in extensions:  # a burst: every agent changes within one loop turn
                paused[ext] = not paused[ext]
                workspace.on_raw(pause_event(ext, paused[ext]))
            await until(page, f"window.ccBoard.applied.length >= {n}")
            burst = await page.evaluate("window.ccBoard.applied.splice(0)")
            await until(page, f"window.ccPainted.length >= {n}")
            burst_painted = await page.evaluate("window.ccPainted.splice(0)")
            shown = await page.locator("#agents tr[data-presence='paused']").count()
            burst_frames = frames[:]
            burst_count = counts[0]
            reader.cancel()
            await ws.close()
            await session.close()
        finally:
            await browser.close()
    expected = sum(paused.values())
    print(f"agents on the board: {n}; paused at the end {shown} (expected {expected})")
    show("AMI event handed to on_raw (our CPU)", handed)
    print(
        f"frames at the bare client: steady {steady_count} for {len(steady_frames)} changes,"
        f" burst {burst_count} for {len(burst_frames)}"
    )
    show(f"event -> frame at a bare client, steady {rate:g}/s", [b - a for a, b in steady_frames])
    show(f"event -> row redrawn, steady {rate:g}/s", [b - a for a, b, _ in steady])
    show(f"event -> frame at a bare client, burst of {n}", [b - a for a, b in burst_frames])
    show(f"event -> row redrawn, burst of {n}", [b - a for a, b, _ in burst])
    show(f"event -> frame painted, steady {rate:g}/s", [b - a for a, b in steady_painted])
    show(f"event -> frame painted, burst of {n}", [b - a for a, b in burst_painted])


async def read_frames(
    ws: aiohttp.ClientWebSocketResponse, out: list[tuple[float, float]], counts: list[int]
) -> None:
    """(sent_at, received) of every agent.state message; counts[0]: frames that carried any."""
    async for msg in ws:
        frame = json.loads(msg.data)
        now = time.time()
        batch = frame["messages"] if frame.get("type") == "batch" else [frame]
        # (snapshot messages on connecting carry no sent_at)
        states = [m for m in batch if m.get("type") == "agent.state" and "sent_at" in m]
        out.extend((m["sent_at"], now) for m in states)
        counts[0] += bool(states)


def talk_cost(calls: int = 2000) -> None:
    """CPU of the talk tracker per recorded call (5 minutes, 40 stretches a side, a hold)."""
    rng = random.Random(7)
    events: list[list[dict[str, str]]] = []
    for c in range(calls):
        customer, agent = f"PJSIP/carrier-{c:08x}", f"PJSIP/{TENANT}-2000-{c:08x}"
        at = 1000.0 * c
        evs = [
            {
                "Event": "AgentConnect",
                "Channel": customer,
                "DestChannel": agent,
                "Queue": f"{TENANT}-support",
                "MemberName": f"{TENANT}-2000",
                "Linkedid": f"L{c}",
                "ChanVariable": "CC_DID=4008000000\nCC_TALK=1",
                "Timestamp": f"{at:.6f}",
            }
        ]
        for side in (customer, agent):
            t = at
            for _ in range(40):
                t += rng.uniform(0.5, 3.0)
                d = rng.uniform(0.5, 4.0)
                evs.append(
                    {"Event": "ChannelTalkingStart", "Channel": side, "Timestamp": f"{t:.6f}"}
                )
                evs.append(
                    {
                        "Event": "ChannelTalkingStop",
                        "Channel": side,
                        "Duration": str(int(d * 1000)),
                        "Timestamp": f"{t + d + 1:.6f}",
                    }
                )
                t += d
        evs.append({"Event": "Hold", "Channel": agent, "Timestamp": f"{at + 100:.6f}"})
        evs.append({"Event": "Unhold", "Channel": agent, "Timestamp": f"{at + 120:.6f}"})
        evs.sort(key=lambda e: float(e["Timestamp"]))
        evs.append({"Event": "Hangup", "Channel": customer, "Timestamp": f"{at + 300:.6f}"})
        events.append(evs)
    tracker = TalkTracker()
    done = 0
    cpu0 = time.process_time()
    for evs in events:
        for e in evs:
            if tracker.step(e, 0.0) is not None:
                done += 1
    cpu = time.process_time() - cpu0
    per_call = cpu / calls
    per_event = per_call / len(events[0])
    print(
        f"talk tracker: {calls} calls, {done} with figures, {len(events[0])} events a call:"
        f" {per_call * 1e6:.0f} us CPU per call ({per_event * 1e6:.1f} us per event)"
    )


async def main(n: int, rate: float, seconds: float) -> None:
    name = f"cc_bench_{uuid.uuid4().hex[:8]}"
    dsn = f"{PG}/{name}"
    await migrate(dsn)
    settings = Settings(
        dsn=dsn,
        ami_enabled=False,
        operator_password="bench-operator",
        http_port=API_PORT,
        jwt_secret="bench-secret-" + "x" * 32,
    )
    app = create_app(settings)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", API_PORT).start()
    try:
        async with aiohttp.ClientSession() as s:
            t0 = time.monotonic()
            await provision(s, n)
            print(f"provisioned {n} agents in {time.monotonic() - t0:.1f} s")
        load()
        await board_latency(app, n, rate, seconds)
        load()
    finally:
        await runner.cleanup()
        conn = await asyncpg.connect(f"{PG}/postgres")
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
    talk_cost()


if __name__ == "__main__":
    args = sys.argv[1:]
    asyncio.run(
        main(
            int(args[0]) if args else 200,
            float(args[1]) if len(args) > 1 else 40.0,
            float(args[2]) if len(args) > 2 else 15.0,
        )
    )
