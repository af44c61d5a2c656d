"""The live wallboard's queue side: callers waiting, longest wait, today's answered,
abandoned and service level, per queue. Pure: fed raw AMI event fields and clock times.

Rebuilt after a control-plane restart from Asterisk's ``QueueStatus`` (who is waiting, and
for how long) and today's queue log (the day's counts, through the KPI engine), then kept
current from ``QueueCallerJoin``, ``QueueCallerLeave``, ``QueueCallerAbandon`` and
``AgentConnect``. Today's counts follow the same conventions as the reports (docs/kpis.md):
short abandons are not counted, the service level counts abandons.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from callcenter.reports.kpi import QueueStats


@dataclass(slots=True)
class QueueLive:
    """One queue right now."""

    waiting: dict[str, float] = field(default_factory=dict)  # caller uniqueid -> joined
    answered: int = 0
    answered_in_sl: int = 0
    abandoned: int = 0
    sl_threshold_s: int = 20

    def longest_wait_s(self, now: float) -> int:
        """How long the longest-waiting caller has waited."""
        return int(now - min(self.waiting.values())) if self.waiting else 0

    @property
    def service_level(self) -> float | None:
        """Answered within threshold / (answered + abandoned), today."""
        denominator = self.answered + self.abandoned
        return self.answered_in_sl / denominator if denominator else None


def _int(value: str | None) -> int:
    try:
        return int(float(value or 0))
    except ValueError:
        return 0


@dataclass
class Wallboard:
    """Every tenant's queues, keyed by app_queue name ``<tenant>-<queue>``."""

    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    short_abandon_s: int = 5
    queues: dict[str, QueueLive] = field(default_factory=dict)
    day: date | None = None
    # tenant -> its queue names, so a snapshot (taken on every queue event, inside the AMI
    # reader) looks at one tenant's queues, not every tenant's
    by_tenant: dict[str, set[str]] = field(default_factory=dict)

    @staticmethod
    def tenant_of(queue: str) -> str:
        """The tenant a queue belongs to (the prefix of its name)."""
        return queue.split("-", 1)[0]

    def _queue(self, name: str) -> QueueLive:
        q = self.queues.get(name)
        if q is None:
            q = self.queues[name] = QueueLive()
            self.by_tenant.setdefault(self.tenant_of(name), set()).add(name)
        return q

    def _roll(self, now: float) -> None:
        today = datetime.fromtimestamp(now, self.tz).date()
        if self.day != today:
            for q in self.queues.values():
                q.answered = q.answered_in_sl = q.abandoned = 0
            self.day = today

    def set_thresholds(self, thresholds: Mapping[str, int]) -> None:
        """Each queue's service-level threshold (seconds)."""
        for name, seconds in thresholds.items():
            self._queue(name).sl_threshold_s = seconds

    def rebuild(
        self,
        entries: Iterable[Mapping[str, str]],
        today: Mapping[str, QueueStats],
        now: float,
    ) -> None:
        """Start again from QueueStatus entries (``Queue``, ``Uniqueid``, ``Wait``) and
        today's figures per queue from the KPI engine."""
        self.day = datetime.fromtimestamp(now, self.tz).date()
        for q in self.queues.values():
            q.waiting.clear()
            q.answered = q.answered_in_sl = q.abandoned = 0
        for e in entries:
            if e.get("Queue") and e.get("Uniqueid"):
                self._queue(e["Queue"]).waiting[e["Uniqueid"]] = now - _int(e.get("Wait"))
        for name, stats in today.items():
            q = self._queue(name)
            q.answered, q.answered_in_sl, q.abandoned = (
                stats.answered,
                stats.answered_in_sl,
                stats.abandoned,
            )

    def apply(self, fields: Mapping[str, str], now: float) -> str | None:
        """Apply one raw AMI event; returns the tenant whose wallboard changed, if any."""
        name = fields.get("Event", "")
        queue = fields.get("Queue", "")
        if not queue or name not in (
            "QueueCallerJoin",
            "QueueCallerLeave",
            "QueueCallerAbandon",
            "AgentConnect",
        ):
            return None
        self._roll(now)
        q = self._queue(queue)
        uniqueid = fields.get("Uniqueid", "")
        if name == "QueueCallerJoin":
            q.waiting[uniqueid] = now
        elif name == "QueueCallerLeave":
            q.waiting.pop(uniqueid, None)
        elif name == "QueueCallerAbandon":
            q.waiting.pop(uniqueid, None)
            if _int(fields.get("HoldTime")) >= self.short_abandon_s:
                q.abandoned += 1
        else:  # AgentConnect
            q.waiting.pop(uniqueid, None)
            q.answered += 1
            q.answered_in_sl += _int(fields.get("HoldTime")) <= q.sl_threshold_s
        return self.tenant_of(queue)

    def snapshot(self, tenant_id: str, now: float) -> list[dict[str, object]]:
        """The tenant's queues as the wallboard shows them."""
        prefix = tenant_id + "-"
        out: list[dict[str, object]] = []
        for name in sorted(self.by_tenant.get(tenant_id, ())):
            q = self.queues[name]
            sl = q.service_level
            out.append(
                {
                    "queue": name.removeprefix(prefix),
                    "waiting": len(q.waiting),
                    "longest_wait_s": q.longest_wait_s(now),
                    "answered_today": q.answered,
                    "abandoned_today": q.abandoned,
                    "service_level_today": None if sl is None else round(sl, 4),
                }
            )
        return out
