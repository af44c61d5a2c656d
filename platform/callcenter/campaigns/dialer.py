"""The dialer: one task per running campaign, its whole state in PostgreSQL.

Every second a campaign's task reads its row (so pause, stop and edits take effect at the
next tick, whichever control plane made them), checks the calling hours (the tenant's
schedule with its holidays, ``schedule_open``), counts the queue's free agents on the
tenant's home node (``QueueStatus``), asks the pure pacing (``pacing.dials_now``) how many
to dial, claims that many due contacts (DNC checked again in the same statement) and
originates one ``Local/ca<attempt>@cc-campaign-dial/n`` per contact on the home node. The
calls' own events (``events.py``) close each attempt; ``rules.py`` decides the contact's
next step. Preview campaigns are dialled by their agents (``preview.py``), never here.

Restart: campaigns are found again from ``status = 'running'``. Attempts whose events went
with the old process (or with a lost AMI connection) are found by a sweep every 10 s: an
attempt in flight whose ``Local/ca<id>`` channel no node shows at two sweeps in a row is
closed from what is known of it (``_sweep``) and the rules take it from there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any

from callcenter.ami.cluster import AmiCluster
from callcenter.asterisk.naming import queue_name
from callcenter.campaigns import repo
from callcenter.campaigns.events import (
    AgentTook,
    DncRequest,
    LegEnded,
    attempt_of_channel,
    campaign_event,
)
from callcenter.campaigns.pacing import PacingInput, dials_now
from callcenter.campaigns.rules import Outcome, answered_outcome, dial_outcome, next_step
from callcenter.contacts.csv_list import national_number
from callcenter.db.pool import connection, transaction
from callcenter.errors import DomainError, InvalidInput
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)

AGENTLESS_LINES = 4  # concurrent calls of an agentless campaign (within the tenant's cap)
RING_SAMPLES = 200  # recent ring times the pacing learns from (answered, unanswered)
SWEEP_S = 10.0  # how often attempts in flight are checked against the nodes' channels


class Dialer:
    """Runs every running campaign of every tenant."""

    def __init__(self, pool: Any, ami: AmiCluster, *, tick: float = 1.0) -> None:
        self._pool = pool
        self._ami = ami
        self._tick = tick
        self._runs: dict[int, asyncio.Task[None]] = {}
        self._calls: set[asyncio.Task[None]] = set()
        self._events: asyncio.Queue[LegEnded | AgentTook | DncRequest] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self.decisions: list[float] = []  # seconds per pacing decision (bench figures)
        self._next_sweep: dict[int, float] = {}
        self._suspects: dict[int, set[int]] = {}  # attempts without a channel at the last sweep

    async def start(self) -> None:
        """Listen to campaign events and start the supervisor."""
        self._ami.on_raw(self._on_raw)
        self._tasks = [
            asyncio.create_task(self._supervise(), name="dialer"),
            asyncio.create_task(self._consume(), name="dialer-events"),
        ]

    async def stop(self) -> None:
        """Stop every task; calls in progress go on in Asterisk."""
        await cancel_and_wait([*self._tasks, *self._runs.values(), *self._calls])

    def _on_raw(self, msg: Any) -> None:
        event = campaign_event(msg)
        if event is not None:
            self._events.put_nowait(event)

    # ------------------------------------------------------------------ campaigns
    async def _supervise(self) -> None:
        while True:
            try:
                async with connection(self._pool) as conn:
                    rows = await repo.running_campaigns(conn)
                for row in rows:
                    task = self._runs.get(row["id"])
                    if task is None or task.done():
                        self._runs[row["id"]] = asyncio.create_task(
                            self._run(row["tenant_id"], row["id"]), name=f"campaign-{row['id']}"
                        )
            except DomainError as exc:
                log.warning("dialer: %s", exc.message)
            await asyncio.sleep(self._tick)

    async def _run(self, tenant_id: str, campaign_id: int) -> None:
        first = True
        while True:
            try:
                if not await self._step(tenant_id, campaign_id, first):
                    return
                first = False
            except DomainError as exc:
                log.warning("campaign %s: %s", campaign_id, exc.message)
            await asyncio.sleep(self._tick)

    async def _step(self, tenant_id: str, campaign_id: int, first: bool) -> bool:
        """One tick of one campaign; False when it is no longer running."""
        async with connection(self._pool) as conn:
            row = await repo.get_campaign(conn, tenant_id, campaign_id)
            if row is None or row["status"] != "running":
                return False
        if first or time.monotonic() >= self._next_sweep.get(campaign_id, 0.0):
            self._next_sweep[campaign_id] = time.monotonic() + SWEEP_S
            await self._sweep(row)
        started = time.perf_counter()
        async with connection(self._pool) as conn:
            counts = await repo.pacing_counts(conn, tenant_id, campaign_id)
            rings = None
            if row["mode"] == "predictive":
                rings = await repo.ring_times(conn, tenant_id, campaign_id, RING_SAMPLES)
            if counts["open"] == 0 and await repo.unfinished(conn, tenant_id, campaign_id) == 0:
                await repo.set_status(conn, tenant_id, campaign_id, "completed")
                return False
            if row["mode"] == "preview":
                return True  # its agents dial (preview.py)
            if not await repo.is_open(conn, tenant_id, row["schedule"], datetime.now(UTC)):
                return True
        if row["mode"] == "agentless":
            n = max(0, AGENTLESS_LINES - counts["open"])
        else:
            free, busy, waiting = await self._agents(tenant_id, row["queue"])
            n = dials_now(
                "predictive" if row["mode"] == "predictive" else "progressive",
                PacingInput(
                    free_agents=free,
                    in_flight=counts["in_flight"],
                    answered=counts["reached"],
                    abandoned=counts["abandoned"],
                    dials_ended=counts["ended"],
                    answers=counts["answers"],
                    cap=float(row["abandon_cap"]) / 100,
                    busy_agents=busy,
                    mean_ring_s=counts["mean_ring_s"],
                    mean_handle_s=counts["mean_handle_s"],
                    ringing_ages=tuple(rings["ages"]) if rings else (),
                    answered_rings=tuple(rings["answered"]) if rings else (),
                    unanswered_rings=tuple(rings["unanswered"]) if rings else (),
                    waiting=waiting,
                ),
            )
        if n > 0:
            async with transaction(self._pool) as conn:
                attempts = await repo.claim_due(conn, tenant_id, campaign_id, n)
            for attempt in attempts:
                self._spawn(self._place(row, attempt["id"]))
        self.decisions.append(time.perf_counter() - started)
        del self.decisions[:-10000]
        return True

    async def _sweep(self, row: Any) -> None:
        """Close attempts whose call is gone without its events reaching us (a restart of
        the control plane, a lost AMI connection): no ``Local/ca<id>`` channel on any node at
        two sweeps in a row. Answered with an agent (or agentless): answered; answered
        without one: abandoned; never answered: failed (retried by the rules). Preview calls
        run on the agent's channel: only unanswered ones older than a dial are closed."""
        tenant_id, campaign_id = row["tenant_id"], row["id"]
        async with connection(self._pool) as conn:
            rows = await repo.open_attempts(conn, tenant_id, campaign_id, 10)
        if not rows:
            self._suspects.pop(campaign_id, None)
            return
        if row["mode"] == "preview":
            async with connection(self._pool) as conn:
                old = await repo.open_attempts(
                    conn, tenant_id, campaign_id, row["dial_timeout"] + 60
                )
            for r in old:
                if not r["answered"]:
                    await self._finish(r["id"], "failed")
            return
        try:
            channels = await self._ami.action_list("CoreShowChannels")
        except DomainError:
            return  # no node to ask: try again at the next sweep
        live = {attempt_of_channel(c.get("Channel", "")) for c in channels}
        gone = {r["id"] for r in rows if r["id"] not in live}
        confirmed = gone & self._suspects.get(campaign_id, set())
        self._suspects[campaign_id] = gone - confirmed
        for r in rows:
            if r["id"] not in confirmed:
                continue
            outcome: Outcome = "failed"
            if r["answered"]:
                outcome = "answered" if r["taken"] or row["mode"] == "agentless" else "abandoned"
            log.info("campaign attempt %s lost its events: closed as %s", r["id"], outcome)
            await self._finish(r["id"], outcome)

    async def _agents(self, tenant_id: str, queue: str) -> tuple[int, int, int]:
        """Members of the queue (home node) free now (available, not paused, not on a call)
        and busy on a call, and the callers waiting in it."""
        items = await self._ami.for_tenant(tenant_id).action_list(
            "QueueStatus", Queue=queue_name(tenant_id, queue)
        )
        members = [i for i in items if i.get("Event") == "QueueMember"]
        free = sum(
            1
            for i in members
            if i.get("Status") == "1"  # AST_DEVICE_NOT_INUSE
            and i.get("Paused", "0") == "0"
            and i.get("InCall", "0") == "0"
        )
        busy = sum(
            1
            for i in members
            if i.get("Paused", "0") == "0"
            and (i.get("InCall", "0") == "1" or i.get("Status") in ("2", "3", "6", "7"))
        )
        params = [i for i in items if i.get("Event") == "QueueParams"]
        waiting = int(params[0].get("Calls", "0") or 0) if params else 0
        return free, busy, waiting

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._calls.add(task)
        task.add_done_callback(self._calls.discard)

    async def _place(self, row: Any, attempt_id: int) -> None:
        tenant_id = row["tenant_id"]
        try:
            await self._ami.for_tenant(tenant_id).originate(
                timeout=row["dial_timeout"] + 15,
                Channel=f"Local/ca{attempt_id}@cc-campaign-dial/n",
                Context="cc-campaign",
                Exten=f"ca{attempt_id}",
                Priority=1,
                Timeout=row["dial_timeout"] * 1000,
                Variable=f"TENANT={tenant_id}",
            )
        except DomainError as exc:
            # Unanswered: the customer leg's own event says why (busy, no answer...); if
            # none comes (the Local channel never ran), the attempt failed.
            log.info("campaign attempt %s not answered: %s", attempt_id, exc.details)
            await asyncio.sleep(5)
            await self._finish(attempt_id, "failed", only_unanswered=True)

    def place_preview(
        self, tenant_id: str, endpoint: str, attempt_id: int, number: str, ami: AmiCluster
    ) -> None:
        """Preview: ring the agent's phone, then the customer (``cc-campaign-dial``)."""
        self._spawn(self._place_preview(tenant_id, endpoint, attempt_id, number, ami))

    async def _place_preview(
        self, tenant_id: str, endpoint: str, attempt_id: int, number: str, ami: AmiCluster
    ) -> None:
        try:
            await ami.for_tenant(tenant_id).originate(
                timeout=45,
                Channel=f"PJSIP/{endpoint}",
                Context="cc-campaign-dial",
                Exten=f"ca{attempt_id}",
                Priority=1,
                CallerID=f'"{number}" <{number}>',
                Variable=[f"__TENANT={tenant_id}", "BRIDGE_FEATURES=T"],
                Timeout=30000,
            )
        except DomainError as exc:
            log.info("preview attempt %s: the agent did not answer: %s", attempt_id, exc.details)
            await asyncio.sleep(5)
            await self._finish(attempt_id, "failed", only_unanswered=True)

    # ------------------------------------------------------------------ outcomes
    async def _consume(self) -> None:
        while True:
            event = await self._events.get()
            try:
                await self.handle(event)
            except DomainError as exc:
                log.warning("campaign event %s: %s", event, exc.message)

    async def handle(self, event: LegEnded | AgentTook | DncRequest) -> None:
        """Apply one campaign call event to its attempt, or a caller's DNC request."""
        if isinstance(event, DncRequest):
            await self._do_not_call(event)
            return
        if isinstance(event, AgentTook):
            async with transaction(self._pool) as conn:
                a = await repo.attempt_for_update(conn, event.attempt_id)
                if a is not None:
                    await repo.note_attempt(
                        conn,
                        a["tenant_id"],
                        a["id"],
                        answered=True,
                        agent=event.agent,
                        linkedid=event.linkedid or None,
                    )
            return
        if event.leg == "dial":
            outcome = dial_outcome(event.status)
            async with transaction(self._pool) as conn:
                a = await repo.attempt_for_update(conn, event.attempt_id)
                if a is None:
                    return
                await repo.note_attempt(
                    conn,
                    a["tenant_id"],
                    a["id"],
                    answered=outcome is None,
                    linkedid=event.linkedid or None,
                    dial_status=event.status or "NONE",
                )
                preview = await conn.fetchval(
                    "SELECT mode = 'preview' FROM campaigns WHERE id = $1", a["campaign_id"]
                )
            if outcome is not None:
                await self._finish(event.attempt_id, outcome)
            elif preview:
                await self._finish(event.attempt_id, "answered")
            return
        async with connection(self._pool) as conn:
            agent = await conn.fetchval(
                "SELECT agent FROM campaign_attempts WHERE id = $1", event.attempt_id
            )
        await self._finish(
            event.attempt_id,
            answered_outcome(event.status, agent is not None),
            linkedid=event.linkedid or None,
            survey_answer=event.keys if event.status == "survey" and event.keys else None,
            do_not_call=event.status == "agentless" and event.keys == "9",
        )

    async def _do_not_call(self, event: DncRequest) -> None:
        """A caller pressed an IVR's "do not call me again": its number (national form, as
        contacts are stored) goes on the tenant's list, pending contacts with it leave every
        campaign of the tenant, and the dialer never claims it again."""
        try:
            number = national_number(event.number)
        except InvalidInput:
            number = event.number  # a short or foreign number: its digits, as received
        async with transaction(self._pool) as conn:
            if await conn.fetchval("SELECT 1 FROM tenants WHERE id = $1", event.tenant_id):
                await repo.add_dnc(conn, event.tenant_id, [number], "ivr")

    async def _finish(
        self,
        attempt_id: int,
        outcome: Outcome,
        *,
        only_unanswered: bool = False,
        linkedid: str | None = None,
        survey_answer: str | None = None,
        do_not_call: bool = False,
    ) -> None:
        async with transaction(self._pool) as conn:
            a = await repo.attempt_for_update(conn, attempt_id)
            if a is None or a["outcome"] is not None:
                return
            if only_unanswered and a["answered_at"] is not None:
                return
            if outcome in ("answered", "abandoned"):
                await repo.note_attempt(
                    conn,
                    a["tenant_id"],
                    attempt_id,
                    answered=True,
                    linkedid=linkedid,
                    keys=survey_answer,
                )
            if do_not_call:
                # The customer asked (key 9 after the notice) not to be called again.
                phone = await conn.fetchval(
                    "SELECT phone FROM campaign_attempts WHERE id = $1", attempt_id
                )
                await repo.add_dnc(conn, a["tenant_id"], [phone], "ivr")
            if survey_answer is not None:
                # The answer is the contact's disposition when the campaign lists it.
                row = await repo.get_campaign(conn, a["tenant_id"], a["campaign_id"])
                if row is not None and survey_answer in json.loads(row["dispositions"]):
                    success = survey_answer in json.loads(row["success_dispositions"])
                    await repo.save_disposition(
                        conn, a["tenant_id"], a["contact_id"], survey_answer, success
                    )
            step = next_step(
                outcome,
                a["attempts"],
                a["max_attempts"],
                json.loads(a["retry_delays"]),
                datetime.now(UTC),
            )
            await repo.finish_attempt(
                conn,
                a["tenant_id"],
                attempt_id,
                a["contact_id"],
                outcome,
                step.status,
                step.next_at,
            )
