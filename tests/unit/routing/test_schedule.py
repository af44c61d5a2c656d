"""Specification of opening hours: which destination a call reaches at a given instant."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.errors import InvalidInput
from callcenter.routing.schedule import (
    Destination,
    Hours,
    OpenSpan,
    Schedule,
    is_open,
    parse_schedule,
    route,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
QUEUE = Destination("queue", "sales")
VOICEMAIL = Destination("voicemail", "after-hours")
MON_FRI_9_18 = tuple(OpenSpan(d, time(9), time(18)) for d in range(5))


def sched(**overrides: Any) -> Schedule:
    fields: dict[str, Any] = {
        "timezone": "Asia/Shanghai",
        "weekly": MON_FRI_9_18,
        "closed_destination": VOICEMAIL,
    }
    return Schedule(**(fields | overrides))


def sh(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SHANGHAI)


# --- weekly hours --------------------------------------------------------------------


def test_weekday_hours_are_open_from_start_up_to_but_not_including_end() -> None:
    monday = sched()
    assert not is_open(monday, sh(2024, 10, 14, 8, 59))
    assert is_open(monday, sh(2024, 10, 14, 9, 0))
    assert is_open(monday, sh(2024, 10, 14, 17, 59))
    assert not is_open(monday, sh(2024, 10, 14, 18, 0))


def test_weekend_without_spans_is_closed() -> None:
    assert not is_open(sched(), sh(2024, 10, 19, 12))  # Saturday


def test_instant_in_another_zone_is_judged_in_the_schedule_timezone() -> None:
    # 01:00 UTC is 09:00 in Shanghai (UTC+8, no DST)
    assert is_open(sched(), datetime(2024, 10, 14, 1, 0, tzinfo=UTC))
    assert not is_open(sched(), datetime(2024, 10, 14, 0, 59, tzinfo=UTC))


def test_route_sends_to_open_destination_when_open_and_closed_destination_otherwise() -> None:
    assert route(sched(), QUEUE, sh(2024, 10, 14, 10)) == QUEUE
    assert route(sched(), QUEUE, sh(2024, 10, 14, 20)) == VOICEMAIL


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(sched(), datetime(2024, 10, 14, 10))


# --- crossing midnight ---------------------------------------------------------------

FRIDAY_NIGHT = (OpenSpan(4, time(22), time(2)),)


def test_a_friday_night_span_crossing_midnight_is_open_at_saturday_0100() -> None:
    s = sched(weekly=FRIDAY_NIGHT)
    assert not is_open(s, sh(2024, 10, 18, 21, 59))  # Fri
    assert is_open(s, sh(2024, 10, 18, 23))
    assert is_open(s, sh(2024, 10, 19, 1))  # Sat
    assert not is_open(s, sh(2024, 10, 19, 2))
    assert not is_open(s, sh(2024, 10, 20, 1))  # Sun: no Saturday-night span


def test_a_span_crossing_midnight_still_covers_the_early_hours_of_a_holiday() -> None:
    s = sched(weekly=FRIDAY_NIGHT, holidays=frozenset({date(2024, 10, 19)}))
    assert is_open(s, sh(2024, 10, 19, 1))


def test_a_span_starting_on_a_holiday_does_not_open_its_after_midnight_part() -> None:
    s = sched(weekly=FRIDAY_NIGHT, holidays=frozenset({date(2024, 10, 18)}))
    assert not is_open(s, sh(2024, 10, 18, 23))
    assert not is_open(s, sh(2024, 10, 19, 1))


def test_midnight_to_midnight_span_is_open_all_day() -> None:
    s = parse_schedule(
        {
            "timezone": "Asia/Shanghai",
            "weekly": [{"weekday": 0, "start": "00:00", "end": "24:00"}],
            "closed_destination": {"kind": "hangup"},
        }
    )
    assert is_open(s, sh(2024, 10, 14, 0, 0))
    assert is_open(s, sh(2024, 10, 14, 23, 59))
    assert not is_open(s, sh(2024, 10, 15, 0, 0))


# --- holidays and special days -------------------------------------------------------


def test_spring_festival_date_entered_as_holiday_closes_the_day() -> None:
    s = sched(holidays=frozenset({date(2025, 1, 29)}))  # a Wednesday
    assert not is_open(s, sh(2025, 1, 29, 10))
    assert is_open(s, sh(2025, 1, 30, 10))


def test_special_open_day_opens_a_sunday() -> None:
    s = sched(special_open={date(2025, 1, 26): (Hours(time(9), time(12)),)})
    assert is_open(s, sh(2025, 1, 26, 11))
    assert not is_open(s, sh(2025, 1, 26, 13))


def test_special_open_day_replaces_the_weekly_hours_of_that_date() -> None:
    s = sched(special_open={date(2024, 10, 14): (Hours(time(13), time(15)),)})
    assert not is_open(s, sh(2024, 10, 14, 10))
    assert is_open(s, sh(2024, 10, 14, 14))


# --- Chinese national calendar -------------------------------------------------------


def test_a_make_up_saturday_workday_opens_with_national_calendar() -> None:
    weekly = (OpenSpan(0, time(8), time(12)), OpenSpan(1, time(9), time(18)))
    saturday = sh(2024, 10, 12, 10)  # official make-up workday after National Day
    assert not is_open(sched(weekly=weekly), saturday)
    assert is_open(sched(weekly=weekly, follow_national_calendar=True), saturday)
    assert not is_open(sched(weekly=weekly, follow_national_calendar=True), sh(2024, 10, 12, 13))


def test_national_holidays_close_with_national_calendar_even_on_a_weekday() -> None:
    national_day = sh(2024, 10, 1, 10)  # a Tuesday
    assert is_open(sched(), national_day)
    assert not is_open(sched(follow_national_calendar=True), national_day)


def test_a_national_holiday_on_a_saturday_closes_even_with_saturday_hours() -> None:
    weekly = (OpenSpan(5, time(9), time(18)),)
    assert is_open(sched(weekly=weekly, follow_national_calendar=True), sh(2024, 9, 28, 10))
    assert not is_open(sched(weekly=weekly, follow_national_calendar=True), sh(2024, 10, 5, 10))


def test_an_ordinary_weekend_keeps_the_weekly_hours_with_national_calendar() -> None:
    assert not is_open(sched(follow_national_calendar=True), sh(2024, 10, 19, 10))


def test_years_outside_the_national_calendar_data_fall_back_to_weekly_hours() -> None:
    s = sched(follow_national_calendar=True)
    assert is_open(s, sh(2099, 1, 1, 10))  # a Thursday; no data for 2099
    assert not is_open(s, sh(2099, 1, 3, 10))  # a Saturday


# --- DST -----------------------------------------------------------------------------


def test_europe_berlin_hours_follow_the_wall_clock_across_dst_changes() -> None:
    s = sched(timezone="Europe/Berlin", weekly=(OpenSpan(6, time(9), time(17)),))
    # 2024-03-31 (Sun) clocks go 02:00 CET -> 03:00 CEST (UTC+2)
    assert not is_open(s, datetime(2024, 3, 31, 6, 59, tzinfo=UTC))
    assert is_open(s, datetime(2024, 3, 31, 7, 0, tzinfo=UTC))
    # 2024-10-27 (Sun) clocks go 03:00 CEST -> 02:00 CET (UTC+1)
    assert not is_open(s, datetime(2024, 10, 27, 7, 59, tzinfo=UTC))
    assert is_open(s, datetime(2024, 10, 27, 8, 0, tzinfo=UTC))
    assert not is_open(s, datetime(2024, 10, 27, 16, 0, tzinfo=UTC))


def test_a_night_span_across_the_spring_forward_gap_stays_open() -> None:
    s = sched(timezone="Europe/Berlin", weekly=(OpenSpan(5, time(22), time(4)),))
    assert is_open(s, datetime(2024, 3, 31, 0, 30, tzinfo=UTC))  # 01:30 CET
    assert is_open(s, datetime(2024, 3, 31, 1, 30, tzinfo=UTC))  # 03:30 CEST
    assert not is_open(s, datetime(2024, 3, 31, 2, 0, tzinfo=UTC))  # 04:00 CEST


# --- properties ----------------------------------------------------------------------

aware = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()
)
zones = st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"])


@settings(database=None, max_examples=200)
@given(at=aware, tz=zones)
def test_a_24_7_schedule_without_holidays_is_always_open(at: datetime, tz: str) -> None:
    always = tuple(OpenSpan(d, time(0), time(0)) for d in range(7))
    assert is_open(sched(timezone=tz, weekly=always), at)


spans = st.builds(
    OpenSpan,
    st.integers(0, 6),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)


@settings(database=None, max_examples=200)
@given(at=aware, tz=zones, weekly=st.lists(spans, max_size=5), national=st.booleans())
def test_route_returns_closed_destination_exactly_when_closed(
    at: datetime, tz: str, weekly: list[OpenSpan], national: bool
) -> None:
    s = sched(timezone=tz, weekly=tuple(weekly), follow_national_calendar=national)
    expected = QUEUE if is_open(s, at) else VOICEMAIL
    assert route(s, QUEUE, at) == expected


# --- parsing -------------------------------------------------------------------------

VALID: dict[str, Any] = {
    "timezone": "Asia/Shanghai",
    "weekly": [
        {"weekday": 0, "start": "09:00", "end": "18:00"},
        {"weekday": 4, "start": "22:00", "end": "02:00"},
    ],
    "holidays": ["2025-01-29"],
    "special_open": {"2025-01-26": [{"start": "09:00", "end": "18:00"}]},
    "closed_destination": {"kind": "voicemail", "target": "after-hours"},
    "follow_national_calendar": True,
}


def test_parse_schedule_builds_the_dataclasses() -> None:
    s = parse_schedule(VALID)
    assert s.timezone == "Asia/Shanghai"
    assert s.weekly == (OpenSpan(0, time(9), time(18)), OpenSpan(4, time(22), time(2)))
    assert s.holidays == frozenset({date(2025, 1, 29)})
    assert s.special_open == {date(2025, 1, 26): (Hours(time(9), time(18)),)}
    assert s.closed_destination == VOICEMAIL
    assert s.follow_national_calendar is True
    assert hash(s) == hash(parse_schedule(VALID))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.timezone = "UTC"  # type: ignore[misc]


def with_(path: str, value: Any) -> dict[str, Any]:
    """VALID with the value at dotted ``path`` (list indexes as numbers) replaced."""
    data: Any = {
        **VALID,
        "weekly": [dict(w) for w in VALID["weekly"]],
        "special_open": {k: [dict(h) for h in v] for k, v in VALID["special_open"].items()},
    }
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return dict(data)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (with_("timezone", "Mars/Olympus"), "timezone"),
        (with_("timezone", "../../etc/passwd"), "timezone"),
        (with_("timezone", 8), "timezone"),
        (with_("weekly.1.start", "9:00"), "weekly[1].start"),
        (with_("weekly.1.start", "24:00"), "weekly[1].start"),
        (with_("weekly.0.end", "18:60"), "weekly[0].end"),
        (with_("weekly.0.end", "18:00:00"), "weekly[0].end"),
        (with_("weekly.1.weekday", 7), "weekly[1].weekday"),
        (with_("weekly.1.weekday", -1), "weekly[1].weekday"),
        (with_("weekly.1.weekday", True), "weekly[1].weekday"),
        (with_("weekly.0.end", "09:00"), "weekly[0].end"),
        (with_("weekly.0.lunch", "12:00"), "weekly[0].lunch"),
        (with_("weekly", "Mon-Fri"), "weekly"),
        (with_("holidays", ["2025-02-30"]), "holidays[0]"),
        (with_("holidays", ["2025-01-01", "20250129"]), "holidays[1]"),
        (with_("special_open", {"tomorrow": []}), "special_open.tomorrow"),
        (with_("special_open.2025-01-26.0.end", "25:00"), "special_open.2025-01-26[0].end"),
        (with_("special_open", {"2025-01-29": []}), "special_open.2025-01-29"),
        (with_("closed_destination", {"kind": "fax", "target": "x"}), "closed_destination.kind"),
        (with_("closed_destination", {"kind": "queue"}), "closed_destination.target"),
        (
            with_("closed_destination", {"kind": "external", "target": "1;Dial(x)"}),
            "closed_destination.target",
        ),
        (with_("follow_national_calendar", "yes"), "follow_national_calendar"),
        (with_("holidayz", []), "holidayz"),
    ],
)
def test_each_invalid_input_names_its_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_schedule(data)
    assert err.value.details["field"] == field
    assert err.value.slug == "invalid-input"
