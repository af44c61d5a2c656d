"""The board's queue figures and alerts, pushed once a second to supervisors' sockets; and
the talk figures of recorded calls, stored as each call ends.

A waiting caller's wait grows without any AMI event, so alerts are evaluated on a tick, not
only on events. Each tenant-wide subscriber gets ``board.queues`` when what it would see
changed; a supervisor restricted to some queues gets only those (see ``Hub.subscribe``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any

from aiohttp import web

from callcenter import keys
from callcenter.db.pool import connection
from callcenter.quality import repo
from callcenter.quality.board import Scope, Thresholds, queue_alerts, scoped_queues
from callcenter.quality.service import thresholds_table
from callcenter.quality.talk import TalkDone, TalkRules, TalkTracker, with_rules
from callcenter.workspace.hub import Hub, Subscriber
from callcenter.workspace.lifecycle import WORKSPACE

log = logging.getLogger(__name__)
TICK_S = 1.0
THRESHOLDS_TTL_S = 5.0


class BoardPush:
    """Owns the tick task; thresholds are cached a few seconds per tenant."""

    def __init__(self, pool: Any, hub: Hub, snapshot: Any) -> None:
        self._pool = pool
        self._hub = hub
        self._snapshot = snapshot  # (tenant, now) -> the wallboard's queue rows
        self._thresholds: dict[str, tuple[float, dict[str, Thresholds]]] = {}
        self._last: dict[Subscriber, str] = {}

    def forget(self, tenant_id: str) -> None:
        """Thresholds changed: read them again on the next tick."""
        self._thresholds.pop(tenant_id, None)

    async def table(self, tenant_id: str) -> dict[str, Thresholds]:
        """The tenant's thresholds (cached)."""
        now = time.monotonic()
        cached = self._thresholds.get(tenant_id)
        if cached is not None and now - cached[0] < THRESHOLDS_TTL_S:
            return cached[1]
        async with connection(self._pool) as conn:
            table = thresholds_table(await repo.thresholds(conn, tenant_id))
        self._thresholds[tenant_id] = (now, table)
        return table

    async def tick(self) -> int:
        """Push to every tenant-wide subscriber whose view changed; how many got one."""
        sent = 0
        now = time.time()
        live = set()
        for tenant_id in self._hub.tenants():
            subs = self._hub.tenant_wide(tenant_id)
            if not subs:
                continue
            queues = self._snapshot(tenant_id, now)
            table = await self.table(tenant_id)
            for sub in subs:
                live.add(sub)
                mine = scoped_queues(queues, Scope(sub.queues, sub.agents))
                message = {
                    "type": "board.queues",
                    "queues": mine,
                    "alerts": queue_alerts(mine, table),
                }
                text = json.dumps(message, sort_keys=True)
                if self._last.get(sub) == text:
                    continue
                if self._hub.offer(sub, message):
                    self._last[sub] = text
                    sent += 1
        for gone in set(self._last) - live:
            del self._last[gone]
        return sent

    async def run(self) -> None:
        """Tick until cancelled."""
        while True:
            try:
                await self.tick()
            except Exception:  # a failed tick (database away) must not end the board
                log.exception("board tick failed")
            await asyncio.sleep(TICK_S)


BOARD_PUSH = web.AppKey("board_push", BoardPush)


async def board_push(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the board's tick, when there is a wallboard (an AMI connection)."""
    live = app.get(keys.WALLBOARD)
    workspace = app.get(WORKSPACE)
    if live is None or workspace is None:
        yield
        return
    push = BoardPush(app[keys.POOL], workspace.hub, live.board.snapshot)
    app[BOARD_PUSH] = push
    task = asyncio.ensure_future(push.run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def talk_rules(row: Any) -> TalkRules:
    """A tenant's flag thresholds from its sampling row."""
    return TalkRules(
        float(row["flag_silence_s"]), float(row["flag_agent_share"]), float(row["flag_overtalk_s"])
    )


class TalkRecorder:
    """Feeds the talk tracker from every node's AMI events and stores each call's figures."""

    def __init__(self, pool: Any, rules: TalkRules | None = None) -> None:
        self._pool = pool
        self.tracker = TalkTracker(rules or TalkRules())
        self._tasks: set[asyncio.Task[None]] = set()
        self.stored = 0
        self.busy_s = 0.0  # time spent in the tracker (bench: CPU per call)

    def on_raw(self, fields: Mapping[str, str]) -> None:
        """Runs inside the AMI reader: quick, never waits."""
        started = time.perf_counter()
        try:
            done = self.tracker.step(fields, time.time())
        except Exception:  # a malformed event must not stop the AMI reader's other consumers
            log.exception("talk tracker failed on %s", fields.get("Event"))
            return
        finally:
            self.busy_s += time.perf_counter() - started
        if done is not None:
            task = asyncio.ensure_future(self.store(done))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def store(self, done: TalkDone) -> None:
        """Write one call's figures."""
        try:
            async with connection(self._pool) as conn:
                row = await repo.sampling(conn, done.tenant_id)
                # The tenant's own flag thresholds, when it set them.
                f = done.figures if row is None else with_rules(done.figures, talk_rules(row))
                await repo.store_talk(
                    conn, done.tenant_id, done.linkedid, done.extension, f, json.dumps(f.segments)
                )
            self.stored += 1
        except Exception:
            log.exception("talk figures of %s not stored", done.linkedid)

    async def stop(self) -> None:
        """Wait for figures being stored."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)


TALK = web.AppKey("talk", TalkRecorder)


async def talk_detection(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: talk figures of recorded calls, from every node's AMI connection."""
    ami = app.get(keys.AMI)
    if ami is None:
        yield
        return
    recorder = TalkRecorder(app[keys.POOL])
    app[TALK] = recorder
    ami.on_raw(recorder.on_raw)
    try:
        yield
    finally:
        await recorder.stop()
