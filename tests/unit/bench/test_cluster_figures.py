"""bench/cluster.py's pure parts: percentiles, the steps a ramp plans and what it reports
held, CPU shares, the SIP it writes and reads, and which PostgreSQL connections are whose."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType


def load_bench() -> ModuleType:
    path = Path(__file__).resolve().parents[3] / "bench" / "cluster.py"
    spec = importlib.util.spec_from_file_location("bench_cluster", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_cluster"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def step(
    side: str, target: int, ok: int, failed: int, most: int, hold: float = 2.0, **cpu: float
) -> object:
    return bench.Step(side, target, hold, ok + failed, ok, failed, most, cpu)


def test_percentiles_are_by_nearest_rank_and_nan_without_values() -> None:
    values = [float(v) for v in range(1, 101)]
    assert bench.spread(values) == (50.0, 90.0, 99.0)
    assert bench.percentile([3.0], 0.99) == 3.0
    assert math.isnan(bench.percentile([], 0.5))


def test_the_edge_adds_the_pairs_differences() -> None:
    assert bench.paired_differences([2.5, 3.0], [1.0, 2.0, 9.0]) == [1.5, 1.0]


def test_a_ramp_holds_each_target_for_the_seconds_asked() -> None:
    plan = bench.step_plan([100, 300], rate=50, seconds=5)
    assert plan == [(100, 2.0, 350), (300, 6.0, 550)]


def test_calls_held_is_the_biggest_step_of_that_side_without_a_failure() -> None:
    steps = [
        step("edge", 100, 350, 0, 101),
        step("direct", 100, 350, 0, 100),
        step("edge", 200, 450, 0, 199),
        step("direct", 200, 449, 1, 200),
        step("edge", 300, 540, 10, 280),
    ]
    assert bench.highest_clean(steps, "edge") == 199
    assert bench.highest_clean(steps, "direct") == 100
    assert bench.highest_clean(steps[:0], "edge") == 0


def test_cpu_per_call_counts_only_clean_steps_of_the_side() -> None:
    steps = [
        step("edge", 100, 100, 0, 100, edge=0.2, node=4.0),
        step("edge", 200, 300, 0, 200, edge=0.6, node=12.0),
        step("edge", 300, 290, 10, 280, edge=9.0, node=90.0),  # failed: not counted
        step("direct", 100, 100, 0, 100, edge=0.0, node=3.0),
    ]
    per = bench.cpu_per_call(steps, "edge")
    assert per == {"edge": 0.002, "node": 0.04}
    assert bench.share(per["edge"], per["node"]) == 0.05
    assert math.isnan(bench.share(1.0, 0.0))
    assert bench.cpu_per_call([], "edge") == {}


def test_verdicts_compare_with_the_target() -> None:
    assert bench.verdict(1.9, 2.0) == "ok"
    assert bench.verdict(2.0, 2.0) == "MISSED"
    assert bench.verdict(math.nan, 2.0) == "n/a"


def test_a_response_is_read_with_its_record_routes_reversed_into_a_route_set() -> None:
    data = (
        b"SIP/2.0 200 OK\r\n"
        b"Via: SIP/2.0/UDP 127.0.0.2:5420;branch=z9hG4bKx;rport=5420\r\n"
        b"Record-Route: <sip:127.0.0.10:5400;r2=on;lr>, <sip:127.0.0.1:5400;r2=on;lr>\r\n"
        b"From: <sip:1@127.0.0.2>;tag=a\r\n"
        b"To: <sip:4008900002@127.0.0.1>;tag=b\r\n"
        b"Call-ID: c1\r\n"
        b"CSeq: 1 INVITE\r\n"
        b'Contact: "x" <sip:4008900002@127.0.0.11:5400>\r\n'
        b"Content-Length: 0\r\n\r\n"
    )
    msg = bench.parse_sip(data)
    assert (msg.status, msg.method, msg.header("call-id")) == (200, "INVITE", "c1")
    assert bench.route_set(msg) == [
        "<sip:127.0.0.1:5400;r2=on;lr>",
        "<sip:127.0.0.10:5400;r2=on;lr>",
    ]
    assert bench.uri_of(msg.header("Contact")) == "sip:4008900002@127.0.0.11:5400"


def test_a_request_is_written_with_its_content_length() -> None:
    raw = bench.render_sip("BYE sip:x@h SIP/2.0", [("CSeq", "2 BYE")], "abc")
    assert raw == b"BYE sip:x@h SIP/2.0\r\nCSeq: 2 BYE\r\nContent-Length: 3\r\n\r\nabc"
    msg = bench.parse_sip(raw)
    assert (msg.status, msg.method, msg.body) == (0, "BYE", "abc")


def test_sipp_screens_and_statistics_are_read() -> None:
    screen = (
        "  Successful call                  |        0                |      350\n"
        "  Failed call                      |        0                |        2\n"
    )
    assert bench.sipp_counts(screen) == {"Successful call": 350, "Failed call": 2}
    stats = "StartTime;CurrentCall;SuccessfulCall(C);\n1;0;0;\n2;101;50;\n3;97;200;\n"
    assert bench.sipp_most_at_once(stats) == 101
    assert bench.sipp_most_at_once("") == 0


def test_only_connections_to_the_server_port_of_the_processes_sockets_count() -> None:
    table = (
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
        "   uid  timeout inode\n"
        "   0: 0100007F:D431 0100007F:1538 01 00000000:00000000 00:00000000 00000000"
        "     0        0 111 1 0 20 4 30 10 -1\n"
        "   1: 0100007F:D432 0100007F:1538 01 00000000:00000000 00:00000000 00000000"
        "     0        0 222 1 0 20 4 30 10 -1\n"
        "   2: 0100007F:D433 0100007F:1F90 01 00000000:00000000 00:00000000 00000000"
        "     0        0 333 1 0 20 4 30 10 -1\n"
    )
    assert bench.client_ports(table, {"111", "333"}, 5432) == {0xD431}


def test_callers_turned_away_are_errors_and_calls_never_answered() -> None:
    f = bench.Failover(2.2, 2.3, 12, 0.25, {0: 1, 200: 2, 408: 1, 487: 8})
    assert f.turned_away == 2
    merged = bench.merged_statuses([f, bench.Failover(2.0, 2.1, 9, 0.0, {200: 1, 487: 8})])
    assert merged == {0: 1, 200: 3, 408: 1, 487: 16}


def test_the_nodes_cost_splits_into_setup_and_seconds_held() -> None:
    steps = [
        step("edge", 100, 100, 0, 100, hold=2.0, node=100 * (0.006 + 2 * 0.003)),
        step("edge", 200, 200, 0, 200, hold=4.0, node=200 * (0.006 + 4 * 0.003)),
        step("direct", 200, 200, 0, 200, hold=9.0, node=1.0),
    ]
    a, b = bench.cost_model(steps, "edge", "node")
    assert math.isclose(a, 0.006) and math.isclose(b, 0.003)
    assert all(math.isnan(v) for v in bench.cost_model(steps, "direct", "node"))
