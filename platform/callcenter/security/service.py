"""The brute-force guard at work: AMI security events in, rows of ``sip_blocks`` out.

Asterisk reads the live rows as PJSIP ACLs (migration 0009), so a block needs nothing but
PostgreSQL to reach an Asterisk on any host, and it ends by itself when its time is up.

Before blocking, the address is checked against the seats registered from it (ps_contacts):
an office whose phones are registered behind the NAT is never blocked, even when the
control plane restarted and has not yet seen them authenticate.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import time
from typing import Any

from callcenter.ami.client import AmiClient
from callcenter.ami.events import AsteriskBooted, DomainEvent, SipAuthFailed, SipAuthSucceeded
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import DomainError, InvalidInput, NotFound
from callcenter.security.guard import Block, Guard, Policy
from callcenter.tasks import cancel_and_wait

log = logging.getLogger(__name__)


class SipGuard:
    """Counts failed SIP authentications per source address and blocks repeat offenders."""

    def __init__(
        self, pool: Any, ami: AmiClient, policy: Policy, allow: frozenset[str] = frozenset()
    ) -> None:
        self._pool = pool
        self._ami = ami
        self.guard = Guard(policy=policy, allow=allow)
        self.failures = 0  # failed digest responses seen
        self.blocks = 0
        self.spared = 0  # blocks not taken: the address had registered seats
        self.reloads = 0
        self._expiries: list[float] = []
        self._tasks: list[asyncio.Task[None]] = []
        ami.on_event(self.handle)

    async def start(self) -> None:
        """Start the task that reloads the ACL when blocks run out."""
        task = asyncio.ensure_future(self._expire())
        task.set_name("sip-guard-expiry")
        self._tasks.append(task)

    async def stop(self) -> None:
        """Stop the expiry task."""
        await cancel_and_wait(self._tasks)

    async def _expire(self) -> None:
        last_sweep = 0.0
        while True:
            await asyncio.sleep(0.5)
            now = time.time()
            if any(u <= now for u in self._expiries):
                self._expiries = [u for u in self._expiries if u > now]
                await self.reload_acl()
            if now - last_sweep >= 10.0:
                last_sweep = now
                self.guard.forget(now)
                try:
                    await delete_expired_blocks(self._pool)
                except (DomainError, OSError) as exc:
                    log.warning("could not delete expired SIP blocks: %s", exc)

    async def reload_acl(self) -> None:
        """Make Asterisk re-read the named ACL from PostgreSQL (res_pjsip_acl follows)."""
        try:
            # A fixed dialplan job (extensions.conf, cc-control): the AMI user holds neither
            # `command` (CLI) nor `system`/`config` (the Reload action).
            await self._ami.originate(
                Channel="Local/acl-reload@cc-control",
                Application="Wait",
                Data="0",
                Variable="CDR_PROP(disable)=1",
                Timeout=5000,
                timeout=10,
            )
            self.reloads += 1
        except DomainError as exc:
            # Asterisk re-reads it when it starts anyway; the next change retries.
            log.warning("could not reload the SIP ACL: %s", exc.message)

    async def handle(self, event: DomainEvent) -> None:
        """Feed one AMI event; never raises (it runs in the AMI dispatch task)."""
        if isinstance(event, AsteriskBooted):
            await self.reload_acl()  # it may have booted before its database driver
            return
        if isinstance(event, SipAuthSucceeded):
            self.guard.succeeded(event.address, time.time())
            return
        if not isinstance(event, SipAuthFailed):
            return
        self.failures += 1
        block = self.guard.failed(event.address, time.time())
        if block is None:
            return
        try:
            if await has_registered_seats(self._pool, block.address):
                # Phones of an office behind this address are registered: spare it.
                self.guard.unblock(block.address)
                self.guard.succeeded(block.address, time.time())
                self.spared += 1
                log.warning(
                    "SIP address %s failed %d authentications but has registered seats:"
                    " not blocked",
                    block.address,
                    block.failures,
                )
                return
            await store_block(self._pool, block, f"{event.kind} {event.account}"[:200])
            self._expiries.append(block.until)
            await self.reload_acl()
            self.blocks += 1  # applied: Asterisk refuses the address from now on
            log.warning(
                "SIP address %s blocked for %.0f s after %d failed authentications",
                block.address,
                block.until - time.time(),
                block.failures,
            )
        except (DomainError, OSError) as exc:
            log.error("could not store the block of %s: %s", block.address, exc)


async def store_block(pool: Any, block: Block, reason: str) -> None:
    """Write (or extend) a block; Asterisk refuses the address from its next request."""
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
    # rewrite_contact=yes: the contact URI carries the address the REGISTER came from.
    host = f"[{address}]" if ":" in address else address
    async with connection(pool) as conn:
        found: bool = await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM ps_contacts"
            " WHERE (position($1 in uri) > 0 OR via_addr = $2)"
            " AND coalesce(expiration_time, 0) > extract(epoch FROM now()))",
            f"@{host}:",
            address,
        )
    return found


async def delete_expired_blocks(pool: Any) -> None:
    """Forget blocks that ran out (the ACL view ignores them already): the table stays small."""
    async with transaction(pool) as conn:
        await conn.execute("DELETE FROM sip_blocks WHERE blocked_until < now()")


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
