"""The agent state machine: what the console shows as the agent logs in, takes calls, pauses."""

from __future__ import annotations

from callcenter.workspace.state import (
    AgentState,
    Answered,
    Ended,
    LoggedIn,
    LoggedOut,
    Paused,
    Ringing,
    RingStopped,
    Unpaused,
    WrapupDone,
    apply,
    presence,
    view,
    wrapup_left,
)


def run(events: list[tuple[float, object]], start: AgentState | None = None) -> AgentState:
    state = start or AgentState()
    for at, event in events:
        state = apply(state, event, at)  # type: ignore[arg-type]
    return state


def test_a_new_agent_is_logged_out_until_it_logs_in() -> None:
    assert presence(AgentState(), 0) == "logged_out"
    assert presence(run([(1, LoggedIn())]), 1) == "available"


def test_a_queue_call_rings_is_answered_and_ends_in_the_queues_wrapup() -> None:
    s = run([(0, LoggedIn()), (10, Ringing("L1", "support"))])
    assert presence(s, 10) == "ringing" and s.call is not None and s.call.queue == "support"
    s = apply(s, Answered("L1"), 12)
    assert presence(s, 12) == "on_call" and s.since == 12
    s = apply(s, Ended("L1", 30), 100)
    assert presence(s, 100) == "wrapup"
    assert wrapup_left(s, 100) == 30 and wrapup_left(s, 129.5) == 1
    assert presence(s, 130) == "available", "wrap-up ends by itself when the timer runs out"


def test_no_wrapup_when_the_queue_has_none() -> None:
    s = run([(0, LoggedIn()), (1, Ringing("L1", "q")), (2, Answered("L1")), (5, Ended("L1", 0))])
    assert presence(s, 5) == "available"


def test_a_call_that_stops_ringing_leaves_the_agent_available() -> None:
    s = run([(0, LoggedIn()), (1, Ringing("L1", "q")), (3, RingStopped("L1"))])
    assert presence(s, 3) == "available" and s.call is None


def test_events_about_another_call_are_ignored() -> None:
    s = run([(0, LoggedIn()), (1, Ringing("L1", "q")), (2, Answered("L1"))])
    assert run([(3, RingStopped("L2")), (4, Ended("L2", 10))], s) == s
    assert apply(s, Ringing("L3", "q"), 5) == s, "ringinuse=no: no second call while on one"


def test_pause_shows_its_reason_and_wrapup_wins_over_pause_until_it_ends() -> None:
    s = run([(0, LoggedIn()), (1, Paused("lunch"))])
    assert presence(s, 1) == "paused" and view(s, 1)["pause_reason"] == "lunch"
    s = run([(2, Unpaused())], s)
    assert presence(s, 2) == "available" and s.pause_reason == ""
    s = run(
        [(3, Ringing("L", "q")), (4, Answered("L")), (5, Paused("training")), (6, Ended("L", 10))],
        s,
    )
    assert presence(s, 7) == "wrapup"
    assert presence(s, 16) == "paused"
    assert presence(apply(s, WrapupDone(), 8), 8) == "paused"


def test_logging_out_clears_the_pause_and_a_direct_call_still_shows() -> None:
    s = run([(0, LoggedIn()), (1, Paused("break")), (2, LoggedOut())])
    assert presence(s, 2) == "logged_out" and not s.paused
    s = apply(s, Answered("D1"), 3)
    assert presence(s, 3) == "on_call", "a logged-out agent may still make a call"
