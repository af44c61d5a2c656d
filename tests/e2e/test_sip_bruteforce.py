"""SIP brute force through the edge: an address that keeps failing registration is blocked by
the edge (which records each failed digest it relays back from a node; the control plane's
guard writes the block; the edge refuses the address within a second), a legitimate phone
from another address keeps working, and the block runs out by itself."""

from __future__ import annotations

import time
from typing import Any

import pytest

from callcenter import keys
from callcenter.app import create_app
from callcenter.devstack.sip import SipRegistrar

from stack import AMI_SECRET, AMI_USER, PLATFORM_AMI, PLATFORM_AMI_HOST, PLATFORM_SIP, Stack
from support import OPERATOR, ApiClient, make_settings, wait_for

pytestmark = pytest.mark.e2e

ATTACKER = "127.0.0.5"
THRESHOLD, BLOCK_S = 5, 4.0


async def test_repeated_failed_registrations_block_the_address_then_the_block_runs_out(
    aiohttp_client: Any, stack: Stack, uid: str, db: Any
) -> None:
    settings = make_settings(
        stack.dsn,
        ami_enabled=True,
        ami_host=PLATFORM_AMI_HOST,
        ami_port=PLATFORM_AMI,
        ami_username=AMI_USER,
        ami_secret=AMI_SECRET,
        sip_guard_threshold=THRESHOLD,
        sip_guard_window_s=30.0,
        sip_guard_block_s=BLOCK_S,
        sip_guard_allow="",  # the phone on 127.0.0.1 is spared by the per-address block alone
    )
    app = create_app(settings)
    api = ApiClient(await aiohttp_client(app))
    await app[keys.AMI].wait_ready()
    op = await api.login(*OPERATOR)
    tid = "bf" + uid
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": "Brute", "admin": {"username": f"{tid}-a", "password": "pw-1234567"}},
        expect=201,
    )
    admin = await api.login(f"{tid}-a", "pw-1234567")
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201
    )
    user, password = seat["sip"]["username"], seat["sip"]["password"]
    await db.execute("DELETE FROM sip_blocks WHERE address = $1::inet", ATTACKER)
    await db.execute("DELETE FROM sip_auth_events WHERE address = $1::inet", ATTACKER)
    guard = app[keys.SIP_GUARD]
    await wait_for(lambda: guard.listening, 5)

    async with (
        SipRegistrar(ATTACKER, "127.0.0.1", PLATFORM_SIP) as attacker,
        SipRegistrar("127.0.0.1", "127.0.0.1", PLATFORM_SIP) as phone,
    ):
        assert await attacker.probe(user) == 401  # not blocked yet: challenged
        started = time.monotonic()
        statuses = []
        # Wrong passwords answering our challenges (what a brute force is; requests for
        # users that do not exist count for nothing: tests/e2e/test_sip_guard_shared_nat.py).
        for i in range(THRESHOLD + 3):
            statuses.append(await attacker.register(user, f"guess-{i}"))
            if 403 in statuses or guard.blocks:
                break
        await wait_for(lambda: guard.blocks >= 1, 5)
        blocked_after = time.monotonic() - started

        # The edge refuses the address within a second of the block's row.
        async def refused() -> bool:
            return await attacker.probe(user) == 403

        await wait_for(refused, 2, interval=0.02)
        in_force_after = time.time() - await db.fetchval(
            "SELECT extract(epoch FROM blocked_at)::float8 FROM sip_blocks WHERE address = $1",
            ATTACKER,
        )
        assert in_force_after < 1.0
        # Blocked: even the right password from that address is refused.
        assert await attacker.register(user, password) == 403
        # The legitimate phone, from another address, registers throughout.
        assert await phone.register(user, password) == 200
        _, blocks = await op.call("GET", "/api/v1/security/sip-blocks", expect=200)
        assert ATTACKER in [b["address"] for b in blocks]
        assert (await admin.call("GET", "/api/v1/security/sip-blocks"))[0] == 403

        # The block runs out by itself (the edge compares its end with its clock, and reads
        # the set again when the live blocks change).
        async def registers() -> bool:
            return await attacker.register(user, password) == 200

        await wait_for(registers, BLOCK_S + 3, interval=0.2)
        print(
            f"failures sent {len(statuses)}, statuses {statuses},"
            f" block written {blocked_after * 1000:.0f} ms after the first failure,"
            f" in force at the edge {in_force_after * 1000:.0f} ms after that"
        )
    assert guard.blocks >= 1
