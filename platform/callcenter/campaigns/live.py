"""Live campaign figures on the wallboard: dialled, reached, success, abandon rate and agents
busy per campaign, pushed to the tenant's wallboards (``type: campaigns``) as they change.

The dialer's whole state is in PostgreSQL (any control plane may be dialling), so a tick
reads the figures of the campaigns of tenants someone is watching, once a second, and each
tenant-wide subscriber gets the message only when what it would see changed (a new
subscriber gets it at the next tick; a tenant with no live campaign sends none). A
supervisor restricted to some queues sees the campaigns of those queues only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from aiohttp import web

from callcenter import keys
from callcenter.campaigns import repo
from callcenter.campaigns.rules import abandon_rate
from callcenter.db.pool import connection
from callcenter.workspace.hub import Hub, Subscriber
from callcenter.workspace.lifecycle import WORKSPACE

log = logging.getLogger(__name__)
TICK_S = 1.0


def figures(row: Mapping[str, Any]) -> dict[str, Any]:
    """One campaign as the wallboard shows it. Pure."""
    answered, abandoned = int(row["answered"]), int(row["abandoned"])
    return {
        "id": int(row["id"]),
        "name": row["name"],
        "queue": row["queue"],
        "status": row["status"],
        "dialled": int(row["dialled"]),
        "in_flight": int(row["in_flight"]),
        "reached": answered + abandoned,
        "success": int(row["success"]),
        "abandon_rate_percent": abandon_rate(abandoned, answered),
        "abandon_cap_percent": float(row["abandon_cap"]),
        "agents_busy": int(row["agents_busy"]),
    }


def visible(campaigns: Iterable[dict[str, Any]], queues: frozenset[str] | None) -> list[Any]:
    """The campaigns a subscriber sees: all, or those of a restricted supervisor's queues."""
    return [c for c in campaigns if queues is None or c["queue"] in queues]


class CampaignPush:
    """Owns the tick; remembers what each subscriber was last sent."""

    def __init__(self, pool: Any, hub: Hub) -> None:
        self._pool = pool
        self._hub = hub
        self._last: dict[Subscriber, str] = {}

    async def tick(self) -> int:
        """Push to every tenant-wide subscriber whose view changed; how many got one."""
        watched = {t: self._hub.tenant_wide(t) for t in self._hub.tenants()}
        watched = {t: subs for t, subs in watched.items() if subs}
        if not watched:
            self._last.clear()
            return 0
        async with connection(self._pool) as conn:
            rows = await repo.live_figures(conn, sorted(watched))
        by_tenant: dict[str, list[dict[str, Any]]] = {t: [] for t in watched}
        for row in rows:
            by_tenant[row["tenant_id"]].append(figures(row))
        sent = 0
        live = set()
        for tenant_id, subs in watched.items():
            for sub in subs:
                live.add(sub)
                mine = visible(by_tenant[tenant_id], sub.queues)
                if not mine and sub not in self._last:
                    continue  # nothing to show and nothing shown: no message at all
                message = {"type": "campaigns", "campaigns": mine}
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
            except Exception:  # a failed tick (database away) must not end the pushes
                log.exception("campaign figures tick failed")
            await asyncio.sleep(TICK_S)


async def campaign_push(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: the campaign figures' tick, wherever there are live sockets."""
    workspace = app.get(WORKSPACE)
    if workspace is None:
        yield
        return
    push = CampaignPush(app[keys.POOL], workspace.hub)
    task = asyncio.ensure_future(push.run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
