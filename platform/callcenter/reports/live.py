"""Keeps the wallboard current from AMI and rebuilds it after every (re)connect."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from callcenter.ami.client import AmiClient
from callcenter.ami.events import AsteriskBooted, DomainEvent
from callcenter.db.pool import connection
from callcenter.errors import DomainError
from callcenter.reports import kpi
from callcenter.reports.service import events_from_rows
from callcenter.reports.wallboard import Wallboard

log = logging.getLogger(__name__)
# (tenant, queue snapshot, Asterisk's stamp of the triggering event or None)
Publish = Callable[[str, list[dict[str, object]], float | None], None]


def todays_counts(
    rows: list[Any], thresholds: Mapping[str, int], short_abandon_s: int, tz: ZoneInfo
) -> dict[str, kpi.QueueStats]:
    """Each queue's figures for the day so far, from its queue-log rows (one pass per queue)."""
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

    def __init__(self, pool: Any, ami: AmiClient, tz: str = "Asia/Shanghai") -> None:
        self._pool = pool
        self._ami = ami
        self.board = Wallboard(tz=ZoneInfo(tz))
        self.publishers: list[Publish] = []
        self.rebuilds = 0
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
        """From QueueStatus (who waits now) and today's queue log (the day's counts)."""
        now = time.time()
        entries = [
            e for e in await self._ami.action_list("QueueStatus") if e.get("Event") == "QueueEntry"
        ]
        start = datetime.fromtimestamp(now, self.board.tz).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        async with connection(self._pool) as conn:
            thresholds = {
                r["qname"]: r["service_level"]
                for r in await conn.fetch(
                    "SELECT tenant_id || '-' || name AS qname, service_level FROM acd_queues"
                )
            }
            rows = await conn.fetch(
                "SELECT time, callid, queuename, agent, event, data1, data2, data3, data4, data5"
                " FROM queue_log WHERE time >= $1::timestamptz AT TIME ZONE 'UTC'"
                " ORDER BY time, id",
                start.astimezone(UTC),
            )
        # A busy day is hundreds of thousands of rows: count them off the event loop, so the
        # AMI reader and the websockets keep going during a rebuild.
        today = await asyncio.to_thread(
            todays_counts, rows, thresholds, self.board.short_abandon_s, self.board.tz
        )
        self.board.set_thresholds(thresholds)
        self.board.rebuild(entries, today, now)
        self.rebuilds += 1
        for tenant in list(self.board.by_tenant):
            self._publish(tenant)
