"""The wallboard's rebuild: today's figures per queue from queue-log rows."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from callcenter.reports.live import todays_counts

T0 = datetime(2026, 11, 27, 2, 0, 0)  # UTC, as queue_log stores it


def row(seconds: int, callid: str, queue: str, event: str, *data: str) -> dict[str, object]:
    padded = [*data, "", "", "", "", ""][:5]
    return {
        "time": T0 + timedelta(seconds=seconds),
        "callid": callid,
        "queuename": queue,
        "agent": "PJSIP/acme-1001" if event == "CONNECT" else "NONE",
        "event": event,
        **{f"data{i + 1}": v for i, v in enumerate(padded)},
    }


def test_each_queue_is_counted_with_its_own_service_level_threshold() -> None:
    rows = [
        row(0, "c1", "acme-support", "ENTERQUEUE", "", "13900000001", "1"),
        row(1, "c2", "acme-support", "ENTERQUEUE", "", "13900000002", "2"),
        row(2, "c3", "globex-sales", "ENTERQUEUE", "", "13900000003", "1"),
        row(10, "c1", "acme-support", "CONNECT", "10", "c1-agent", "1"),
        row(12, "c3", "globex-sales", "CONNECT", "10", "c3-agent", "1"),
        row(31, "c2", "acme-support", "ABANDON", "1", "1", "30"),
        row(40, "c1", "acme-support", "COMPLETECALLER", "10", "30", "1"),
    ]
    today = todays_counts(rows, {"acme-support": 20, "globex-sales": 5}, 5, ZoneInfo("UTC"))
    acme, globex = today["acme-support"], today["globex-sales"]
    assert (acme.answered, acme.answered_in_sl, acme.abandoned) == (1, 1, 1)
    assert (globex.answered, globex.answered_in_sl, globex.abandoned) == (1, 0, 0)
    assert acme.service_level == 0.5 and globex.service_level == 0.0


def test_a_short_abandon_and_an_unknown_queue_threshold() -> None:
    rows = [
        row(0, "c1", "acme-billing", "ENTERQUEUE", "", "13900000001", "1"),
        row(3, "c1", "acme-billing", "ABANDON", "1", "1", "3"),
        row(4, "c2", "acme-billing", "ENTERQUEUE", "", "13900000002", "1"),
        row(19, "c2", "acme-billing", "CONNECT", "15", "c2-agent", "1"),
    ]
    stats = todays_counts(rows, {}, 5, ZoneInfo("UTC"))["acme-billing"]
    # 3 s is a short abandon (not counted against the queue); 15 s is within the default 20 s.
    assert (stats.short_abandoned, stats.abandoned, stats.answered_in_sl) == (1, 0, 1)
