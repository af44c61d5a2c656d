"""The lookup gateway: the dialplan's ``CURL()`` asks it, it asks the tenant's API.

Why a gateway and not ``CURL()`` straight to the tenant: the request is signed with the
tenant's secret (HMAC-SHA256, like webhooks), which the dialplan cannot compute without
holding every tenant's secret on every node; the answer's text is spoken (espeak-ng) into a
file the node plays; and each lookup is recorded for the reports. It is bounded: at most
``concurrency`` lookups at once and ``per_tenant`` per tenant, more are answered ``busy`` at
once, and every lookup is cut at the node's ``timeout_ms``. The dialplan's own ``CURL``
timeout covers a gateway that does not answer at all: the call then takes the node's error
branch (docs/selfservice.md).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import aiohttp

from callcenter.db.pool import connection
from callcenter.errors import DomainError, Forbidden
from callcenter.prompts.tts import SpeechError, speak_to
from callcenter.routing.ivr import parse_ivr
from callcenter.selfservice import core, repo
from callcenter.workspace.egress import BodyTooLarge, check_url, read_capped

log = logging.getLogger(__name__)

MAX_REPLY_BYTES = 32 * 1024


class LookupGateway:
    """Answers the dialplan's lookups for every tenant, within fixed bounds."""

    def __init__(
        self,
        pool: Any,
        session: aiohttp.ClientSession,
        *,
        prompts_dir: str | None,
        concurrency: int,
        per_tenant: int,
        allow_private: bool,
        ssl: Any = None,
    ) -> None:
        self._pool = pool
        self._session = session
        self._prompts = Path(prompts_dir) if prompts_dir else None
        self._slots = asyncio.Semaphore(concurrency)
        self._per_tenant = per_tenant
        self._running: dict[str, int] = {}
        self._allow_private = allow_private
        self._ssl = ssl

    async def answer(
        self,
        tenant_id: str,
        ivr: str,
        menu: str,
        digits: str,
        caller: str,
        linkedid: str,
        language: str,
    ) -> str:
        """The dialplan's reply for one lookup (never raises for the tenant's failures)."""
        if self._slots.locked() or self._running.get(tenant_id, 0) >= self._per_tenant:
            await self._record(tenant_id, ivr, menu, linkedid, "busy", 0)
            return core.dialplan_reply("busy")
        self._running[tenant_id] = self._running.get(tenant_id, 0) + 1
        started = time.monotonic()
        try:
            async with self._slots:
                status, items = await self._lookup(tenant_id, ivr, menu, digits, caller, language)
        finally:
            self._running[tenant_id] -= 1
            if not self._running[tenant_id]:
                del self._running[tenant_id]
        latency = int((time.monotonic() - started) * 1000)
        await self._record(tenant_id, ivr, menu, linkedid, status, latency)
        return core.dialplan_reply(status, items)

    async def _record(
        self, tenant_id: str, ivr: str, menu: str, linkedid: str, status: str, ms: int
    ) -> None:
        try:
            async with connection(self._pool) as conn:
                await repo.record_lookup(conn, tenant_id, ivr, menu, linkedid, status, ms)
        except DomainError as exc:
            log.warning("lookup of %s not recorded: %s", tenant_id, exc.message)

    async def _lookup(
        self, tenant_id: str, ivr: str, menu: str, digits: str, caller: str, language: str
    ) -> tuple[str, list[core.Spoken]]:
        try:
            async with connection(self._pool) as conn:
                row = await repo.lookup_node(conn, tenant_id, ivr)
        except DomainError as exc:
            log.warning("lookup node of %s unreadable: %s", tenant_id, exc.message)
            return "error", []
        if row is None or row["host"] is None:
            return "error", []
        try:
            node = parse_ivr(json.loads(row["definition"])).menus.get(menu)
        except DomainError:
            return "error", []
        if node is None or node.lookup is None:
            return "error", []
        url = core.lookup_url(node.lookup.url, digits, caller)
        # The host is checked again: the API's host may have changed since the IVR was saved.
        if url.removeprefix("https://").partition("/")[0] != row["host"]:
            return "error", []
        headers = core.signed_headers(row["secret"], url)
        try:
            check_url(url, allow_private=self._allow_private)
            async with self._session.get(
                url,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=node.lookup.timeout_ms / 1000),
                allow_redirects=False,
                ssl=self._ssl if self._ssl is not None else True,
            ) as resp:
                body = await read_capped(resp, MAX_REPLY_BYTES)
                http_status = resp.status
        except TimeoutError:
            return "timeout", []
        except (aiohttp.ClientError, Forbidden, BodyTooLarge) as exc:
            log.info("lookup %s failed: %s", row["host"], exc)
            return "error", []
        try:
            answer = json.loads(body) if http_status == 200 else None
        except ValueError:
            return "error", []
        status = core.found_status(http_status, answer)
        if status != "found":
            return status, []
        items = await self._speak(tenant_id, core.spoken(answer, node.lookup.say), language)
        return status, items

    async def _speak(
        self, tenant_id: str, items: list[core.Spoken], language: str
    ) -> list[core.Spoken]:
        """Text becomes a spoken file under ``<prompts>/<tenant>/ss/`` (by its hash)."""
        out = []
        for item in items:
            if item.kind != "text":
                out.append(item)
                continue
            if self._prompts is None:
                continue
            name = core.speech_name(item.value, language)
            path = self._prompts / tenant_id / "ss" / f"{name}.wav"
            try:
                if not await asyncio.to_thread(path.exists):
                    await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
                    tmp = path.with_suffix(".tmp.wav")
                    await speak_to(item.value, tmp, language)
                    await asyncio.to_thread(tmp.replace, path)
            except (SpeechError, OSError) as exc:
                log.warning("lookup text not spoken: %s", exc)
                continue
            out.append(core.Spoken("text", name))
        return out
