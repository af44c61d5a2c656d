"""The KPI engine: queue and agent figures from queue-log events. Pure: no I/O.

Input is app_queue's own event stream (``queue_log``: ENTERQUEUE, CONNECT, COMPLETE*,
ABANDON, EXIT*, RINGNOANSWER, TRANSFER, PAUSE/UNPAUSE) plus AGENTLOGIN/AGENTLOGOFF rows
the control plane writes when agents sign in and out. Definitions, with the convention
each follows, are in docs/kpis.md; the short version:

* A call is counted in the interval in which it *entered* the queue (arrival interval),
  whatever interval it ends in. Durations of agents (logged in, paused, talking) are
  split across intervals at the boundaries.
* Offered = calls that entered, minus short abandons (abandoned within
  ``short_abandon_s``). Answered, abandoned, overflowed (left by timeout or because no
  agent could answer) and callbacks (left with the callback key) partition the rest.
* Service level = answered within ``sl_threshold_s`` / (answered + abandoned) when
  ``sl_counts_abandons``, else / answered. ASA = wait of answered calls / answered.
  AHT = (talk + hold + wrap-up) / handled. Utilisation = talk / logged-in time;
  occupancy = (talk + wrap-up) / (logged-in - paused).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Literal
from zoneinfo import ZoneInfo

Interval = Literal["15min", "hour", "day", "month"]
INTERVALS: tuple[Interval, ...] = ("15min", "hour", "day", "month")


@dataclass(frozen=True, slots=True)
class QueueEvent:
    """One queue-log row. ``data`` are data1..data5 as text."""

    time: datetime  # timezone-aware
    callid: str
    queue: str
    agent: str
    event: str
    data: tuple[str, ...] = ()

    def field(self, i: int) -> str:
        """data<i+1>, or ''."""
        return self.data[i] if i < len(self.data) else ""

    def number(self, i: int) -> int:
        """data<i+1> as an integer (0 when missing or not a number)."""
        try:
            return int(float(self.field(i)))
        except ValueError:
            return 0


@dataclass(frozen=True, slots=True)
class Settings:
    """Per-tenant report conventions."""

    sl_threshold_s: int = 20
    short_abandon_s: int = 5
    sl_counts_abandons: bool = True
    wrapup_s: dict[str, int] = field(default_factory=dict)  # queue -> wrap-up seconds


@dataclass(slots=True)
class QueueStats:
    """Figures of one queue in one interval."""

    entered: int = 0
    offered: int = 0
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    short_abandoned: int = 0
    overflowed: int = 0
    callbacks: int = 0
    wait_answered_s: int = 0
    talk_s: int = 0
    hold_s: int = 0
    wrapup_s: int = 0
    handled: int = 0
    longest_wait_s: int = 0

    @property
    def service_level(self) -> float | None:
        """Fraction answered within the threshold (see Settings.sl_counts_abandons)."""
        return self._sl

    _sl: float | None = None

    @property
    def asa_s(self) -> float | None:
        """Average speed of answer."""
        return self.wait_answered_s / self.answered if self.answered else None

    @property
    def aht_s(self) -> float | None:
        """Average handle time: talk + hold + wrap-up per handled call."""
        if not self.handled:
            return None
        return (self.talk_s + self.hold_s + self.wrapup_s) / self.handled

    @property
    def abandon_rate(self) -> float | None:
        """Abandoned / offered."""
        return self.abandoned / self.offered if self.offered else None


@dataclass(slots=True)
class AgentStats:
    """Figures of one agent in one interval (durations in seconds)."""

    logged_in_s: float = 0.0
    paused_s: dict[str, float] = field(default_factory=dict)
    talk_s: float = 0.0
    wrapup_s: int = 0
    handled: int = 0

    @property
    def paused_total_s(self) -> float:
        """All pause time, whatever the reason."""
        return sum(self.paused_s.values())

    @property
    def utilisation(self) -> float | None:
        """Talk time / logged-in time (工时利用率)."""
        return self.talk_s / self.logged_in_s if self.logged_in_s else None

    @property
    def occupancy(self) -> float | None:
        """(Talk + wrap-up) / (logged-in - paused): busy share of available time."""
        available = self.logged_in_s - self.paused_total_s
        return (self.talk_s + self.wrapup_s) / available if available > 0 else None


def bucket(at: datetime, interval: Interval, tz: ZoneInfo) -> datetime:
    """Start of the ``interval`` holding ``at``, in local time of ``tz``."""
    local = at.astimezone(tz)
    if interval == "15min":
        return local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)
    if interval == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    if interval == "day":
        return local.replace(hour=0, minute=0, second=0, microsecond=0)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _next(start: datetime, interval: Interval, tz: ZoneInfo) -> datetime:
    """The start of the interval after the one starting at ``start`` (wall clock, DST-safe)."""
    naive = start.replace(tzinfo=None)
    if interval == "15min":
        nxt = naive + timedelta(minutes=15)
    elif interval == "hour":
        nxt = naive + timedelta(hours=1)
    elif interval == "day":
        nxt = naive + timedelta(days=1)
    else:
        nxt = (naive.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt.replace(tzinfo=tz)


def split(
    start: datetime, end: datetime, interval: Interval, tz: ZoneInfo
) -> Iterator[tuple[datetime, float]]:
    """Seconds of [start, end) falling in each interval."""
    if end <= start:
        return
    cursor = start
    b = bucket(start, interval, tz)
    while cursor < end:
        nxt = _next(b, interval, tz)
        stop = max(cursor, min(end, nxt.astimezone(UTC)))
        if stop > cursor:  # a wall-clock hour skipped by DST holds no time
            yield b, (stop - cursor).total_seconds()
        cursor, b = stop, nxt


_OVERFLOW = {"EXITWITHTIMEOUT", "EXITEMPTY"}
_COMPLETE = {"COMPLETECALLER", "COMPLETEAGENT"}
_TRANSFER = {"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}


def queue_report(
    events: Iterable[QueueEvent], settings: Settings, interval: Interval, tz: ZoneInfo
) -> dict[tuple[str, datetime], QueueStats]:
    """Per (queue, arrival interval) figures."""
    stats: dict[tuple[str, datetime], QueueStats] = defaultdict(QueueStats)
    arrival: dict[tuple[str, str], datetime] = {}  # (callid, queue) -> interval start
    for ev in sorted(events, key=lambda e: e.time):
        key = (ev.callid, ev.queue)
        if ev.event == "ENTERQUEUE":
            arrival[key] = bucket(ev.time, interval, tz)
            stats[(ev.queue, arrival[key])].entered += 1
            continue
        start = arrival.get(key)
        if start is None:
            continue  # a call that entered before the reported range
        s = stats[(ev.queue, start)]
        if ev.event == "CONNECT":
            wait = ev.number(0)
            s.answered += 1
            s.wait_answered_s += wait
            s.answered_in_sl += wait <= settings.sl_threshold_s
            s.longest_wait_s = max(s.longest_wait_s, wait)
        elif ev.event in _COMPLETE or ev.event in _TRANSFER:
            talk = ev.number(1) if ev.event in _COMPLETE else ev.number(3)
            s.talk_s += talk
            s.handled += 1
            s.wrapup_s += settings.wrapup_s.get(ev.queue, 0)
        elif ev.event == "ABANDON":
            wait = ev.number(2)
            s.longest_wait_s = max(s.longest_wait_s, wait)
            if wait < settings.short_abandon_s:
                s.short_abandoned += 1
            else:
                s.abandoned += 1
        elif ev.event in _OVERFLOW:
            s.overflowed += 1
            s.longest_wait_s = max(s.longest_wait_s, ev.number(2))
        elif ev.event == "EXITWITHKEY":
            s.callbacks += 1
            s.longest_wait_s = max(s.longest_wait_s, ev.number(3))
    for s in stats.values():
        s.offered = s.entered - s.short_abandoned
        denominator = s.answered + (s.abandoned if settings.sl_counts_abandons else 0)
        s._sl = s.answered_in_sl / denominator if denominator else None
    return dict(stats)


def agent_report(
    events: Iterable[QueueEvent],
    settings: Settings,
    interval: Interval,
    tz: ZoneInfo,
    until: datetime,
) -> dict[tuple[str, datetime], AgentStats]:
    """Per (agent, interval) figures; sessions and pauses still open end at ``until``."""
    stats: dict[tuple[str, datetime], AgentStats] = defaultdict(AgentStats)
    logged_in: dict[str, datetime] = {}
    paused: dict[str, tuple[datetime, str]] = {}

    def close_pause(agent: str, at: datetime) -> None:
        if agent in paused:
            since, reason = paused.pop(agent)
            for b, secs in split(since, at, interval, tz):
                st = stats[(agent, b)]
                st.paused_s[reason] = st.paused_s.get(reason, 0.0) + secs

    def close_session(agent: str, at: datetime) -> None:
        close_pause(agent, at)
        if agent in logged_in:
            for b, secs in split(logged_in.pop(agent), at, interval, tz):
                stats[(agent, b)].logged_in_s += secs

    for ev in sorted(events, key=lambda e: e.time):
        agent = ev.agent
        if not agent or agent == "NONE":
            continue
        if ev.event == "AGENTLOGIN":
            logged_in.setdefault(agent, ev.time)
        elif ev.event == "AGENTLOGOFF":
            close_session(agent, ev.time)
        elif ev.event == "PAUSE":
            paused.setdefault(agent, (ev.time, ev.field(0) or "unspecified"))
        elif ev.event == "UNPAUSE":
            close_pause(agent, ev.time)
        elif ev.event in _COMPLETE or ev.event in _TRANSFER:
            talk = ev.number(1) if ev.event in _COMPLETE else ev.number(3)
            # Talk time belongs to the intervals the conversation spanned.
            for b, secs in split(ev.time - timedelta(seconds=talk), ev.time, interval, tz):
                stats[(agent, b)].talk_s += secs
            end_b = bucket(ev.time, interval, tz)
            stats[(agent, end_b)].handled += 1
            stats[(agent, end_b)].wrapup_s += settings.wrapup_s.get(ev.queue, 0)
    for agent in list(logged_in):
        close_session(agent, until)
    for agent in list(paused):
        close_pause(agent, until)
    return dict(stats)


@dataclass(frozen=True, slots=True)
class StateSpan:
    """One stretch of an agent's day in one state: ``available``, ``paused`` (with its
    reason), ``talk`` or ``wrapup``; signed-out time has no span."""

    agent: str
    state: str
    start: datetime
    end: datetime
    reason: str = ""


def agent_timeline(
    events: Iterable[QueueEvent], settings: Settings, start: datetime, until: datetime
) -> list[StateSpan]:
    """Each agent's states from ``start`` to ``until``, from the same queue-log rows as the
    agent report: signed in (AGENTLOGIN..AGENTLOGOFF) is available unless paused
    (PAUSE..UNPAUSE), talking (a COMPLETE*/TRANSFER's talk time, ending at the event) or in
    wrap-up (the queue's wrap-up time after the call). Talk wins over wrap-up, wrap-up over
    a pause, a pause over available. Sessions and pauses still open end at ``until``."""
    sessions: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    pauses: dict[str, list[tuple[datetime, datetime, str]]] = defaultdict(list)
    talks: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    wrapups: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    logged_in: dict[str, datetime] = {}
    paused: dict[str, tuple[datetime, str]] = {}
    for ev in sorted(events, key=lambda e: e.time):
        agent = ev.agent
        if not agent or agent == "NONE":
            continue
        if ev.event == "AGENTLOGIN":
            logged_in.setdefault(agent, ev.time)
        elif ev.event == "AGENTLOGOFF":
            if agent in paused:
                since, reason = paused.pop(agent)
                pauses[agent].append((since, ev.time, reason))
            if agent in logged_in:
                sessions[agent].append((logged_in.pop(agent), ev.time))
        elif ev.event == "PAUSE":
            paused.setdefault(agent, (ev.time, ev.field(0) or "unspecified"))
        elif ev.event == "UNPAUSE":
            if agent in paused:
                since, reason = paused.pop(agent)
                pauses[agent].append((since, ev.time, reason))
        elif ev.event in _COMPLETE or ev.event in _TRANSFER:
            talk = ev.number(1) if ev.event in _COMPLETE else ev.number(3)
            talks[agent].append((ev.time - timedelta(seconds=talk), ev.time))
            wrap = settings.wrapup_s.get(ev.queue, 0)
            if wrap:
                wrapups[agent].append((ev.time, ev.time + timedelta(seconds=wrap)))
    for agent, since in logged_in.items():
        sessions[agent].append((since, until))
    for agent, (since, reason) in paused.items():
        pauses[agent].append((since, until, reason))

    def inside(spans: list[tuple[datetime, datetime]], at: datetime) -> bool:
        return any(a <= at < b for a, b in spans)

    out: list[StateSpan] = []
    agents = sorted(set(sessions) | set(pauses) | set(talks) | set(wrapups))
    for agent in agents:
        cuts = {start, until}
        for spans in (sessions[agent], talks[agent], wrapups[agent]):
            for a, b in spans:
                cuts.update((a, b))
        for a, b, _ in pauses[agent]:
            cuts.update((a, b))
        points = sorted(c for c in cuts if start <= c <= until)
        mine: list[StateSpan] = []
        for a, b in pairwise(points):
            mid = a + (b - a) / 2
            reason = ""
            if inside(talks[agent], mid):
                state = "talk"
            elif inside(wrapups[agent], mid):
                state = "wrapup"
            elif (p := next((p for p in pauses[agent] if p[0] <= mid < p[1]), None)) is not None:
                state, reason = "paused", p[2]
            elif inside(sessions[agent], mid):
                state = "available"
            else:
                continue
            last = mine[-1] if mine else None
            if last is not None and last.end == a and (last.state, last.reason) == (state, reason):
                mine[-1] = StateSpan(agent, state, last.start, b, reason)
            else:
                mine.append(StateSpan(agent, state, a, b, reason))
        out.extend(mine)
    return out
