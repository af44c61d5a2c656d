"""SIP brute force from a shared address: the guard cannot be turned against an office.

An office's phones sit behind one NAT address. Anyone can send single spoofed UDP packets
"from" that address - REGISTERs without credentials, for users that do not exist - and a
phone there may mistype a password now and then. None of that blocks the office: only
failed digest responses count, and an address where seats authenticate is spared. A real
brute force (wrong passwords answering our challenges) from another address is blocked.

Behind the edge a node's nonce covers only the edge's address, so the edge binds each
challenge to the source it went to: answers to a challenge fetched from another address,
sent with the office's address as source, count for nothing either.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from callcenter import keys
from callcenter.app import create_app
from callcenter.devstack.sip import SipRegistrar
from callcenter.security.service import has_registered_seats

from stack import AMI_SECRET, AMI_USER, PLATFORM_AMI, PLATFORM_AMI_HOST, PLATFORM_SIP, Stack
from support import OPERATOR, ApiClient, make_settings, wait_for

pytestmark = pytest.mark.e2e

# Neither is in sip_guard_allow; apart from test_sip_bruteforce.py's attacker (127.0.0.5).
OFFICE, ATTACKER = "127.0.0.7", "127.0.0.8"
THRESHOLD = 5


async def test_a_flood_of_cheap_requests_from_an_office_address_never_blocks_its_phones(
    aiohttp_client: Any, stack: Stack, uid: str, db: Any
) -> None:
    app = create_app(
        make_settings(
            stack.dsn,
            ami_enabled=True,
            ami_host=PLATFORM_AMI_HOST,
            ami_port=PLATFORM_AMI,
            ami_username=AMI_USER,
            ami_secret=AMI_SECRET,
            sip_guard_threshold=THRESHOLD,
            sip_guard_window_s=60.0,
            sip_guard_block_s=60.0,
            sip_guard_allow="",
        )
    )
    api = ApiClient(await aiohttp_client(app))
    await app[keys.AMI].wait_ready()
    guard = app[keys.SIP_GUARD]
    op = await api.login(*OPERATOR)
    tid = "nat" + uid
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": "Office", "admin": {"username": f"{tid}-a", "password": "pw-1234567"}},
        expect=201,
    )
    admin = await api.login(f"{tid}-a", "pw-1234567")
    seats = {}
    for ext in ("1001", "1002"):
        _, seat = await admin.call(
            "POST", f"/api/v1/tenants/{tid}/seats", {"extension": ext}, expect=201
        )
        seats[ext] = (seat["sip"]["username"], seat["sip"]["password"])
    (user, password), (other, other_password) = seats["1001"], seats["1002"]
    await db.execute("DELETE FROM sip_blocks WHERE address = ANY($1::inet[])", [OFFICE, ATTACKER])
    await db.execute(
        "DELETE FROM sip_auth_events WHERE address = ANY($1::inet[])", [OFFICE, ATTACKER]
    )
    await wait_for(lambda: guard.listening, 5)
    seen_before = guard.failures  # replayed from earlier tests (other addresses)

    async with (
        SipRegistrar(OFFICE, "127.0.0.1", PLATFORM_SIP, expires=300) as phone,
        SipRegistrar(OFFICE, "127.0.0.1", PLATFORM_SIP) as spoofer,
        SipRegistrar(ATTACKER, "127.0.0.1", PLATFORM_SIP) as attacker,
    ):
        assert await phone.register(user, password) == 200
        # Its contact's Path names the office's address (a control plane that has not seen
        # it authenticate, after a restart, spares it by that).
        assert await has_registered_seats(app[keys.POOL], OFFICE)

        # The flood: single packets that need no answer, 12x the threshold.
        for i in range(THRESHOLD * 6):
            await spoofer.probe(f"{tid}-9{i:03d}")  # no such user: InvalidAccountID
            await spoofer.probe(user)  # no credentials: a challenge, nothing more
        # Wrong passwords "from the office" answering challenges the attacker fetched from
        # its own address (the nonce alone would pass: a node's covers only the edge).
        for i in range(THRESHOLD * 2):
            call_id, challenge = await attacker.challenge(other)
            forged = attacker.credentials(other, f"spoof-{i}", challenge)
            assert await spoofer.answer(other, call_id, forged) in (401, 403)
        await asyncio.sleep(1.0)
        assert guard.failures == seen_before
        # And real failures from the office: a phone with a mistyped password.
        for i in range(THRESHOLD * 2):
            assert await spoofer.register(other, f"typo-{i}") in (401, 403)
        await asyncio.sleep(1.0)  # the AMI security events have arrived and been handled

        # The office is not blocked: its phone re-registers and can be called.
        assert await db.fetchval("SELECT count(*) FROM sip_blocks WHERE address = $1", OFFICE) == 0
        assert await phone.register(user, password) == 200
        call = asyncio.ensure_future(
            app[keys.AMI].originate(
                Channel=f"PJSIP/{user}", Application="Wait", Data="1", Timeout=3000, timeout=10
            )
        )
        try:
            invite = await phone.request("INVITE", timeout=5)
            assert f"sip:{user}@{OFFICE}" in invite.splitlines()[0]
        finally:
            call.cancel()
            with contextlib.suppress(BaseException):
                await call

        # A real brute force from another address is blocked after THRESHOLD wrong passwords.
        statuses = []
        for i in range(THRESHOLD + 3):
            statuses.append(await attacker.register(other, f"guess-{i}"))
            if 403 in statuses:
                break
        await wait_for(lambda: guard.blocks >= 1, 5)

        async def refused() -> bool:  # the edge reads new blocks twice a second
            return await attacker.probe(other) == 403

        await wait_for(refused, 1.5)
        assert await attacker.register(other, other_password) == 403
        blocked = await db.fetch(
            "SELECT host(address) AS a FROM sip_blocks"
            " WHERE address = ANY($1::inet[]) AND blocked_until > now()",
            [OFFICE, ATTACKER],
        )
        assert [r["a"] for r in blocked] == [ATTACKER]
        # ... while the office keeps working.
        assert await phone.register(user, password) == 200
        assert await spoofer.register(other, other_password) == 200
    # The office's typos were seen, then spared.
    assert guard.failures - seen_before >= THRESHOLD * 2 + 5
    print(f"failed digest responses seen: {guard.failures}, attacker statuses {statuses}")
