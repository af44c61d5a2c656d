"""Tenant webhooks: call events POSTed to the tenant's URL, signed, retried with backoff.

``enqueue`` never waits (a full queue drops the event and counts it); a few worker tasks do
the POSTs; a failed delivery is re-queued after its backoff delay by a timer, so a slow or
dead receiver holds no worker while it waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from callcenter.db.notified import NotifiedCache
from callcenter.errors import DomainError, Forbidden
from callcenter.workspace.egress import check_url, refused
from callcenter.workspace.signing import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    retry_delays,
    should_retry,
    sign,
)

log = logging.getLogger(__name__)


@dataclass
class _Delivery:
    tenant_id: str
    body: bytes
    event_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    attempt: int = 0


class WebhookSender:
    """Delivers tenant webhooks from a bounded queue."""

    def __init__(
        self,
        integrations: NotifiedCache[str, Any],
        session: aiohttp.ClientSession,
        *,
        workers: int = 4,
        queue_size: int = 10_000,
        attempts: int = 5,
        first_delay_s: float = 0.5,
        timeout_s: float = 5.0,
        allow_private: bool = False,
    ) -> None:
        self._allow_private = allow_private
        self._integrations = integrations
        self._session = session
        self._queue: asyncio.Queue[_Delivery] = asyncio.Queue(queue_size)
        self._workers = workers
        self._delays = retry_delays(attempts, first_delay_s)
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._tasks: set[asyncio.Task[None]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self.delivered = 0
        self.failed = 0
        self.dropped = 0

    async def start(self) -> None:
        """Start the workers."""
        for i in range(self._workers):
            task = asyncio.ensure_future(self._work())
            task.set_name(f"webhook-{i}")
            self._tasks.add(task)

    async def stop(self) -> None:
        """Cancel workers and pending retries."""
        for timer in self._timers:
            timer.cancel()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    def enqueue(self, tenant_id: str, event: dict[str, Any]) -> None:
        """Queue one event for the tenant's webhook (if it has one); never waits."""
        body = json.dumps(event, separators=(",", ":")).encode()
        self._put(_Delivery(tenant_id, body))

    def _put(self, delivery: _Delivery) -> None:
        try:
            self._queue.put_nowait(delivery)
        except asyncio.QueueFull:
            self.dropped += 1
            log.warning("webhook queue full; event for %s dropped", delivery.tenant_id)

    async def _work(self) -> None:
        while True:
            delivery = await self._queue.get()
            try:
                await self._deliver(delivery)
            except Exception:
                log.exception("webhook delivery crashed")

    async def _deliver(self, delivery: _Delivery) -> None:
        try:
            integ = await self._integrations.get(delivery.tenant_id)
        except DomainError:
            self._retry(delivery)  # database unavailable: try again later
            return
        if integ is None or not integ["webhook_url"] or not integ["webhook_secret"]:
            return  # the tenant has no webhook
        ts = int(time.time())
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(integ["webhook_secret"], ts, delivery.body),
            TIMESTAMP_HEADER: str(ts),
            EVENT_ID_HEADER: delivery.event_id,
        }
        status: int | None
        try:
            check_url(integ["webhook_url"], allow_private=self._allow_private)
            # The session's resolver checks the host's addresses and connects to those only;
            # the reply's body is never read (only its status counts).
            async with self._session.post(
                integ["webhook_url"],
                data=delivery.body,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            ) as resp:
                status = resp.status
        except Forbidden:
            self.failed += 1
            log.warning("webhook URL of %s refused (not a public address)", delivery.tenant_id)
            return
        except aiohttp.ClientError as exc:
            if refused(exc):
                self.failed += 1
                log.warning("webhook URL of %s refused (not a public address)", delivery.tenant_id)
                return
            status = None
        except TimeoutError:
            status = None
        if status is not None and 200 <= status < 300:
            self.delivered += 1
            return
        if not should_retry(status):
            self.failed += 1
            log.info("webhook for %s refused with %s", delivery.tenant_id, status)
            return
        self._retry(delivery)

    def _retry(self, delivery: _Delivery) -> None:
        if delivery.attempt >= len(self._delays):
            self.failed += 1
            log.warning(
                "webhook for %s failed after %d attempts", delivery.tenant_id, delivery.attempt + 1
            )
            return
        delay = self._delays[delivery.attempt]
        delivery.attempt += 1
        loop = asyncio.get_running_loop()
        timer: asyncio.TimerHandle | None = None

        def again() -> None:
            if timer is not None:
                self._timers.discard(timer)
            self._put(delivery)

        timer = loop.call_later(delay, again)
        self._timers.add(timer)
