"""Foundation acceptance: a carrier call to a tenant's 400 number reaches a real SIP phone."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import pytest

from callcenter import keys
from callcenter.devstack.phones import Account

from stack import PLATFORM_SIP, Stack, running
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e

REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"


async def provision_tenant(
    api: ApiClient, tenant: str, numbers: list[str], extensions: list[str], queue_ext: str
) -> tuple[ApiClient, dict[str, Any]]:
    op = await api.login(*OPERATOR)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tenant,
            "name": tenant.title(),
            "admin": {"username": f"{tenant}-admin", "password": "admin-password"},
        },
        expect=201,
    )
    for number in numbers:
        await op.call("POST", f"/api/v1/tenants/{tenant}/numbers", {"number": number}, expect=201)
    admin = await api.login(f"{tenant}-admin", "admin-password")
    seats = {}
    for ext in extensions:
        _, seat = await admin.call(
            "POST",
            f"/api/v1/tenants/{tenant}/seats",
            {"extension": ext, "name": f"Agent {ext}"},
            expect=201,
        )
        seats[ext] = seat["sip"]
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "support",
            "extension": queue_ext,
            "strategy": "rrmemory",
            "members": [{"extension": e} for e in extensions],
        },
        expect=201,
    )
    return admin, seats


def account(sip: dict[str, Any]) -> Account:
    return Account(sip["username"], sip["password"], sip["registrar"])


async def rtp_packets(stack: Stack) -> tuple[int, int]:
    """Received and sent RTP packets of the carrier's live channel (the caller side)."""
    out = await stack.carrier.cli("pjsip show channelstats")
    for line in out.splitlines():
        tokens = line.split()
        names = [i for i, t in enumerate(tokens) if t.startswith("platform-")]
        if names and len(tokens) >= names[0] + 8:
            i = names[0]
            return int(tokens[i + 3]), int(tokens[i + 7])
    return 0, 0


async def test_a_carrier_call_to_the_400_number_reaches_a_phone_and_is_billed_to_the_tenant(
    stack: Stack, platform_api: ApiClient, db: Any
) -> None:
    admin, seats = await provision_tenant(
        platform_api, "acme", ["400-800-1234", "0755-2345-6789"], ["1001", "1002"], "600"
    )
    await admin.call(
        "PUT",
        "/api/v1/tenants/acme/numbers/4008001234/route",
        {"type": "queue", "target": "support"},
        expect=200,
    )
    sync = platform_api.client.app[keys.SYNC]
    phone1 = stack.phone("acme-1001", account(seats["1001"]))
    phone2 = stack.phone("acme-1002", account(seats["1002"]))
    async with running(phone1, phone2):
        # Both phones register with the credentials the API returned; the platform marks
        # them available to the queue.
        await wait_for(
            lambda: (
                sync.state_of("acme-1001") == "NOT_INUSE"
                and sync.state_of("acme-1002") == "NOT_INUSE"
            )
        )

        started = time.monotonic()
        await stack.call_in("4008001234")
        await wait_for(lambda: phone1.seen("CALL_ESTABLISHED") + phone2.seen("CALL_ESTABLISHED"))
        await asyncio.sleep(0.3)  # a second agent answering would show up by now
        answered = [p for p in (phone1, phone2) if p.seen("CALL_ESTABLISHED")]
        assert len(answered) == 1, "exactly one agent takes the queue call"
        agent = answered[0]
        await agent.wait_event("CALL_RTPESTAB", timeout=5)  # the agent hears the caller
        await asyncio.sleep(3)
        rx, tx = await rtp_packets(stack)
        assert rx > 50 and tx > 50, f"RTP both ways at the caller side: rx={rx} tx={tx}"

        # The caller hangs up.
        channels = await stack.carrier_channels()
        assert channels, "the carrier's call is up"
        await stack.carrier_ami.action("Hangup", Channel=channels[0]["Channel"])
        await agent.wait_event("CALL_CLOSED", timeout=5)
        print(f"call answered and held for {time.monotonic() - started:.1f}s")

    answered_cdr = await wait_for(
        lambda: db.fetchrow(
            "SELECT * FROM cdr WHERE tenantid = 'acme' AND disposition = 'ANSWERED'"
            " AND dstchannel LIKE 'PJSIP/acme-10%'"
        ),
        timeout=10,
    )
    assert answered_cdr["billsec"] >= 3
    assert answered_cdr["did"] == "4008001234"
    assert answered_cdr["direction"] == "inbound"
    assert answered_cdr["queue"] == "acme-support"
    assert answered_cdr["accountcode"] == "acme"
    _, cdrs = await admin.call("GET", "/api/v1/tenants/acme/cdrs", expect=200)
    assert any(c["billsec"] >= 3 and c["agent"] in ("1001", "1002") for c in cdrs)


async def test_another_tenants_phone_cannot_reach_acmes_extensions_or_queue(
    stack: Stack, platform_api: ApiClient
) -> None:
    op = await platform_api.login(*OPERATOR)
    status, _ = await op.call("GET", "/api/v1/tenants/acme")
    if status == 404:
        await provision_tenant(platform_api, "acme", [], ["1001", "1002"], "600")
    acme_admin = await platform_api.login("acme-admin", "admin-password")
    # Fresh credentials for acme's 1001 so this test owns the phone.
    await acme_admin.call("DELETE", "/api/v1/tenants/acme/seats/1001", expect=204)
    _, acme_seat = await acme_admin.call(
        "POST", "/api/v1/tenants/acme/seats", {"extension": "1001"}, expect=201
    )
    await acme_admin.call(
        "PUT",
        "/api/v1/tenants/acme/queues/support/members",
        {"members": [{"extension": "1001"}]},
        expect=204,
    )
    _, globex_seats = await provision_tenant(platform_api, "globex", [], ["2001", "2002"], "700")
    sync = platform_api.client.app[keys.SYNC]

    acme_phone = stack.phone("iso-acme-1001", account(acme_seat["sip"]))
    globex_phone = stack.phone(
        "iso-globex-2001",
        Account(
            globex_seats["2001"]["username"],
            globex_seats["2001"]["password"],
            REGISTRAR,
            auto_answer=False,
        ),
    )
    globex_peer = stack.phone("iso-globex-2002", account(globex_seats["2002"]))
    async with running(acme_phone, globex_phone, globex_peer):
        await wait_for(
            lambda: (
                sync.state_of("acme-1001") == "NOT_INUSE"
                and sync.state_of("globex-2001") == "NOT_INUSE"
                and sync.state_of("globex-2002") == "NOT_INUSE"
            )
        )
        # acme's extension, queue, endpoint name, feature-code forms, and acme's hotline
        # (an outside number that globex's outbound patterns do not allow).
        # Pickup feature codes (pickup groups are named per tenant) and a dialled context.
        for target in [
            "1001",
            "600",
            "acme-1001",
            "1001@acme",
            "*600",
            "4008001234",
            "*8",
            "**1001",
            "*81001",
            "1001@tenant-acme",
        ]:
            before = globex_phone.seen("CALL_CLOSED")
            await globex_phone.command("dial", f"sip:{target}@{REGISTRAR}")
            await wait_for(lambda n=before: globex_phone.seen("CALL_CLOSED") > n, timeout=10)
        await asyncio.sleep(0.5)
        assert acme_phone.seen("CALL_INCOMING") == 0, "acme's phone never rang"
        assert acme_phone.seen("CALL_ESTABLISHED") == 0

        # Control: the same phone does reach a seat of its own tenant, so the refusals above
        # are the tenant boundary at work, not a broken phone.
        closed_before = len(globex_phone.events)
        await globex_phone.command("dial", f"sip:2002@{REGISTRAR}")
        await globex_peer.wait_event("CALL_ESTABLISHED", timeout=10)
        await globex_phone.wait_event("CALL_ESTABLISHED", timeout=10)
        # A blind transfer (REFER) into acme's extension resolves in globex's own context
        # (TRANSFER_CONTEXT), where 1001 does not exist: acme's phone never rings.
        await globex_phone.command("transfer", f"sip:1001@{REGISTRAR}")
        await asyncio.sleep(2)
        assert acme_phone.seen("CALL_INCOMING") == 0, "a transfer reached acme"
        # The refused transfer leaves globex's own call as it was; end it from both sides.
        for phone in (globex_phone, globex_peer):
            with contextlib.suppress(TimeoutError, AssertionError):
                await phone.command("hangup")
        with contextlib.suppress(TimeoutError):
            await globex_phone.wait_event("CALL_CLOSED", timeout=5, after=closed_before)


async def test_the_agent_who_takes_a_queue_call_may_transfer_it_attended(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    """The agent's side of a queue call carries the transfer feature (Queue() option t), so
    the console's attended transfer (AMI Atxfer, agents/service.py) reaches the colleague;
    without it Atxfer's digits would go nowhere and the colleague would never answer."""
    tenant, number = f"ax{uid}", "4008200701"
    admin, seats = await provision_tenant(platform_api, tenant, [number], ["1001", "1002"], "600")
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        {"type": "queue", "target": "support"},
        expect=200,
    )
    sync = platform_api.client.app[keys.SYNC]
    ami = platform_api.client.app[keys.AMI]
    phones = {ext: stack.phone(f"{tenant}-{ext}", account(seats[ext])) for ext in ("1001", "1002")}
    async with running(*phones.values()):
        await wait_for(
            lambda: all(sync.state_of(f"{tenant}-{ext}") == "NOT_INUSE" for ext in phones)
        )
        try:
            await stack.call_in(number, caller="13800000701")
            await wait_for(lambda: any(p.seen("CALL_ESTABLISHED") for p in phones.values()))
            taker = next(ext for ext, p in phones.items() if p.seen("CALL_ESTABLISHED"))
            colleague = next(ext for ext in phones if ext != taker)
            assert phones[colleague].seen("CALL_ESTABLISHED") == 0
            agent_channel = await wait_for(
                lambda: _channel_of(ami, f"PJSIP/{tenant}-{taker}-"), timeout=5
            )
            await ami.action(
                "Atxfer", Channel=agent_channel, Context="cc-agents-atxfer", Exten=colleague
            )
            await phones[colleague].wait_event("CALL_ESTABLISHED", timeout=10)
        finally:
            for channel in await stack.carrier_channels():
                with contextlib.suppress(Exception):
                    await stack.carrier_ami.action("Hangup", Channel=channel["Channel"])
            for c in await ami.action_list("CoreShowChannels"):
                if c.get("Channel", "").startswith(f"PJSIP/{tenant}-"):
                    with contextlib.suppress(Exception):
                        await ami.action("Hangup", Channel=c["Channel"])


async def _channel_of(ami: Any, prefix: str) -> str | None:
    for c in await ami.action_list("CoreShowChannels"):
        if c.get("Channel", "").startswith(prefix):
            return str(c["Channel"])
    return None
