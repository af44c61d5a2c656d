"""A tenant closed by the operator refuses calls both ways (issue 17): before the closure the
number reaches its queue and its phone calls out; after it the carrier's call is refused
(the number is back in the inventory) and the phone reaches nothing, outside or inside."""

from __future__ import annotations

from typing import Any

import pytest
from e2e.test_mandarin_prompts import log_size
from e2e.test_routing import calling, dialling, mobile_calls, open_tenant, queue_of_caller, reaching

from callcenter import keys
from callcenter.ami.client import AmiError
from callcenter.devstack.phones import Account

from stack import PLATFORM_SIP, Stack, running
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e
REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"


async def test_a_closed_tenant_refuses_calls_in_and_out(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any
) -> None:
    tenant, number, mobile = f"clo{uid}", "4008200081", "13900000812"
    admin = await open_tenant(platform_api, tenant, number)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201
    )
    await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/queues", {"name": "desk", "extension": "600"}, expect=201
    )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        {"type": "queue", "target": "desk"},
        expect=200,
    )
    phone = stack.phone(
        f"clo-{uid}",
        Account(seat["sip"]["username"], seat["sip"]["password"], REGISTRAR, auto_answer=True),
    )
    sync = platform_api.client.app[keys.SYNC]
    async with running(phone):
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE", timeout=15)
        # Open: the number reaches its queue, the phone reaches a mobile.
        async with calling(stack, number, "13800000811"):
            queue = await wait_for(lambda: queue_of_caller(platform_api, "13800000811"), timeout=15)
            assert queue == f"{tenant}-desk"
        async with dialling(phone, mobile):
            await wait_for(lambda: reaching(stack, mobile), timeout=10)
        # ... and reaches its own queue by its extension.
        closed_before = phone.seen("CALL_CLOSED")
        since = log_size(stack)
        await phone.command("dial", f"sip:600@{REGISTRAR}")
        await wait_for(lambda: queued(stack, tenant, since), timeout=10)
        # (the platform ends it: the phone's own hang-up of a call still ringing a queue is
        # not always heard)
        ami = platform_api.client.app[keys.AMI]
        for item in await ami.action_list("CoreShowChannels"):
            if item.get("Channel", "").startswith(f"PJSIP/{tenant}-1001-"):
                await ami.action("Hangup", Channel=item["Channel"])
        await wait_for(lambda: phone.seen("CALL_CLOSED") > closed_before, timeout=20)

        op = await platform_api.login(*OPERATOR)
        _, closed = await op.call("POST", f"/api/v1/tenants/{tenant}/close", expect=200)
        assert closed["status"] == "closed"
        # Closed: the carrier's call is refused (the number is nobody's now) ...
        with pytest.raises(AmiError):
            await stack.call_in(number, caller="13800000813")
        assert await queue_of_caller(platform_api, "13800000813") is None
        # ... and the phone, still registered, reaches nothing outside nor its own queue.
        since = log_size(stack)
        for target in (mobile, "600"):
            closed_calls = phone.seen("CALL_CLOSED")
            await phone.command("dial", f"sip:{target}@{REGISTRAR}")
            await wait_for(lambda n=closed_calls: phone.seen("CALL_CLOSED") > n, timeout=10)
            assert mobile not in await mobile_calls(stack)
        assert not queued(stack, tenant, since), "the closed tenant's phone entered its queue"


def queued(stack: Stack, tenant: str, since: int) -> bool:
    """Whether Asterisk's log shows, after byte ``since``, a phone of the tenant in Queue()."""
    log = stack.platform.host_dir / "log" / "messages.log"
    with log.open("rb") as f:
        f.seek(since)
        text = f.read().decode(errors="replace")
    return f'Queue("PJSIP/{tenant}-1001-' in text
