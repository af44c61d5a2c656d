"""The agent state timeline from queue-log rows: available, paused, talk, wrap-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.reports.kpi import QueueEvent, Settings, agent_timeline

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ev(minutes: float, event: str, *data: str, agent: str = "t-1001") -> QueueEvent:
    return QueueEvent(at(minutes), "c", "t-sales", agent, event, data)


def test_sign_in_pause_call_wrap_up_and_sign_out_follow_each_other() -> None:
    events = [
        ev(0, "AGENTLOGIN"),
        ev(10, "PAUSE", "lunch"),
        ev(40, "UNPAUSE"),
        ev(50, "COMPLETECALLER", "5", "300"),  # talked 45..50
        ev(60, "AGENTLOGOFF"),
        ev(30, "AGENTLOGIN", agent="t-1002"),  # still signed in at the end
    ]
    spans = agent_timeline(events, Settings(wrapup_s={"t-sales": 120}), at(-30), at(90))
    got = [(s.agent, s.state, s.reason, s.start, s.end) for s in spans]
    assert got == [
        ("t-1001", "available", "", at(0), at(10)),
        ("t-1001", "paused", "lunch", at(10), at(40)),
        ("t-1001", "available", "", at(40), at(45)),
        ("t-1001", "talk", "", at(45), at(50)),
        ("t-1001", "wrapup", "", at(50), at(52)),
        ("t-1001", "available", "", at(52), at(60)),
        ("t-1002", "available", "", at(30), at(90)),
    ]


def test_a_pause_open_at_sign_out_ends_there_and_nothing_is_drawn_while_signed_out() -> None:
    events = [ev(0, "AGENTLOGIN"), ev(5, "PAUSE", ""), ev(20, "AGENTLOGOFF")]
    spans = agent_timeline(events, Settings(), at(0), at(60))
    assert [(s.state, s.reason, s.start, s.end) for s in spans] == [
        ("available", "", at(0), at(5)),
        ("paused", "unspecified", at(5), at(20)),
    ]
