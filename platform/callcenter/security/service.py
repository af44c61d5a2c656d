"""The brute-force guard at work: the edge's record of digest outcomes in, ``sip_blocks`` out.

Behind the SIP edge every request reaches a node from the edge's address, so only the edge
knows who failed. It inserts one ``sip_auth_events`` row per failed digest response it
relays back from a node (and, now and then, per success) with the real source address;
this service LISTENs (``cc_sip_auth``), feeds the pure guard and writes a ``sip_blocks``
row when an address crosses the threshold. The edge re-reads the live blocks twice a second
and refuses every request from them (asterisk_conf/edge/guard.cfg; migration 0019).

Before blocking, the address is checked against the seats registered from it (their
contacts' Path carries the address the REGISTER came from): an office whose phones are
registered behind the NAT is never blocked, even when the control plane restarted and has
not yet seen them authenticate.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from typing import Any

import asyncpg

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import DomainError, InvalidInput, NotFound
from callcenter.security.guard import Block, Guard, Policy
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)

CHANNEL = "cc_sip_auth"
PING_S = 2.0  # a silently dropped LISTEN connection is noticed within this
BATCH = 1000


class SipGuard:
    """Counts failed SIP authentications per source address and blocks repeat offenders."""

    def __init__(
        self, pool: Any, dsn: str, policy: Policy, allow: frozenset[str] = frozenset()
    ) -> None:
        self._pool = pool
        self._dsn = dsn
        self.guard = Guard(policy=policy, allow=allow)
        self.failures = 0  # failed digest responses seen
        self.blocks = 0
        self.spared = 0  # blocks not taken: the address had registered seats
        self.listening = False
        self._last_id: int | None = None
        self._replay_upto = 0  # events up to this id were recorded before this start
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start the listener and the task that forgets what ran out."""
        for coro, name in (
            (self._listen(), "sip-guard-listener"),
            (self._expire(), "sip-guard-expiry"),
        ):
            task = asyncio.ensure_future(coro)
            task.set_name(name)
            self._tasks.append(task)

    async def stop(self) -> None:
        """Stop both tasks."""
        await cancel_and_wait(self._tasks)

    async def _listen(self) -> None:
        while True:
            try:
                conn = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("SIP guard listener cannot connect: %s", exc)
                await asyncio.sleep(0.5)
                continue
            closed = asyncio.Event()
            conn.add_termination_listener(lambda _c, ev=closed: ev.set())
            try:
                await conn.add_listener(CHANNEL, lambda *_: self._wake.set())
                if self._last_id is None:
                    await self._restore(conn)
                await self._drain(conn)  # what arrived while nobody listened
                self.listening = True
                while not closed.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), PING_S)
                    self._wake.clear()
                    await self._drain(conn)  # also a ping: a lost connection shows here
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("SIP guard listener lost: %s", exc)
            finally:
                self.listening = False
                with contextlib.suppress(Exception):
                    await conn.close()
            await asyncio.sleep(0.2)

    async def _restore(self, conn: Any) -> None:
        """After a start: the live blocks, and the events still inside the window or trust.

        Replayed events rebuild windows and trusts but never make a block: one that ran out
        or that an operator lifted while nobody listened must not come back.
        """
        policy = self.guard.policy
        for row in await conn.fetch(
            "SELECT host(address) AS a, extract(epoch FROM blocked_until)::float8 AS u"
            " FROM sip_blocks WHERE blocked_until > now()"
        ):
            self.guard.restore_block(row["a"], row["u"])
        since = max(policy.window_s, policy.trust_s)
        first = await conn.fetchval(
            "SELECT min(id) FROM sip_auth_events WHERE at > now() - make_interval(secs => $1)",
            since,
        )
        self._replay_upto = int(
            await conn.fetchval("SELECT coalesce(max(id), 0) FROM sip_auth_events")
        )
        self._last_id = (self._replay_upto + 1 if first is None else int(first)) - 1

    async def _drain(self, conn: Any) -> None:
        while True:
            rows = await conn.fetch(
                "SELECT id, host(address) AS address, ok, account,"
                " extract(epoch FROM at)::float8 AS at"
                " FROM sip_auth_events WHERE id > $1 ORDER BY id LIMIT $2",
                self._last_id or 0,
                BATCH,
            )
            for row in rows:
                self._last_id = row["id"]
                await self.record(
                    row["address"],
                    row["ok"],
                    row["account"],
                    row["at"],
                    replayed=row["id"] <= self._replay_upto,
                )
            if len(rows) < BATCH:
                return

    async def _expire(self) -> None:
        while True:
            await asyncio.sleep(10.0)
            self.guard.forget(time.time())
            policy = self.guard.policy
            try:
                await delete_expired(self._pool, max(policy.window_s, policy.trust_s))
            except (DomainError, OSError) as exc:
                log.warning("could not delete expired SIP blocks: %s", exc)

    async def record(
        self, address: str, ok: bool, account: str, at: float, *, replayed: bool = False
    ) -> None:
        """One digest outcome the edge relayed; never raises (it runs in the listener)."""
        if ok:
            self.guard.succeeded(address, at)
            return
        if not replayed:
            self.failures += 1
        block = self.guard.failed(address, at)
        if block is None:
            return
        if replayed:
            self.guard.unblock(block.address)  # seen before this start: never a new block
            return
        try:
            if await has_registered_seats(self._pool, block.address):
                # Phones of an office behind this address are registered: spare it.
                self.guard.unblock(block.address)
                self.guard.succeeded(block.address, at)
                self.spared += 1
                log.warning(
                    "SIP address %s failed %d authentications but has registered seats:"
                    " not blocked",
                    block.address,
                    block.failures,
                )
                return
            await store_block(self._pool, block, f"failed digest {account}"[:200])
            self.blocks += 1  # applied: the edge refuses the address within a second
            log.warning(
                "SIP address %s blocked for %.0f s after %d failed authentications",
                block.address,
                block.until - time.time(),
                block.failures,
            )
        except (DomainError, OSError) as exc:
            log.error("could not store the block of %s: %s", block.address, exc)


async def store_block(pool: Any, block: Block, reason: str) -> None:
    """Write (or extend) a block; the edge refuses the address from its next read (0.5 s)."""
    async with transaction(pool) as conn:
        await conn.execute(
            "INSERT INTO sip_blocks (address, blocked_until, failures, reason)"
            " VALUES ($1::inet, to_timestamp($2), $3, $4) ON CONFLICT (address) DO UPDATE SET"
            " blocked_at = now(), blocked_until = EXCLUDED.blocked_until,"
            " failures = EXCLUDED.failures, reason = EXCLUDED.reason",
            block.address,
            block.until,
            block.failures,
            reason,
        )


async def has_registered_seats(pool: Any, address: str) -> bool:
    """Whether a live contact (a registered seat) has ``address`` as its source."""
    # Behind the edge, the contact's Path ends in `received=sip:<source>:<port>` (the edge's
    # add_path_received); the URI is what the phone wrote (a private address behind NAT).
    host = f"[{address}]" if ":" in address else address
    async with connection(pool) as conn:
        found: bool = await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM ps_contacts"
            " WHERE (position($1 in path) > 0 OR position($2 in uri) > 0)"
            " AND coalesce(expiration_time, 0) > extract(epoch FROM now()))",
            f"received=sip:{host}:",
            f"@{host}:",
        )
    return found


async def delete_expired(pool: Any, keep_events_s: float) -> None:
    """Forget blocks that ran out (the edge ignores them already) and digest outcomes older
    than the guard looks back: both tables stay small."""
    async with transaction(pool) as conn:
        await conn.execute("DELETE FROM sip_blocks WHERE blocked_until < now()")
        await conn.execute(
            "DELETE FROM sip_auth_events WHERE at < now() - make_interval(secs => $1)",
            keep_events_s,
        )


async def list_blocks(pool: Any, who: Principal) -> list[dict[str, Any]]:
    """Live blocks, newest first (operators only)."""
    who.require_operator()
    async with connection(pool) as conn:
        rows = await conn.fetch(
            "SELECT host(address) AS address, blocked_at, blocked_until, failures, reason"
            " FROM sip_blocks WHERE blocked_until > now() ORDER BY blocked_at DESC LIMIT 1000"
        )
    return [
        {
            "address": r["address"],
            "blocked_at": r["blocked_at"].isoformat(),
            "blocked_until": r["blocked_until"].isoformat(),
            "failures": r["failures"],
            "reason": r["reason"],
        }
        for r in rows
    ]


async def unblock(pool: Any, who: Principal, address: str) -> None:
    """Lift a block at once (operators only)."""
    who.require_operator()
    try:
        ipaddress.ip_address(address)
    except ValueError as exc:
        raise InvalidInput("not an IP address", field="address") from exc
    async with transaction(pool) as conn:
        done = await conn.execute("DELETE FROM sip_blocks WHERE address = $1::inet", address)
    if done == "DELETE 0":
        raise NotFound("no such block", address=address)
