"""The supervisor board's pure core: alerts against thresholds, agent rows, scopes."""

from __future__ import annotations

from callcenter.quality.board import (
    DEFAULT,
    Scope,
    Thresholds,
    agent_row,
    queue_alerts,
    scoped_queues,
    thresholds_for,
)
from callcenter.workspace.hub import Hub
from callcenter.workspace.state import AgentState, CallLeg


def q(name: str, sl: float | None, wait: int) -> dict[str, object]:
    return {"queue": name, "waiting": 1, "longest_wait_s": wait, "service_level_today": sl}


def test_a_queues_own_threshold_overrides_the_tenant_default_figure_by_figure() -> None:
    table = {DEFAULT: Thresholds(0.8, 60), "vip": Thresholds(None, 20)}
    assert thresholds_for("vip", table) == Thresholds(0.8, 20)
    assert thresholds_for("sales", table) == Thresholds(0.8, 60)
    assert thresholds_for("sales", {}) == Thresholds()


def test_alerts_fire_below_the_service_level_and_at_the_longest_wait() -> None:
    table = {DEFAULT: Thresholds(0.8, 60), "vip": Thresholds(None, 20)}
    alerts = queue_alerts(
        [q("sales", 0.79, 59), q("vip", 0.9, 20), q("idle", None, 0), q("fine", 0.8, 10)], table
    )
    assert alerts == [
        {"queue": "sales", "kind": "service_level", "value": 0.79, "threshold": 0.8},
        {"queue": "vip", "kind": "longest_wait", "value": 20, "threshold": 20},
    ]


def test_no_thresholds_no_alerts() -> None:
    assert queue_alerts([q("sales", 0.0, 9999)], {}) == []


def test_an_agent_on_a_call_shows_caller_queue_and_duration() -> None:
    state = AgentState(logged_in=True, call=CallLeg("L1", "on_call", 100.0, "sales"), since=100.0)
    pop = {"linkedid": "L1", "caller": {"number": "13800000001", "name": ""}, "queue": "sales"}
    row = agent_row("1001", "Ann", state, pop, 142.5)
    assert row["presence"] == "on_call" and row["in_state_s"] == 42
    assert row["call"] == {
        "linkedid": "L1",
        "phase": "on_call",
        "since": 100.0,
        "seconds": 42,
        "caller": {"number": "13800000001", "name": ""},
        "queue": "sales",
    }
    # A pop of another call (an old one kept for notes) never names the caller.
    assert (
        agent_row("1001", "Ann", state, {**pop, "linkedid": "L0"}, 142.5)["call"]["caller"] is None
    )


def test_a_paused_agent_without_a_call() -> None:
    state = AgentState(logged_in=True, paused=True, pause_reason="lunch", since=10.0)
    row = agent_row("1002", "", state, None, 70.0)
    assert (row["presence"], row["in_state_s"], row["call"]) == ("paused", 60, None)
    assert row["pause_reason"] == "lunch"


def test_a_restricted_scope_sees_only_its_queues_and_agents() -> None:
    scope = Scope(frozenset({"sales"}), frozenset({"1001"}))
    assert [r["queue"] for r in scoped_queues([q("sales", 1, 0), q("vip", 1, 0)], scope)] == [
        "sales"
    ]
    assert scope.sees_agent("1001") and not scope.sees_agent("1002")
    assert Scope().sees_agent("1002") and Scope().sees_queue("vip")


async def test_a_restricted_supervisor_gets_only_its_agents_messages_and_no_tenant_wide_ones() -> (
    None
):
    hub = Hub()
    everyone = hub.subscribe("t1", None)
    restricted = hub.subscribe("t1", None, agents=frozenset({"1001"}), queues=frozenset({"s"}))
    agent = hub.subscribe("t1", "1002")
    hub.publish("t1", "1001", {"type": "agent.state", "agent": "1001"})
    hub.publish("t1", "1002", {"type": "agent.state", "agent": "1002"})
    hub.publish("t1", None, {"type": "wallboard", "queues": []}, tenant_wide_only=True)
    got = {
        name: [sub.queue.get_nowait()[0] for _ in range(sub.queue.qsize())]
        for name, sub in (("everyone", everyone), ("restricted", restricted), ("agent", agent))
    }
    assert len(got["everyone"]) == 3
    assert len(got["restricted"]) == 1 and '"agent":"1001"' in got["restricted"][0]
    assert len(got["agent"]) == 1 and '"agent":"1002"' in got["agent"][0]
    assert set(hub.tenant_wide("t1")) == {everyone, restricted}
