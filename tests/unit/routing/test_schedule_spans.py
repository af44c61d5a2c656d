"""open_spans agrees with is_open: the database answers exactly what the pure core would."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.routing.schedule import is_open, open_spans, parse_schedule

SCHEDULES = [
    # crosses midnight and a DST change, with a holiday on a Monday
    {
        "timezone": "Europe/Berlin",
        "weekly": [
            {"weekday": 4, "start": "22:00", "end": "02:00"},
            {"weekday": 0, "start": "09:00", "end": "18:00"},
        ],
        "holidays": ["2026-03-30"],
        "closed_destination": {"kind": "hangup"},
    },
    # China: national holidays and make-up workdays, plus a special opening day
    {
        "timezone": "Asia/Shanghai",
        "weekly": [{"weekday": d, "start": "08:30", "end": "20:00"} for d in range(5)],
        "special_open": {"2026-02-17": [{"start": "10:00", "end": "12:00"}]},
        "follow_national_calendar": True,
        "closed_destination": {"kind": "voicemail", "target": "100"},
    },
    # open around the clock on weekends
    {
        "timezone": "America/New_York",
        "weekly": [{"weekday": 5, "start": "00:00", "end": "24:00"}],
        "closed_destination": {"kind": "hangup"},
    },
]
FIRST, LAST = date(2026, 1, 1), date(2026, 12, 31)
SPANS = [(parse_schedule(s), open_spans(parse_schedule(s), FIRST, LAST)) for s in SCHEDULES]


@settings(max_examples=400, deadline=None)
@given(
    which=st.integers(0, len(SCHEDULES) - 1),
    minutes=st.integers(2 * 24 * 60, 360 * 24 * 60),
)
def test_an_instant_is_open_exactly_when_a_span_holds_it(which: int, minutes: int) -> None:
    schedule, spans = SPANS[which]
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    assert is_open(schedule, at) == any(opens <= at < closes for opens, closes in spans)


def test_spans_are_merged_and_ordered() -> None:
    for _, spans in SPANS:
        for (_, c1), (o2, _) in itertools.pairwise(spans):
            assert c1 < o2


def test_a_24_hour_day_next_to_another_is_one_span() -> None:
    schedule = parse_schedule(
        {
            "timezone": "UTC",
            "weekly": [
                {"weekday": 5, "start": "00:00", "end": "24:00"},
                {"weekday": 6, "start": "00:00", "end": "24:00"},
            ],
            "closed_destination": {"kind": "hangup"},
        }
    )
    spans = open_spans(schedule, date(2026, 11, 28), date(2026, 11, 29))
    assert spans == [
        (datetime(2026, 11, 28, tzinfo=UTC), datetime(2026, 11, 30, tzinfo=UTC)),
    ]
