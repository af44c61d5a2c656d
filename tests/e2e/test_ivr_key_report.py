"""The IVR key-press breakdown from real calls (issue 17): callers press keys in a two-level
IVR, the dialplan keeps the path with each call's record (CDR ``ivr_keys``, through both CDR
paths), and the report counts calls per path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from e2e.test_routing import calling, open_tenant, route

from stack import Stack
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e
HANGUP = {"kind": "hangup", "target": ""}


async def test_keys_pressed_on_real_calls_are_counted_in_the_ivr_breakdown(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any
) -> None:
    tenant, number = f"key{uid}", "4008200971"
    admin = await open_tenant(platform_api, tenant, number)
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/ivrs/main",
        {
            "entry": "top",
            "menus": {
                "top": {
                    "prompt": "silence/1",
                    "timeout_s": 5,
                    "options": {"1": HANGUP, "2": {"kind": "submenu", "target": "more"}},
                },
                "more": {"prompt": "silence/1", "timeout_s": 5, "options": {"3": HANGUP}},
            },
        },
        expect=200,
    )
    await route(admin, tenant, number, {"type": "ivr", "target": "main"})
    now = datetime.now(UTC)
    period = urlencode(
        {
            "from": (now - timedelta(hours=1)).isoformat(),
            "to": (now + timedelta(hours=1)).isoformat(),
        }
    )

    async def breakdown() -> dict[str, int]:
        _, rows = await admin.call(
            "GET", f"/api/v1/tenants/{tenant}/reports/ivr-keys?{period}", expect=200
        )
        return {r["ivr_keys"]: r["calls"] for r in rows}

    expected: dict[str, int] = {}
    for caller, keys in (("13800000031", "1"), ("13800000032", "2ww3"), ("13800000033", "1")):
        path = keys.replace("ww", "-")
        expected[path] = expected.get(path, 0) + 1
        want = dict(expected)
        async with calling(stack, number, caller, keys_=keys):
            # The call ends at the hangup the key leads to; its record then carries the keys.
            async def counted(want: dict[str, int] = want) -> Any:
                return await breakdown() == want

            await wait_for(counted, timeout=30, interval=0.5)
    assert await breakdown() == {"1": 2, "2-3": 1}
    # A caller who hangs up in the menu, before any destination: the number and direction
    # reach its record from the hangup handler (cc-cdr-tags), not before the answer.
    await stack.call_in(number, caller="13800000034")  # returns once the IVR has answered
    for item in await stack.carrier_channels():
        await stack.carrier_ami.action("Hangup", Channel=item["Channel"])

    async def legs() -> Any:
        rows = await db.fetch(
            "SELECT src, ivr_keys, did, direction FROM cdr WHERE tenantid = $1", tenant
        )
        return rows if any(r["src"] == "13800000034" for r in rows) else None

    rows = await wait_for(legs, timeout=30, interval=0.5)
    # The keys are on the callers' own legs, as the dialplan set them; every leg carries the
    # number dialled and its direction, whether the call left the IVR for a destination or not.
    assert {(r["src"], r["ivr_keys"], r["did"], r["direction"]) for r in rows} == {
        ("13800000031", "1", number, "inbound"),
        ("13800000032", "2-3", number, "inbound"),
        ("13800000033", "1", number, "inbound"),
        ("13800000034", None, number, "inbound"),
    }, rows
