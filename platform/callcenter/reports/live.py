"""Keeps the wallboard current from AMI and rebuilds it after every (re)connect."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.ami.cluster import AmiCluster
from callcenter.ami.events import AsteriskBooted, DomainEvent
from callcenter.db.pool import connection
from callcenter.errors import DomainError
from callcenter.reports import kpi, repo
from callcenter.reports.service import events_from_rows
from callcenter.reports.today import TodayCounts
from callcenter.reports.wallboard import Wallboard

log = logging.getLogger(__name__)
# (tenant, queue snapshot, Asterisk's stamp of the triggering event or None)
Publish = Callable[[str, list[dict[str, object]], float | None], None]


def todays_counts(
    rows: list[Any], thresholds: Mapping[str, int], short_abandon_s: int, tz: ZoneInfo
) -> dict[str, kpi.QueueStats]:
    """Each queue's figures for the day so far, from its queue-log rows (one pass per queue),
    through the KPI engine: the reference the wallboard's running counts are tested against."""
    by_queue: dict[str, list[kpi.QueueEvent]] = defaultdict(list)
    for event in events_from_rows(rows):
        by_queue[event.queue].append(event)
    today: dict[str, kpi.QueueStats] = {}
    for queue, events in by_queue.items():
        settings = kpi.Settings(
            sl_threshold_s=thresholds.get(queue, 20), short_abandon_s=short_abandon_s
        )
        for (_, _day), stats in kpi.queue_report(events, settings, "day", tz).items():
            today[queue] = stats
    return today


class LiveWallboard:
    """Feeds the pure :class:`Wallboard` and tells ``publish`` which tenant changed."""

    def __init__(self, pool: Any, ami: AmiCluster, tz: str = "Asia/Shanghai") -> None:
        self._pool = pool
        self._ami = ami
        self.board = Wallboard(tz=ZoneInfo(tz))
        self.publishers: list[Publish] = []
        # Whether anyone watches a tenant's board now: a snapshot nobody receives is not
        # built (it costs a pass over the tenant's queues at every queue event).
        self.watched: Callable[[str], bool] = lambda _tenant: True
        self.counts = TodayCounts(tz=self.board.tz, short_abandon_s=self.board.short_abandon_s)
        self._rebuilding = asyncio.Lock()
        self.rebuilds = 0
        self.last_rebuild_full = False
        self.last_rebuild_rows = 0
        ami.on_raw(self._on_raw)
        ami.on_event(self._on_event)

    def _on_raw(self, fields: Mapping[str, str]) -> None:
        # Runs inside the AMI reader: quick, never raises (the client guards it too).
        tenant = self.board.apply(fields, time.time())
        if tenant is not None:
            try:
                stamp: float | None = float(fields.get("Timestamp", ""))
            except ValueError:
                stamp = None
            self._publish(tenant, stamp)

    def _publish(self, tenant: str, event_at: float | None = None) -> None:
        if not self.publishers or not self.watched(tenant):
            return
        snapshot = self.board.snapshot(tenant, time.time())
        for publish in self.publishers:
            try:
                publish(tenant, snapshot, event_at)
            except Exception:
                log.exception("wallboard publisher failed")

    async def _on_event(self, event: DomainEvent) -> None:
        if isinstance(event, AsteriskBooted):
            try:
                await self.rebuild()
            except DomainError as exc:
                log.warning("wallboard rebuild failed: %s", exc.message)

    async def rebuild(self) -> None:
        """From QueueStatus (who waits now) and the day's counts: the queue-log rows after
        the last one counted, or all of today's on a new day (see reports/today.py)."""
        async with self._rebuilding:  # two reconnects in a row must not count rows twice
            now = time.time()
            entries = [
                e
                for e in await self._ami.action_list("QueueStatus")
                if e.get("Event") == "QueueEntry"
            ]
            counts = self.counts
            async with connection(self._pool) as conn:
                thresholds = await repo.all_queue_thresholds(conn)
                self.last_rebuild_full = not counts.is_current(now, thresholds)
                if self.last_rebuild_full:
                    counts.restart(now, thresholds)
                rows = await repo.queue_log_after(conn, counts.last_id, counts.day_start())
            self.last_rebuild_rows = len(rows)
            try:
                # A full read is hundreds of thousands of rows on a busy day: count them off
                # the event loop, so the AMI reader and the websockets keep going.
                await asyncio.to_thread(_count, counts, rows)
            except BaseException:
                counts.invalidate()  # half-counted: start the day again next time
                raise
            self.board.set_thresholds(thresholds)
            self.board.rebuild(entries, counts.today(), now)
            self.rebuilds += 1
        for tenant in list(self.board.by_tenant):
            self._publish(tenant)


def _count(counts: TodayCounts, rows: list[Any]) -> None:
    counts.add((r["id"], ev) for r, ev in zip(rows, events_from_rows(rows), strict=True))
