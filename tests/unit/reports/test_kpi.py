"""The KPI engine against hand-counted, scripted event sequences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.reports.kpi import QueueEvent, Settings, agent_report, bucket, queue_report, split

UTC_TZ = ZoneInfo("UTC")
SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def ev(
    minutes: float,
    callid: str,
    event: str,
    *data: object,
    agent: str = "NONE",
    queue: str = "acme-sales",
) -> QueueEvent:
    return QueueEvent(at(minutes), callid, queue, agent, event, tuple(str(d) for d in data))


SCRIPT = [
    # c1: waits 10 s, talks 60 s, hangs up first.
    ev(1, "c1", "ENTERQUEUE", "", "13800000001", 1),
    ev(1 + 10 / 60, "c1", "CONNECT", 10, "u1", 2, agent="acme-1001"),
    ev(2 + 10 / 60, "c1", "COMPLETECALLER", 10, 60, 1, agent="acme-1001"),
    # c2: abandons after 30 s (counts); c3: after 3 s (short abandon, not offered).
    ev(2, "c2", "ENTERQUEUE", "", "13800000002", 1),
    ev(2.5, "c2", "ABANDON", 1, 1, 30),
    ev(3, "c3", "ENTERQUEUE", "", "13800000003", 1),
    ev(3.05, "c3", "ABANDON", 1, 1, 3),
    # c4: enters at 09:14:50, answered at 09:15:25 after 35 s: counted at 09:00, outside SL.
    ev(14 + 50 / 60, "c4", "ENTERQUEUE", "", "13800000004", 1),
    ev(15 + 25 / 60, "c4", "CONNECT", 35, "u4", 1, agent="acme-1002"),
    ev(17 + 25 / 60, "c4", "BLINDTRANSFER", "2001", "tenant-acme", 35, 120, 1, agent="acme-1002"),
    # c5: overflows on max wait; c6: asks for a callback.
    ev(5, "c5", "ENTERQUEUE", "", "13800000005", 2),
    ev(5.5, "c5", "EXITWITHTIMEOUT", 1, 2, 30),
    ev(6, "c6", "ENTERQUEUE", "", "13800000006", 2),
    ev(6.2, "c6", "EXITWITHKEY", "1", 1, 2, 12),
]


def test_queue_figures_per_arrival_interval() -> None:
    report = queue_report(SCRIPT, Settings(wrapup_s={"acme-sales": 5}), "15min", UTC_TZ)
    assert set(report) == {("acme-sales", T0)}, "c4 counts where it entered, 09:00"
    s = report[("acme-sales", T0)]
    assert (s.entered, s.short_abandoned, s.offered) == (6, 1, 5)
    assert (s.answered, s.abandoned, s.overflowed, s.callbacks) == (2, 1, 1, 1)
    assert s.answered_in_sl == 1
    assert s.service_level == pytest.approx(1 / 3)  # 1 within 20 s / (2 answered + 1 abandoned)
    assert s.asa_s == pytest.approx((10 + 35) / 2)
    assert s.aht_s == pytest.approx((60 + 120 + 2 * 5) / 2)
    assert s.longest_wait_s == 35
    assert s.abandon_rate == pytest.approx(1 / 5)


def test_service_level_over_answered_calls_only() -> None:
    s = queue_report(SCRIPT, Settings(sl_counts_abandons=False), "hour", UTC_TZ)[("acme-sales", T0)]
    assert s.service_level == pytest.approx(1 / 2)


def test_short_abandon_threshold_is_configurable() -> None:
    s = queue_report(SCRIPT, Settings(short_abandon_s=0), "hour", UTC_TZ)[("acme-sales", T0)]
    assert (s.offered, s.abandoned, s.short_abandoned) == (6, 2, 0)


def test_calls_that_entered_before_the_range_are_ignored() -> None:
    tail = [e for e in SCRIPT if e.callid == "c1" and e.event != "ENTERQUEUE"]
    assert queue_report(tail, Settings(), "hour", UTC_TZ) == {}


def test_agent_time_is_split_across_interval_boundaries() -> None:
    events = [
        ev(0, "", "AGENTLOGIN", agent="acme-1001"),
        ev(10, "", "PAUSE", "lunch", agent="acme-1001"),
        ev(20, "", "UNPAUSE", agent="acme-1001"),
        # a 60 s conversation from 09:14:30 to 09:15:30
        ev(14.5, "c9", "ENTERQUEUE", "", "138", 1),
        ev(14.5, "c9", "CONNECT", 0, "u9", 1, agent="acme-1001"),
        ev(15.5, "c9", "COMPLETEAGENT", 0, 60, 1, agent="acme-1001"),
        ev(30, "", "AGENTLOGOFF", agent="acme-1001"),
    ]
    report = agent_report(events, Settings(wrapup_s={"acme-sales": 10}), "15min", UTC_TZ, at(60))
    first, second = report[("acme-1001", T0)], report[("acme-1001", at(15))]
    assert (first.logged_in_s, second.logged_in_s) == (900, 900)
    assert first.paused_s == {"lunch": 300} and second.paused_s == {"lunch": 300}
    assert (first.talk_s, second.talk_s) == (30, 30)
    assert (first.handled, second.handled) == (0, 1)
    assert first.utilisation == pytest.approx(30 / 900)
    assert second.occupancy == pytest.approx((30 + 10) / (900 - 300))


def test_an_open_session_ends_at_the_report_time() -> None:
    events = [ev(0, "", "AGENTLOGIN", agent="a-1"), ev(30, "", "PAUSE", "training", agent="a-1")]
    report = agent_report(events, Settings(), "hour", UTC_TZ, at(45))
    s = report[("a-1", T0)]
    assert s.logged_in_s == 45 * 60 and s.paused_s == {"training": 15 * 60}


def test_days_and_months_are_local_to_the_tenant() -> None:
    late = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 01:00 on 1 December in Shanghai
    assert bucket(late, "day", SH) == datetime(2026, 12, 1, tzinfo=SH)
    assert bucket(late, "month", SH) == datetime(2026, 12, 1, tzinfo=SH)
    assert bucket(late, "month", UTC_TZ) == datetime(2026, 11, 1, tzinfo=UTC_TZ)


def test_split_over_a_dst_change_keeps_wall_clock_hours() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 3, 29, 0, 30, tzinfo=berlin).astimezone(UTC)  # clocks jump at 02:00
    end = datetime(2026, 3, 29, 3, 30, tzinfo=berlin).astimezone(UTC)
    pieces = list(split(start, end, "hour", berlin))
    # 00:30-03:30 on the clock is two real hours: 02:00-03:00 does not exist that night.
    assert [(b.hour, secs) for b, secs in pieces] == [(0, 1800), (1, 3600), (3, 1800)]
