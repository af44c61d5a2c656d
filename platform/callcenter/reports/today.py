"""Today's figures per queue for the wallboard, kept as running counts. Pure: no I/O.

The wallboard's rebuild after an AMI reconnect used to read all of today's queue log (a busy
day is hundreds of thousands of rows). :class:`TodayCounts` keeps each queue's counts and the
id of the last queue-log row it counted, so a rebuild reads only the rows after that id. It
counts the way the KPI engine does (``kpi.queue_report`` at the ``day`` interval, see
docs/kpis.md): a call belongs to the day it entered the queue, short abandons are set apart.

"Today" is the day in the board's timezone: tenants carry no timezone of their own, and the
reports default to the same zone. A full read starts again from local midnight on the first
rebuild, on the first rebuild of a new day in that zone, and when a queue's service-level
threshold (or the set of queues) changed, since counts made with the old threshold would no
longer match the reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from callcenter.reports.kpi import QueueEvent, QueueStats

# The rows that end a caller's wait in the queue (docs/kpis.md).
_END_OF_WAIT = frozenset({"CONNECT", "ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY", "EXITWITHKEY"})


@dataclass
class TodayCounts:
    """Running day counts per queue and the cursor (last queue-log id) they reached."""

    tz: ZoneInfo
    short_abandon_s: int = 5
    day: date | None = None
    last_id: int = 0
    thresholds: dict[str, int] = field(default_factory=dict)
    stats: dict[str, QueueStats] = field(default_factory=dict)
    # (callid, queue) of the calls that entered today and still wait: rows of other calls
    # (entered yesterday) are not counted, like the KPI engine's "entered before the range".
    # A call is forgotten at the row that ends its wait (app_queue logs one per entry), so
    # this holds the callers waiting now, not the whole day's.
    _entered: set[tuple[str, str]] = field(default_factory=set)

    def day_of(self, now: float) -> date:
        """The local day holding ``now`` (a Unix time)."""
        return datetime.fromtimestamp(now, self.tz).date()

    def day_start(self) -> datetime:
        """Local midnight of the counted day, in UTC (the queue log's clock)."""
        assert self.day is not None, "restart() first"
        midnight = datetime(self.day.year, self.day.month, self.day.day, tzinfo=self.tz)
        return midnight.astimezone(UTC)

    def is_current(self, now: float, thresholds: Mapping[str, int]) -> bool:
        """Whether reading only the rows after :attr:`last_id` brings the counts up to date."""
        return self.day == self.day_of(now) and dict(thresholds) == self.thresholds

    def restart(self, now: float, thresholds: Mapping[str, int]) -> None:
        """Start the day of ``now`` again from nothing (the next read is all of it)."""
        self.day = self.day_of(now)
        self.last_id = 0
        self.thresholds = dict(thresholds)
        self.stats = {}
        self._entered = set()

    def invalidate(self) -> None:
        """Forget everything: the next rebuild reads the whole day (after a failed read)."""
        self.day = None

    def add(self, rows: Iterable[tuple[int, QueueEvent]]) -> None:
        """Count queue-log rows ``(id, event)`` that came after :attr:`last_id`."""
        start = self.day_start()
        for row_id, ev in sorted(rows, key=lambda r: (r[1].time, r[0])):
            self.last_id = max(self.last_id, row_id)
            if ev.time < start:
                continue
            key = (ev.callid, ev.queue)
            if ev.event == "ENTERQUEUE":
                self._entered.add(key)
                self._queue(ev.queue).entered += 1
                continue
            if key not in self._entered:
                continue
            s = self._queue(ev.queue)
            if ev.event in _END_OF_WAIT:
                self._entered.discard(key)
            if ev.event == "CONNECT":
                s.answered += 1
                s.answered_in_sl += ev.number(0) <= self.thresholds.get(ev.queue, 20)
            elif ev.event == "ABANDON":
                if ev.number(2) < self.short_abandon_s:
                    s.short_abandoned += 1
                else:
                    s.abandoned += 1

    def waiting(self) -> int:
        """Calls that entered today and have not yet been answered, abandoned or left."""
        return len(self._entered)

    def _queue(self, name: str) -> QueueStats:
        s = self.stats.get(name)
        if s is None:
            s = self.stats[name] = QueueStats()
        return s

    def today(self) -> dict[str, QueueStats]:
        """Each queue's answered, answered within its threshold, abandoned (and entered,
        short abandons, offered, service level) so far today."""
        out: dict[str, QueueStats] = {}
        for name, s in self.stats.items():
            denominator = s.answered + s.abandoned
            out[name] = QueueStats(
                entered=s.entered,
                offered=s.entered - s.short_abandoned,
                answered=s.answered,
                answered_in_sl=s.answered_in_sl,
                abandoned=s.abandoned,
                short_abandoned=s.short_abandoned,
                _sl=s.answered_in_sl / denominator if denominator else None,
            )
        return out
