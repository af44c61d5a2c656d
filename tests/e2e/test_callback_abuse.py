"""Callback abuse (issue 13, item 8): spoofed caller numbers pressing the callback key must not
make agents call anyone, without limit. Real calls from the carrier into a queue with a
callback key: a second request from the same number and requests over the tenant's limit are
not placed, and their callers hear why instead of silence."""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import pytest
from e2e.test_routing import ami_of, calling, carrier_channel_of, open_tenant

from stack import Stack
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e

THANKS = "auth-thankyou&vm-goodbye"
ALREADY = "vm-received&auth-thankyou&vm-goodbye"
REFUSED = "im-sorry&simul-call-limit-reached&vm-goodbye"


async def _statuses(stack: Stack, tenant: str) -> list[tuple[str, str]]:
    conn = await asyncpg.connect(stack.dsn)
    try:
        rows = await conn.fetch(
            "SELECT number, status FROM callbacks WHERE tenant_id = $1 ORDER BY id", tenant
        )
    finally:
        await conn.close()
    return [(r["number"], r["status"]) for r in rows]


async def _inbound(api: ApiClient, caller: str, application: str) -> str | None:
    """The data of ``application`` running on ``caller``'s inbound channel (not on a
    callback stand-in, which carries the same caller number), if it runs now."""
    for item in await ami_of(api).action_list("CoreShowChannels"):
        if (
            item.get("Channel", "").startswith("PJSIP/carrier")
            and item.get("CallerIDNum") == caller
            and item.get("Application") == application
        ):
            return str(item.get("ApplicationData", ""))
    return None


async def _stand_ins(api: ApiClient, tenant: str) -> list[str]:
    """The tenant's stand-ins waiting in queues for a callback (Local/cb<id>@cc-callback-wait),
    each as its channel name without the ;1/;2 half."""
    items = await ami_of(api).action_list("CoreShowChannels")
    return sorted(
        {
            item["Channel"].split(";")[0]
            for item in items
            if item.get("Channel", "").startswith("Local/cb")
            and "@cc-callback-wait" in item.get("Channel", "")
            and item.get("Tenantid") == tenant
        }
    )


async def _stand_ins_are(api: ApiClient, tenant: str, n: int) -> bool:
    return len(await _stand_ins(api, tenant)) == n


async def _close(stack: Stack, api: ApiClient, tenant: str) -> None:
    """Leave nothing behind for other tests: close the requests, hang up their stand-ins."""
    conn = await asyncpg.connect(stack.dsn)
    try:
        await conn.execute(
            "UPDATE callbacks SET status = 'failed', done_at = now()"
            " WHERE tenant_id = $1 AND status IN ('waiting', 'placed')",
            tenant,
        )
    finally:
        await conn.close()
    for item in await ami_of(api).action_list("CoreShowChannels"):
        if item.get("Channel", "").startswith("Local/cb") and item.get("Tenantid") == tenant:
            with contextlib.suppress(Exception):
                await ami_of(api).action("Hangup", Channel=item["Channel"])


async def _press_callback(
    stack: Stack, api: ApiClient, number: str, caller: str, tenant: str, expect: int
) -> str:
    """Call, wait in the queue, press the callback key; return what the caller then hears."""
    heard: str | None = None
    async with calling(stack, number, caller):
        await wait_for(lambda: _inbound(api, caller, "Queue"), timeout=10)
        await stack.carrier_ami.action(
            "PlayDTMF", Channel=await carrier_channel_of(stack, caller), Digit="1"
        )
        heard = await wait_for(lambda: _inbound(api, caller, "Playback"), timeout=10, interval=0.02)
        await wait_for(lambda: _count(stack, tenant, caller, expect), timeout=10)
    assert heard is not None
    return heard


async def _count(stack: Stack, tenant: str, caller: str, expect: int) -> bool:
    return sum(1 for n, _ in await _statuses(stack, tenant) if n == caller) >= expect


async def test_spoofed_callback_requests_are_limited_per_number_and_per_tenant(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"cba{uid}", "4008200014"
    admin = await open_tenant(platform_api, tenant, number)
    op = await platform_api.login(*OPERATOR)
    await op.call("PUT", f"/api/v1/tenants/{tenant}/limits", {"max_open_callbacks": 2}, expect=200)
    await admin.call("POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "service",
            "extension": "601",
            "callback_key": "1",
            "members": [{"extension": "1001"}],
        },
        expect=201,
    )
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/{number}/route",
        {"type": "queue", "target": "service"},
        expect=200,
    )
    first, second, third = "13700000061", "13700000062", "13700000063"
    api = platform_api
    try:
        # The first request is stored and a stand-in waits for it (no agent is signed in).
        assert await _press_callback(stack, api, number, first, tenant, 1) == THANKS
        await wait_for(lambda: _stand_ins_are(api, tenant, 1), timeout=10)
        # The same (spoofable) number again: refused as already registered, not placed again.
        assert await _press_callback(stack, api, number, first, tenant, 2) == ALREADY
        # A second number fits the tenant's limit of 2 open requests; a third does not.
        assert await _press_callback(stack, api, number, second, tenant, 1) == THANKS
        assert await _press_callback(stack, api, number, third, tenant, 1) == REFUSED
        statuses = await _statuses(stack, tenant)
        print(statuses)
        assert [(n, s in ("waiting", "placed")) for n, s in statuses] == [
            (first, True),
            (first, False),
            (second, True),
            (third, False),
        ]
        assert [s for _, s in statuses][1::2] == ["duplicate", "refused"]
        # Only the two admitted requests ever got a stand-in in the queue.
        await wait_for(lambda: _stand_ins_are(api, tenant, 2), timeout=10)
        await asyncio.sleep(2.5)  # a sweep of the callback desk (2 s) places nothing more
        assert len(await _stand_ins(api, tenant)) == 2
    finally:
        await _close(stack, api, tenant)
