"""The wallboard's running day counts: read in pieces after a reconnect, they equal one read
of the whole day through the KPI engine; a new local day starts from nothing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.reports.kpi import QueueEvent
from callcenter.reports.live import todays_counts
from callcenter.reports.service import events_from_rows
from callcenter.reports.today import TodayCounts

SH = ZoneInfo("Asia/Shanghai")
THRESHOLDS = {"acme-sales": 20, "acme-help": 10, "globex-sales": 30}
# 2026-11-27 00:00 in Shanghai is 2026-11-26 16:00 UTC; queue_log stores naive UTC.
MIDNIGHT_UTC = datetime(2026, 11, 26, 16, 0)


def day_of_calls(seed: int, calls: int, start: datetime) -> list[dict[str, Any]]:
    """Queue-log rows (with ids, in time order) of ``calls`` random calls from ``start``."""
    rnd = random.Random(seed)
    rows: list[tuple[datetime, str, str, str, list[str]]] = []
    for n in range(calls):
        queue = rnd.choice(sorted(THRESHOLDS))
        callid = f"{seed}.{n}"
        entered = start + timedelta(seconds=rnd.randint(0, 20_000))
        wait = rnd.randint(0, 60)
        rows.append((entered, callid, queue, "ENTERQUEUE", ["", "1390", "1"]))
        outcome = rnd.choice(["connect", "abandon", "timeout", "open"])
        if outcome == "connect":
            rows.append((entered + timedelta(seconds=wait), callid, queue, "CONNECT", [str(wait)]))
            rows.append(
                (entered + timedelta(seconds=wait + 30), callid, queue, "COMPLETECALLER",
                 [str(wait), "30", "1"])
            )  # fmt: skip
        elif outcome == "abandon":
            rows.append(
                (entered + timedelta(seconds=wait), callid, queue, "ABANDON", ["1", "1", str(wait)])
            )
        elif outcome == "timeout":
            rows.append(
                (entered + timedelta(seconds=wait), callid, queue, "EXITWITHTIMEOUT",
                 ["1", "1", str(wait)])
            )  # fmt: skip
    rows.sort(key=lambda r: r[0])
    return [
        {
            "id": i + 1,
            "time": t,
            "callid": callid,
            "queuename": queue,
            "agent": "PJSIP/acme-1001" if event == "CONNECT" else "NONE",
            "event": event,
            **{f"data{k + 1}": v for k, v in enumerate([*data, "", "", "", "", ""][:5])},
        }
        for i, (t, callid, queue, event, data) in enumerate(rows)
    ]


def numbered(rows: list[dict[str, Any]]) -> list[tuple[int, QueueEvent]]:
    return list(zip([r["id"] for r in rows], events_from_rows(rows), strict=True))


def figures(stats: dict[str, Any]) -> dict[str, tuple[int, int, int, int, int, float | None]]:
    return {
        q: (s.entered, s.answered, s.answered_in_sl, s.abandoned, s.short_abandoned,
            s.service_level)
        for q, s in stats.items()
    }  # fmt: skip


def at(rows: list[dict[str, Any]], i: int) -> float:
    """The Unix time of row ``i`` (a reconnect then)."""
    return float(rows[i]["time"].replace(tzinfo=UTC).timestamp())


def test_counting_in_pieces_equals_one_full_read_through_the_kpi_engine() -> None:
    rows = day_of_calls(seed=1, calls=400, start=MIDNIGHT_UTC)
    full = todays_counts(rows, THRESHOLDS, 5, SH)
    for pieces in (1, 2, 7, len(rows)):
        counts = TodayCounts(tz=SH)
        counts.restart(at(rows, 0), THRESHOLDS)
        cut = sorted(random.Random(pieces).sample(range(1, len(rows)), pieces - 1))
        for lo, hi in zip([0, *cut], [*cut, len(rows)], strict=True):
            assert counts.is_current(at(rows, hi - 1), THRESHOLDS)
            # a reconnect reads the rows after the cursor (those written so far)
            unread = [r for r in rows if r["id"] > counts.last_id]
            assert unread[0] is rows[lo]
            counts.add(numbered(unread[: hi - lo]))
        assert counts.last_id == len(rows)
        assert figures(counts.today()) == figures(full), pieces
        # only the calls still waiting are remembered, not the whole day's
        still_waiting = {r["callid"] for r in rows} - {
            r["callid"] for r in rows if r["event"] != "ENTERQUEUE"
        }
        assert counts.waiting() == len(still_waiting)


def test_a_call_that_entered_yesterday_is_not_counted_today() -> None:
    rows = [
        {"id": 1, "time": MIDNIGHT_UTC - timedelta(seconds=30), "callid": "c1",
         "queuename": "acme-sales", "agent": "NONE", "event": "ENTERQUEUE",
         "data1": "", "data2": "1390", "data3": "1", "data4": "", "data5": ""},
        {"id": 2, "time": MIDNIGHT_UTC + timedelta(seconds=10), "callid": "c1",
         "queuename": "acme-sales", "agent": "PJSIP/acme-1001", "event": "CONNECT",
         "data1": "40", "data2": "", "data3": "", "data4": "", "data5": ""},
    ]  # fmt: skip
    counts = TodayCounts(tz=SH)
    counts.restart(at(rows, 1), THRESHOLDS)
    counts.add(numbered(rows))
    assert counts.today() == {}
    assert counts.last_id == 2


def test_a_new_local_day_or_a_changed_threshold_asks_for_a_full_read() -> None:
    yesterday = day_of_calls(seed=2, calls=50, start=MIDNIGHT_UTC - timedelta(hours=8))
    counts = TodayCounts(tz=SH)
    evening = (MIDNIGHT_UTC - timedelta(seconds=1)).replace(tzinfo=UTC).timestamp()
    assert not counts.is_current(evening, THRESHOLDS)  # first start
    counts.restart(evening, THRESHOLDS)
    counts.add(numbered([r for r in yesterday if r["time"] < MIDNIGHT_UTC]))
    assert counts.today()
    assert counts.is_current(evening, THRESHOLDS)
    # 00:00:01 in Shanghai (16:00:01 UTC): the same UTC date, a new day on the board
    after_midnight = evening + 2
    assert not counts.is_current(after_midnight, THRESHOLDS)
    counts.restart(after_midnight, THRESHOLDS)
    assert counts.today() == {} and counts.last_id == 0
    assert counts.day_start() == MIDNIGHT_UTC.replace(tzinfo=UTC)
    assert not counts.is_current(after_midnight, {**THRESHOLDS, "acme-sales": 15})
    counts.invalidate()
    assert not counts.is_current(after_midnight, THRESHOLDS)


def test_rows_from_before_the_day_are_skipped_but_move_the_cursor() -> None:
    rows = day_of_calls(seed=3, calls=100, start=MIDNIGHT_UTC - timedelta(hours=3))
    now = at(rows, len(rows) - 1)
    counts = TodayCounts(tz=SH)
    counts.restart(now, THRESHOLDS)
    counts.add(numbered(rows))
    today = [r for r in rows if r["time"] >= MIDNIGHT_UTC]
    assert figures(counts.today()) == figures(todays_counts(today, THRESHOLDS, 5, SH))
    assert counts.last_id == rows[-1]["id"]
