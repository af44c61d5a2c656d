"""The wallboard's queue side, from scripted AMI events."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from callcenter.reports.kpi import QueueStats
from callcenter.reports.wallboard import Wallboard

SH = ZoneInfo("Asia/Shanghai")
T = datetime(2026, 11, 26, 10, 0, tzinfo=SH).timestamp()


def event(name: str, queue: str, uid: str, **extra: str) -> dict[str, str]:
    return {"Event": name, "Queue": queue, "Uniqueid": uid, **extra}


def test_waiting_callers_longest_wait_and_todays_counts() -> None:
    wb = Wallboard(tz=SH)
    wb.set_thresholds({"acme-sales": 20})
    assert wb.apply(event("QueueCallerJoin", "acme-sales", "c1"), T) == "acme"
    wb.apply(event("QueueCallerJoin", "acme-sales", "c2"), T + 5)
    wb.apply(event("QueueCallerJoin", "globex-help", "g1"), T + 6)
    (sales,) = wb.snapshot("acme", T + 30)
    assert (sales["waiting"], sales["longest_wait_s"]) == (2, 30)
    wb.apply(event("AgentConnect", "acme-sales", "c1", HoldTime="12"), T + 12)
    wb.apply(event("QueueCallerLeave", "acme-sales", "c1"), T + 12)
    wb.apply(event("QueueCallerAbandon", "acme-sales", "c2", HoldTime="40"), T + 45)
    wb.apply(event("QueueCallerLeave", "acme-sales", "c2"), T + 45)
    (sales,) = wb.snapshot("acme", T + 50)
    assert sales == {
        "queue": "sales",
        "waiting": 0,
        "longest_wait_s": 0,
        "answered_today": 1,
        "abandoned_today": 1,
        "service_level_today": 0.5,
    }
    assert [q["queue"] for q in wb.snapshot("globex", T + 50)] == ["help"]


def test_short_abandons_do_not_count_and_other_events_change_nothing() -> None:
    wb = Wallboard(tz=SH)
    wb.apply(event("QueueCallerJoin", "acme-sales", "c1"), T)
    assert wb.apply(event("QueueCallerAbandon", "acme-sales", "c1", HoldTime="2"), T + 2)
    assert wb.apply({"Event": "Newchannel", "Channel": "PJSIP/x"}, T) is None
    (sales,) = wb.snapshot("acme", T + 3)
    assert (sales["abandoned_today"], sales["service_level_today"]) == (0, None)


def test_counts_start_again_at_local_midnight() -> None:
    wb = Wallboard(tz=SH)
    wb.apply(event("AgentConnect", "acme-sales", "c1", HoldTime="3"), T)
    tomorrow = datetime(2026, 11, 27, 0, 0, 1, tzinfo=SH).timestamp()
    wb.apply(event("QueueCallerJoin", "acme-sales", "c2"), tomorrow)
    (sales,) = wb.snapshot("acme", tomorrow)
    assert (sales["answered_today"], sales["waiting"]) == (0, 1)


def test_rebuild_after_a_restart_from_queue_status_and_todays_log() -> None:
    wb = Wallboard(tz=SH)
    wb.apply(event("QueueCallerJoin", "acme-sales", "gone"), T)  # state from before
    today = QueueStats(answered=7, answered_in_sl=6, abandoned=1)
    wb.rebuild(
        [{"Queue": "acme-sales", "Uniqueid": "c9", "Wait": "42"}],
        {"acme-sales": today},
        T + 100,
    )
    (sales,) = wb.snapshot("acme", T + 100)
    assert (sales["waiting"], sales["longest_wait_s"]) == (1, 42)
    assert (sales["answered_today"], sales["abandoned_today"]) == (7, 1)
    assert sales["service_level_today"] == 0.75
