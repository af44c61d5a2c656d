"""Wrong-login flood: does the control plane stay responsive, and how many guesses get in?

Starts the real stack with bench/screenpop.py's machinery (platform and carrier Asterisk,
the control plane, N agents with their consoles), then runs three rounds of N concurrent
screen pops each:

1. quiet: no flood (the reference);
2. a flood of wrong logins over 200 connections from one address;
3. the same flood spread over many source addresses (X-Forwarded-For through a configured
   proxy, so the per-address limit cannot help and only the per-username limit and the
   bounded password-hashing queue stand in the way).

The flood and a ``/healthz`` probe (every 20 ms) run in another process, at nice 10 (an
attacker's CPU is elsewhere; here it shares the machine). Prints per round:
healthz p50/p99, screen-pop p99 (AgentCalled -> pop at the client), the event-loop lag, and
how many flood attempts were let through to a password check (answered 401, not 429).

With ``--api-only`` it starts the control plane alone (no Asterisk, no pops) and runs the
quiet, one-address and spread rounds for healthz only: what the flood costs the control plane
itself, without the rest of the stack competing for the same cores.

Usage: CALLCENTER_TEST_SLOT=1 .venv/bin/python bench/login_flood.py [N] [CONNECTIONS]
       CALLCENTER_TEST_SLOT=1 .venv/bin/python bench/login_flood.py --api-only [SECONDS]
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import random
import secrets
import statistics
import sys
import time
import uuid
from collections import Counter
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web
from screenpop import (
    API_PORT,
    PG,
    close_stack,
    open_stack,
    pct,
    pop_round,
    provision_agents,
    show,
)

from callcenter import keys
from callcenter.app import create_app
from callcenter.db.migrate import migrate
from callcenter.settings import Settings
from callcenter.workspace.lifecycle import WORKSPACE


async def flood(port: int, mode: str, connections: int) -> None:
    """Child process: probe /healthz (mode ``probe``), or flood wrong logins over
    ``connections`` connections (``single``/``spread``), until stdin closes; then print the
    figures as JSON."""
    if mode != "probe":
        # The attacker's own CPU would be elsewhere; here it shares the machine, so it runs
        # at a lower priority than the control plane and Asterisk. The probe does not: its
        # own scheduling delays would count as healthz latency.
        os.nice(10)
    base = f"http://127.0.0.1:{port}"
    statuses: Counter[str] = Counter()
    healthz: list[float] = []
    stop = asyncio.Event()

    async def probe() -> None:
        async with aiohttp.ClientSession() as s:
            while not stop.is_set():
                t0 = time.perf_counter()
                async with s.get(f"{base}/healthz") as resp:
                    await resp.read()
                healthz.append(time.perf_counter() - t0)
                await asyncio.sleep(0.02)

    async def attacker(s: aiohttp.ClientSession, worker: int) -> None:
        rng = random.Random(worker)
        while not stop.is_set():
            headers = {}
            if mode == "spread":
                headers["X-Forwarded-For"] = f"10.{rng.randrange(256)}.{rng.randrange(256)}.7"
            body = {"username": f"victim-{rng.randrange(50)}", "password": "guess-" + str(worker)}
            try:
                async with s.post(f"{base}/api/v1/auth/token", json=body, headers=headers) as r:
                    await r.read()
                    statuses[str(r.status)] += 1
            except aiohttp.ClientError:
                statuses["error"] += 1

    async def wait_stdin() -> None:
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
        stop.set()

    started = time.monotonic()
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as s:
        workers = [probe()] if mode == "probe" else [attacker(s, w) for w in range(connections)]
        print("ready", flush=True)
        await asyncio.gather(wait_stdin(), *workers)
    print(
        json.dumps(
            {"statuses": statuses, "healthz": healthz, "seconds": time.monotonic() - started}
        ),
        flush=True,
    )


def gc_pauses() -> list[float]:
    """Durations of the control plane's garbage collections from now on (they stop the loop)."""
    pauses: list[float] = []
    started = [0.0]

    def callback(phase: str, _info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            pauses.append(time.perf_counter() - started[0])

    gc.callbacks.append(callback)
    return pauses


Children = list[asyncio.subprocess.Process]


async def run_flood(mode: str, connections: int) -> Children:
    """Start the healthz probe and (unless ``none``) the flood, in two processes."""
    children = []
    for child_mode in ["probe"] + ([] if mode == "none" else [mode]):
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--flood",
            str(API_PORT),
            child_mode,
            str(connections),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert child.stdout is not None
        assert (await child.stdout.readline()).strip() == b"ready"
        children.append(child)
    return children


async def stop_flood(children: Children) -> dict[str, Any]:
    """Stop the probe and the flood: healthz delays, the flood's statuses and duration."""
    results = []
    for child in children:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.close()
        results.append(json.loads(await child.stdout.readline()))
        await child.wait()
    return {**results[-1], "healthz": results[0]["healthz"]}


def print_attempts(figures: dict[str, Any], busy: int | None = None) -> None:
    statuses = figures["statuses"]
    total = sum(statuses.values())
    if not total:
        return
    through = statuses.get("401", 0)
    queue = "" if busy is None else f" (of which hashing queue full: {busy})"
    print(
        f"login attempts: {total} in {figures['seconds']:.1f} s"
        f" ({total / figures['seconds']:.0f}/s); let through to a password check"
        f" (401): {through}; refused 429: {statuses.get('429', 0)}{queue}; other: "
        + json.dumps({k: v for k, v in statuses.items() if k not in ("401", "429")})
    )


async def api_only(seconds: float, connections: int) -> None:
    """The control plane alone (AMI off): healthz quiet, and under both floods."""
    dsn = f"{PG}/cc_bench_{uuid.uuid4().hex[:8]}"
    await migrate(dsn)
    app = create_app(
        Settings(
            dsn=dsn,
            jwt_secret=secrets.token_urlsafe(40),
            ami_enabled=False,
            trusted_proxies="127.0.0.1",
            http_port=API_PORT,
        )
    )
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", API_PORT).start()
    try:
        print(f"control plane only; wrong-login flood over {connections} connections")
        for name, mode in ROUNDS:
            child = await run_flood(mode, connections)
            cpu = time.process_time()
            await asyncio.sleep(seconds)
            figures = await stop_flood(child)
            print(f"\n== {name}")
            show("healthz", figures["healthz"])
            print(f"control plane CPU: {time.process_time() - cpu:.2f} s in {seconds:.1f} s")
            print_attempts(figures)
    finally:
        await runner.cleanup()
        admin_db = await asyncpg.connect(f"{PG}/postgres")
        await admin_db.execute(f'DROP DATABASE IF EXISTS "{dsn.rsplit("/", 1)[1]}" WITH (FORCE)')
        await admin_db.close()


ROUNDS = [("quiet", "none"), ("flood, one address", "single"), ("flood, spread", "spread")]


async def main(n: int, connections: int) -> None:
    stack = await open_stack(trusted_proxies="127.0.0.1")
    try:
        rounds = ROUNDS
        tokens = await provision_agents(stack, 0, n * len(rounds))
        hub = stack.app[WORKSPACE].hub
        pauses = gc_pauses()
        results = []
        for index, (name, mode) in enumerate(rounds):
            child = await run_flood(mode, connections)
            await asyncio.sleep(1.0)  # the flood is in full swing before the calls come
            refused_before = stack.app[keys.HASHER].refused
            pauses.clear()
            first = index * n
            measured = await pop_round(stack, tokens[first : first + n], first, 20.0)
            figures = await stop_flood(child)
            results.append(
                (name, measured, figures, stack.app[keys.HASHER].refused - refused_before)
            )
            longest = max(pauses, default=0.0) * 1000
            print(f"{name}: {len(pauses)} garbage collections, longest {longest:.1f} ms")
            hub.pop_write_delays.clear()
            await asyncio.sleep(2.0)
        print(f"\nwrong-login flood over {connections} connections; {n} screen pops per round")
        for name, measured, figures, busy in results:
            print(f"\n== {name}")
            show("healthz", figures["healthz"])
            show("AgentCalled -> pop at client", [p["recv"] - p["ast_at"] for p in measured.pops])
            show(
                "AMI read -> pop at client (ours)", [p["recv"] - p["ami_at"] for p in measured.pops]
            )
            show("event-loop lag of the control plane", measured.lags)
            print(f"control plane CPU: {measured.cpu_s:.2f} s in {measured.wall_s:.2f} s")
            print_attempts(figures, busy)
        quiet = [p["recv"] - p["ast_at"] for p in results[0][1].pops]
        print("\nsummary (ms)")
        for name, measured, figures, _ in results:
            pops = [p["recv"] - p["ast_at"] for p in measured.pops]
            hz = [v * 1000 for v in figures["healthz"]]
            print(
                f"  {name:20s} healthz p50={statistics.median(hz):6.2f} p99={pct(hz, 99):7.2f}"
                f"  pop p99={pct(pops, 99) * 1000 if pops else float('nan'):7.2f}"
                f" (quiet {pct(quiet, 99) * 1000 if quiet else float('nan'):.2f})"
                f"  pops {len(pops)}/{n}"
            )
    finally:
        await close_stack(stack)


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[1] == "--flood":
        asyncio.run(flood(int(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
    elif len(sys.argv) > 1 and sys.argv[1] == "--api-only":
        asyncio.run(api_only(float(sys.argv[2]) if len(sys.argv) > 2 else 6.0, 200))
    else:
        asyncio.run(
            main(
                int(sys.argv[1]) if len(sys.argv) > 1 else 100,
                int(sys.argv[2]) if len(sys.argv) > 2 else 200,
            )
        )
