"""Opening hours: which destination a call reaches at a given instant.

Times are local wall-clock times in the schedule's IANA timezone, so a span 09:00-18:00
in Europe/Berlin means 09:00-18:00 on both sides of a DST change (a time skipped by the
spring-forward gap simply never happens; a repeated autumn hour is judged twice, alike).

Rules, in order, for the hours of one local date:

1. a date in ``holidays`` is closed all day;
2. a date in ``special_open`` uses exactly those hours instead of the weekly ones;
3. with ``follow_national_calendar``, a Chinese statutory holiday is closed, and an
   official make-up workday (调休, a Saturday or Sunday) opens with the Monday hours;
   years the ``chinese_calendar`` package has no data for fall back to rule 4;
4. otherwise the ``weekly`` spans of that weekday.

A span whose end is not after its start crosses midnight: Fri 22:00-02:00 is open at
Sat 01:00. Such a span *belongs to the day it starts on*: its early hours after midnight
are open when its start day is open, even if the next day is a holiday, and closed when
its start day is closed. A span with end == start lasts 24 hours (input "00:00"-"24:00").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar  # type: ignore[import-untyped]

from callcenter.errors import InvalidInput

DestinationKind = Literal[
    "queue", "ivr", "agent", "voicemail", "external", "hangup", "announcement"
]
DESTINATION_KINDS: frozenset[str] = frozenset(get_args(DestinationKind))

_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TARGET_RE = re.compile(r"^\+?[A-Za-z0-9][A-Za-z0-9_@/-]{0,127}$")


@dataclass(frozen=True)
class Destination:
    """Where a call goes: a queue, IVR, agent, mailbox, external number, announcement or hangup."""

    kind: DestinationKind
    target: str = ""


@dataclass(frozen=True)
class Hours:
    """Open from ``start`` to ``end`` on one date; ``end <= start`` crosses midnight."""

    start: time
    end: time


@dataclass(frozen=True)
class OpenSpan:
    """Weekly hours: ``weekday`` 0 (Monday) to 6 (Sunday); ``end <= start`` crosses midnight."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0..6, got {self.weekday}")


@dataclass(frozen=True, kw_only=True)
class Schedule:
    """A tenant's opening hours and where calls go while it is closed."""

    timezone: str
    weekly: tuple[OpenSpan, ...]
    closed_destination: Destination
    holidays: frozenset[date] = frozenset()
    special_open: Mapping[date, tuple[Hours, ...]] = field(default_factory=dict)
    follow_national_calendar: bool = False

    def __hash__(self) -> int:
        special = tuple(sorted(self.special_open.items()))
        return hash(
            (
                self.timezone,
                self.weekly,
                self.holidays,
                special,
                self.closed_destination,
                self.follow_national_calendar,
            )
        )


def _national_status(day: date) -> Literal["holiday", "makeup", None]:
    """Classify ``day`` by the Chinese national calendar; None when ordinary or unknown."""
    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:  # outside the years the package has data for
        return None
    if on_holiday and name is not None:
        return "holiday"
    if not on_holiday and day.weekday() >= 5:
        return "makeup"
    return None


def national_days(year: int) -> list[tuple[date, Literal["holiday", "makeup"], str | None]]:
    """The statutory holidays and make-up workdays (调休) of ``year``, with the holiday's
    English name as a stable key (``"National Day"``); empty for years without data."""
    days: list[tuple[date, Literal["holiday", "makeup"], str | None]] = []
    day = date(year, 1, 1)
    while day.year == year:
        status = _national_status(day)
        if status == "holiday":
            days.append((day, status, chinese_calendar.get_holiday_detail(day)[1]))
        elif status == "makeup":
            days.append((day, status, None))
        day += timedelta(days=1)
    return days


def _hours_on(schedule: Schedule, day: date) -> list[tuple[time, time]]:
    """The (start, end) spans that start on local date ``day``."""
    if day in schedule.holidays:
        return []
    if day in schedule.special_open:
        return [(h.start, h.end) for h in schedule.special_open[day]]
    weekday = day.weekday()
    if schedule.follow_national_calendar:
        status = _national_status(day)
        if status == "holiday":
            return []
        if status == "makeup":
            weekday = 0
    return [(s.start, s.end) for s in schedule.weekly if s.weekday == weekday]


def is_open(schedule: Schedule, at: datetime) -> bool:
    """Whether ``schedule`` is open at the timezone-aware instant ``at``."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("is_open needs a timezone-aware datetime")
    local = at.astimezone(ZoneInfo(schedule.timezone))
    day, now = local.date(), local.time()
    for start, end in _hours_on(schedule, day):
        if start <= now and (end <= start or now < end):
            return True
    return any(
        end <= start and now < end for start, end in _hours_on(schedule, day - timedelta(days=1))
    )


def route(schedule: Schedule, open_destination: Destination, at: datetime) -> Destination:
    """The destination a call reaches at ``at``: ``open_destination`` or the closed one."""
    return open_destination if is_open(schedule, at) else schedule.closed_destination


# --- parsing JSON-like input ----------------------------------------------------------


def _obj(value: Any, name: str, allowed: set[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput(f"{name or 'input'} must be an object", field=name)
    for key in value:
        if key not in allowed:
            prefix = f"{name}." if name else ""
            raise InvalidInput(f"unknown field {key!r}", field=f"{prefix}{key}")
    return value


def _list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput(f"{name} must be a list", field=name)
    return value


def _time(value: Any, name: str, *, end: bool) -> time:
    if end and value == "24:00":
        return time(0, 0)
    match = _TIME_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise InvalidInput(f"{name} must be a time HH:MM, got {value!r}", field=name)
    return time(int(match[1]), int(match[2]))


def _date(value: Any, name: str) -> date:
    if isinstance(value, str) and _DATE_RE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(f"{name} must be a date YYYY-MM-DD, got {value!r}", field=name)


def _hours(data: dict[str, Any], name: str) -> tuple[time, time]:
    start = _time(data.get("start"), f"{name}.start", end=False)
    end = _time(data.get("end"), f"{name}.end", end=True)
    if data.get("start") == data.get("end"):
        raise InvalidInput(
            f"{name} is zero-length; use 00:00-24:00 for all day", field=f"{name}.end"
        )
    return start, end


def parse_destination(value: Any, name: str) -> Destination:
    """Validate ``{"kind": ..., "target": ...}``; errors name ``{name}.kind`` or ``.target``."""
    data = _obj(value, name, {"kind", "target"})
    kind = data.get("kind")
    if kind not in DESTINATION_KINDS:
        allowed = ", ".join(sorted(DESTINATION_KINDS))
        raise InvalidInput(f"{name}.kind must be one of {allowed}", field=f"{name}.kind")
    target = data.get("target", "")
    if kind == "hangup" and target != "":
        raise InvalidInput("a hangup destination has no target", field=f"{name}.target")
    if kind != "hangup" and not (isinstance(target, str) and _TARGET_RE.match(target)):
        raise InvalidInput(f"{name}.target is missing or malformed", field=f"{name}.target")
    return Destination(kind, target)


def check_display_name(value: Any) -> None:
    """A display name people read next to the Latin id: any script, one line, 1-64 chars."""
    if value is None:
        return
    if (
        not isinstance(value, str)
        or not 1 <= len(value.strip()) <= 64
        or any(ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        raise InvalidInput("a display name is one line of 1 to 64 characters", field="display_name")


def parse_schedule(data: dict[str, Any]) -> Schedule:
    """Build a :class:`Schedule` from JSON-like input, raising ``InvalidInput(field=...)``.

    Shape: ``{"timezone": "Asia/Shanghai", "weekly": [{"weekday": 0, "start": "09:00",
    "end": "18:00"}], "holidays": ["2025-01-29"], "special_open": {"2025-01-26":
    [{"start": "09:00", "end": "18:00"}]}, "closed_destination": {"kind": "voicemail",
    "target": "main"}, "follow_national_calendar": false}``. "24:00" is allowed as an end.
    """
    allowed = {"timezone", "weekly", "holidays", "special_open", "closed_destination"}
    data = _obj(data, "", allowed | {"follow_national_calendar", "display_name"})
    check_display_name(data.get("display_name"))
    tz = data.get("timezone")
    try:
        if not isinstance(tz, str):
            raise ValueError(tz)
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown timezone {tz!r}", field="timezone") from None

    weekly: list[OpenSpan] = []
    for i, item in enumerate(_list(data.get("weekly"), "weekly")):
        name = f"weekly[{i}]"
        weekday = _obj(item, name, {"weekday", "start", "end"}).get("weekday")
        if type(weekday) is not int or not 0 <= weekday <= 6:
            raise InvalidInput(
                f"{name}.weekday must be 0 (Mon) .. 6 (Sun)", field=f"{name}.weekday"
            )
        weekly.append(OpenSpan(weekday, *_hours(item, name)))

    holidays = frozenset(
        _date(v, f"holidays[{i}]")
        for i, v in enumerate(_list(data.get("holidays", []), "holidays"))
    )

    special: dict[date, tuple[Hours, ...]] = {}
    raw_special = data.get("special_open", {})
    if not isinstance(raw_special, dict):
        raise InvalidInput("special_open must be an object of date -> spans", field="special_open")
    for key, spans in raw_special.items():
        name = f"special_open.{key}"
        day = _date(key, name)
        if day in holidays:
            raise InvalidInput(f"{key} is both a holiday and a special open day", field=name)
        special[day] = tuple(
            Hours(*_hours(_obj(s, f"{name}[{i}]", {"start", "end"}), f"{name}[{i}]"))
            for i, s in enumerate(_list(spans, name))
        )

    follow = data.get("follow_national_calendar", False)
    if not isinstance(follow, bool):
        raise InvalidInput(
            "follow_national_calendar must be a boolean", field="follow_national_calendar"
        )
    return Schedule(
        timezone=tz,
        weekly=tuple(weekly),
        closed_destination=parse_destination(data.get("closed_destination"), "closed_destination"),
        holidays=holidays,
        special_open=special,
        follow_national_calendar=follow,
    )


# --- open spans, for the database to answer "open now?" at call time ---------------------


def open_spans(schedule: Schedule, first: date, last: date) -> list[tuple[datetime, datetime]]:
    """The open intervals (UTC, half-open, merged) of spans starting on ``first``..``last``.

    The same rules as :func:`is_open`: an instant is open exactly when it lies in one of
    these intervals (for instants whose spans start within the range).
    """
    tz = ZoneInfo(schedule.timezone)
    spans: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        for start, end in _hours_on(schedule, day):
            end_day = day + timedelta(days=1) if end <= start else day
            opens = datetime.combine(day, start, tzinfo=tz).astimezone(UTC)
            closes = datetime.combine(end_day, end, tzinfo=tz).astimezone(UTC)
            if closes > opens:
                spans.append((opens, closes))
        day += timedelta(days=1)
    spans.sort()
    merged: list[tuple[datetime, datetime]] = []
    for opens, closes in spans:
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged
