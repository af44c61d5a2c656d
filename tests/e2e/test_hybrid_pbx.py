"""Hybrid hosting acceptance (issue 20): a tenant keeps its own PBX and sends calls to us. A
second Asterisk plays that PBX, a trunk of the tenant's: its call reaches the tenant's queue
with the original caller and called numbers, the agent transfers it back to one of the PBX's
extensions, and the minutes are metered as outsourced overflow. Another tenant's number is
refused to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from e2e.test_inbound_call import account, provision_tenant

from callcenter import keys
from callcenter.ami.client import AmiClient
from callcenter.devstack.asterisk import AsteriskInstance

from stack import AMI_SECRET, AMI_USER, CARRIER_RTP, CARRIER_SIP, PREFIX, SLOT, Stack, running
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e

PBX_HOST = "127.0.0.6"
PBX_AMI = 5185 + 20 * SLOT
CALLER = "13700000301"


@pytest_asyncio.fixture
async def pbx(stack: Stack) -> AsyncIterator[AmiClient]:
    """The tenant's PBX: an Asterisk of the carrier's flavour on its own address; calls from
    the platform land in its `from-platform` context (answered with a tone)."""
    instance = AsteriskInstance(
        stack.sandbox,
        f"{PREFIX}-pbx",
        "carrier",
        {
            **stack.carrier.params,
            "SIP_BIND": PBX_HOST,
            "AMI_PORT": str(PBX_AMI),
            "RTP_START": str(CARRIER_RTP + 500),
            "RTP_END": str(CARRIER_RTP + 999),
        },
    )
    await instance.start()
    ami = AmiClient("127.0.0.1", PBX_AMI, AMI_USER, AMI_SECRET)
    await ami.start()
    await ami.wait_ready()
    try:
        yield ami
    finally:
        await ami.stop()
        await instance.stop()


async def channels(ami: Any) -> list[dict[str, str]]:
    return list(await ami.action_list("CoreShowChannels"))


async def test_a_tenants_pbx_overflows_into_its_queue_and_gets_the_call_back(
    stack: Stack, platform_api: ApiClient, pbx: AmiClient, uid: str, db: Any
) -> None:
    tenant, number, other_number = f"hy{uid}", "4008200981", "4008200982"
    admin, seats = await provision_tenant(platform_api, tenant, [number], ["1001"], "600")
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        {"type": "queue", "target": "support"},
        expect=200,
    )
    other, _ = await provision_tenant(platform_api, f"hz{uid}", [other_number], ["1001"], "600")
    op = await platform_api.login(*OPERATOR)
    trunk = {
        "name": f"pbx-{uid}",
        "host": PBX_HOST,
        "port": CARRIER_SIP,
        "max_channels": 4,
        "prefixes": ["8"],
        "tenant": tenant,
    }
    # A tenant's PBX is no way out to the PSTN, and it belongs to a tenant that exists.
    status, body = await op.call("POST", "/api/v1/platform/trunks", {**trunk, "prefixes": [""]})
    assert status == 400 and body["details"]["field"] == "prefixes", body
    status, body = await op.call("POST", "/api/v1/platform/trunks", {**trunk, "tenant": "nobody"})
    assert status == 400 and body["details"]["field"] == "tenant", body
    _, made = await op.call("POST", "/api/v1/platform/trunks", trunk, expect=201)
    assert made["tenant"] == tenant
    status, _ = await admin.call("POST", "/api/v1/platform/trunks", {**trunk, "name": "x"})
    assert status == 403

    sync = platform_api.client.app[keys.SYNC]
    ami = platform_api.client.app[keys.AMI]
    phone = stack.phone(f"hy-{uid}", account(seats["1001"]))
    call: asyncio.Future[Any] | None = None
    try:
        async with running(phone):
            await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE", timeout=10)
            # The PBX may not deliver another tenant's number.
            with contextlib.suppress(Exception):
                await pbx.originate(
                    Channel=f"PJSIP/{other_number}@platform",
                    Context="caller",
                    Exten="tone",
                    Priority=1,
                    CallerID=f'"Alice" <{CALLER}>',
                    Timeout=5000,
                    timeout=10,
                )
            assert not [c for c in await channels(ami) if c.get("CallerIDNum") == CALLER]

            call = asyncio.ensure_future(
                pbx.originate(
                    Channel=f"PJSIP/{number}@platform",
                    Context="caller",
                    Exten="tone",
                    Priority=1,
                    CallerID=f'"Alice" <{CALLER}>',
                    Timeout=20000,
                    timeout=30,
                )
            )
            await phone.wait_event("CALL_ESTABLISHED", timeout=15)
            caller = await wait_for(lambda: _from_pbx(ami), timeout=5)
            assert caller["CallerIDNum"] == CALLER, caller
            got = {}
            for var in ("CC_DID", "CC_PBX", "TENANT"):
                reply = await ami.action("Getvar", Channel=caller["Channel"], Variable=var)
                got[var] = reply.get("Value")
            assert got == {"CC_DID": number, "CC_PBX": tenant, "TENANT": tenant}, got
            await asyncio.sleep(2)  # some talk time to meter

            # The agent transfers the caller back to the PBX's extension 8123, as the agent
            # console's blind transfer does (agents/service.py).
            agent = next(
                c["Channel"]
                for c in await channels(ami)
                if c.get("Channel", "").startswith(f"PJSIP/{tenant}-1001-")
            )
            await ami.action(
                "BlindTransfer", Channel=agent, Context="cc-agents-xfer", Exten=f"{tenant}*out*8123"
            )
            back = await wait_for(lambda: _at_extension(pbx, "8123"), timeout=10)
            print("the PBX took the transfer back:", back.get("Channel"))
            await phone.wait_event("CALL_CLOSED", timeout=5)
    finally:
        for c in await channels(pbx):
            with contextlib.suppress(Exception):
                await pbx.action("Hangup", Channel=c["Channel"])
        if call is not None:
            call.cancel()
            with contextlib.suppress(BaseException):
                await call

    row = await wait_for(
        lambda: db.fetchrow(
            "SELECT * FROM cdr WHERE tenantid = $1 AND direction = 'overflow'"
            " AND disposition = 'ANSWERED' AND dstchannel LIKE $2",
            tenant,
            f"PJSIP/{tenant}-1001%",
        ),
        timeout=10,
    )
    assert row["did"] == number and row["src"] == CALLER and row["billsec"] >= 1, dict(row)
    period = datetime.now(UTC).strftime("%Y-%m")
    _, usage = await op.call(
        "GET", f"/api/v1/tenants/{tenant}/billing/usage?period={period}", expect=200
    )
    assert usage["answered_calls"].get("overflow") == 1, usage
    assert "inbound" not in usage["answered_calls"], usage
    _ = other


async def _from_pbx(ami: Any) -> dict[str, str] | None:
    for c in await channels(ami):
        if c.get("Channel", "").startswith("PJSIP/tenant-pbx-"):
            return c
    return None


async def _at_extension(ami: Any, exten: str) -> dict[str, str] | None:
    for c in await channels(ami):
        if c.get("Context") == "from-platform" and c.get("Exten") == exten:
            return c
    return None
