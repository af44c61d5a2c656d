"""The benches are the instruments issue 16 is judged by: each must still run against the
platform as it is (the four of them stopped rendering when the cluster landed, and nothing
noticed). Tiny sizes: these check that a bench runs and counts, not any figure it prints.

They bring up stacks of their own on their own ports, beside the tests' stack.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


async def run_bench(*argv: str, slot: int = 9, timeout: float = 300) -> str:
    env = {**os.environ, "CALLCENTER_TEST_SLOT": str(slot), "PYTHONPATH": str(ROOT / "platform")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *argv,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout)
    text = out.decode(errors="replace")
    assert proc.returncode == 0, text[-3000:]
    return text


async def test_the_load_bench_counts_every_call_on_both_sides() -> None:
    out = await run_bench(
        "bench/load.py", "--tenants", "1", "--agents", "8", "--rate", "2", "--seconds", "2"
    )
    for side in ("platform", "bare"):
        placed = re.search(rf"\[{side}\] offered .*? placed (\d+), .*? completed (\d+)", out)
        assert placed, out[-3000:]
        both = re.search(rf"\[{side}\]   reconcile: .*? / both (\d+);", out)
        assert both, out[-3000:]
        assert int(placed[1]) >= 4 and int(placed[1]) == int(placed[2]) == int(both[1]), out
        assert re.search(rf"\[{side}\]   INVITE -> answer p50 [\d.]+ ms", out), out
    assert "ratio platform/bare" in out


async def test_the_screen_pop_bench_times_every_pop() -> None:
    out = await run_bench("bench/screenpop.py", "10", "20")
    pops = re.search(r"AgentCalled -> pop at client\s+n=\s*(\d+)", out)
    assert pops and int(pops[1]) == 10, out[-3000:]


async def test_the_dialer_bench_runs_a_predictive_campaign_on_real_calls() -> None:
    out = await run_bench("bench/dialer.py", "5", "200", "0.3", "20", "45")
    reached = re.search(r"reached / dialled\s+(\d+) / (\d+)", out)
    rate = re.search(r"abandon rate\s+([\d.]+) %", out)
    assert reached and rate and re.search(r"occupancy \(talk / logged-in\)\s+[\d.]+%", out), out
    assert int(reached[1]) >= 3 and int(reached[2]) > int(reached[1]), out[-3000:]
    # The pacing's guarantee with its warm-up allowance: abandoned <= 3 % of (reached + 100).
    abandoned = round(float(rate[1]) * int(reached[1]) / 100)
    assert abandoned <= 0.03 * (int(reached[1]) + 100), out[-3000:]
    assert re.search(r"decision latency\s+p50=[\d.]+ ms", out), out
