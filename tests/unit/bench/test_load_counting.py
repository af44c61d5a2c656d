"""bench/load.py counts a call as both SIPps logged it: completed by the caller and
answered by an agent, matched by caller number; setup and concurrency from the caller's
clocks."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_bench() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "bench" / "load.py"
    spec = importlib.util.spec_from_file_location("bench_load", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_load"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = load_bench()
TAG = bench.call_tag(2)


def test_a_call_succeeds_only_if_the_caller_completed_it_and_an_agent_answered_it() -> None:
    caller = [
        ["answered", f"{TAG}1", "100", "0", "100", "8000"],  # 8 ms
        ["answered", f"{TAG}2", "100", "500000", "100", "620000"],  # 120 ms
        ["answered", f"{TAG}3", "101", "0", "101", "5000"],
        ["completed", f"{TAG}1", "110", "0"],
        ["completed", f"{TAG}2", "111", "0"],  # the IVR answered, no agent: not a success
        ["completed", f"{bench.call_tag(1)}1", "90", "0"],  # the step before
    ]
    agents = [
        ["agent", f"{TAG}1", "sip:x"],
        ["agent", f"{TAG}3", "sip:y"],  # the caller never completed it
        ["agent", f"{bench.call_tag(1)}1", "sip:z"],
    ]
    t = bench.tally(caller, agents, TAG)
    assert t.completed == {f"{TAG}1", f"{TAG}2"}
    assert t.answered == {f"{TAG}1", f"{TAG}3"}
    assert t.both == {f"{TAG}1"}
    assert round(t.setup_ms[f"{TAG}1"], 3) == 8.0
    assert round(t.setup_ms[f"{TAG}2"], 3) == 120.0


def test_calls_up_at_once_and_percentiles() -> None:
    caller = [
        ["answered", f"{TAG}1", "100", "0", "100", "0"],
        ["answered", f"{TAG}2", "105", "0", "105", "0"],
        ["answered", f"{TAG}3", "110", "0", "110", "0"],  # starts as 1 ends
        ["completed", f"{TAG}1", "110", "0"],
        ["completed", f"{TAG}2", "120", "0"],
        ["completed", f"{TAG}3", "130", "0"],
    ]
    agents = [["agent", f"{TAG}{n}", "sip:x"] for n in (1, 2, 3)]
    assert bench.tally(caller, agents, TAG).most_at_once() == 2
    values = [float(v) for v in range(1, 101)]
    assert (bench.percentile(values, 0.5), bench.percentile(values, 0.99)) == (50.0, 99.0)
    assert bench.percentile([], 0.5) != bench.percentile([], 0.5)  # nan
