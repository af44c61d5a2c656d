"""More of what callers of a Mandarin tenant hear (issue 17), from Asterisk's own log of what
it played: "all circuits busy" when the number's call cap is reached, and the callback
offer's answers when a waiting caller presses the callback key; each from sounds/zh. An IVR
with a language of its own switches its callers to it."""

from __future__ import annotations

import pytest
from e2e.test_mandarin_prompts import _played, log_size, sounds_zh
from e2e.test_routing import (
    ami_of,
    calling,
    carrier_channel_of,
    channel_var,
    open_tenant,
    queue_of_caller,
    route,
)

from stack import Stack
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e


async def test_busy_and_callback_answers_are_played_in_mandarin(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"zs{uid}", "4008200181"
    admin = await open_tenant(platform_api, tenant, number)
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {"name": "q", "extension": "601", "callback_key": "1"},
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "q", "max_calls": 1})
    first, second, third = "13700000181", "13700000182", "13700000183"
    async with calling(stack, number, first):
        await wait_for(lambda: queue_of_caller(platform_api, first), timeout=15)
        # The number's one call is up: the next caller hears that all lines are busy.
        since = log_size(stack)
        async with calling(stack, number, second):
            busy = await wait_for(
                lambda: _played(stack, since, {"all-circuits-busy-now"}), timeout=20
            )
    assert ("all-circuits-busy-now", "zh") in busy, busy
    # (leaving ``calling`` hung both up.) Their channels must be gone from the node before
    # the next call, or the number's cap still counts one of them: busy again.
    await wait_for(lambda: _none_up(platform_api, {first, second}), timeout=15)
    # A caller waiting presses the callback key: the request is taken, in Mandarin.
    async with calling(stack, number, third):
        await wait_for(lambda: queue_of_caller(platform_api, third), timeout=15)
        since = log_size(stack)
        await stack.carrier_ami.action(
            "PlayDTMF", Channel=await carrier_channel_of(stack, third), Digit="1"
        )
        answer = await wait_for(
            lambda: _played(stack, since, {"auth-thankyou", "vm-goodbye"}), timeout=20
        )
    assert ("auth-thankyou", "zh") in answer and ("vm-goodbye", "zh") in answer, answer
    for name, _ in busy + answer:
        assert (sounds_zh(stack) / f"{name}.wav").exists(), name


async def _none_up(api: ApiClient, callers: set[str]) -> bool:
    """No carrier channel from any of ``callers`` is up on the platform."""
    channels = await ami_of(api).action_list("CoreShowChannels")
    return not any(
        c.get("CallerIDNum") in callers and c.get("Channel", "").startswith("PJSIP/carrier")
        for c in channels
    )


async def test_an_ivr_in_english_switches_a_mandarin_numbers_caller_to_english(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"zi{uid}", "4008200182"
    admin = await open_tenant(platform_api, tenant, number)
    menu = {
        "prompt": "silence/1",
        "timeout_s": 10,
        "options": {"1": {"kind": "hangup", "target": ""}},
    }
    for name, language in (("cn", "zh"), ("en", "en")):
        await admin.call(
            "PUT",
            f"/api/v1/tenants/{tenant}/ivrs/{name}",
            {"entry": "main", "language": language, "menus": {"main": menu}},
            expect=200,
        )
    for ivr, caller, expected in (("cn", "13700000184", "zh"), ("en", "13700000185", "en")):
        await route(admin, tenant, number, {"type": "ivr", "target": ivr})
        async with calling(stack, number, caller):

            async def in_menu(c: str = caller) -> str | None:
                return await channel_var(platform_api, c, "IVR")

            assert await wait_for(in_menu, timeout=15) == ivr
            assert await channel_var(platform_api, caller, "CHANNEL(language)") == expected
