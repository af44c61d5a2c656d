"""Who rings and who waits: penalties and strategies choose the agent, a full queue
overflows, and a priority number's callers go ahead of the line. Real calls, real phones."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from e2e.test_routing import add_queue, calling, open_tenant, queue_of_caller, route

from callcenter import keys
from callcenter.devstack.phones import Account, SoftPhone

from stack import PLATFORM_SIP, Stack, running
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e
REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"


async def seats(admin: ApiClient, tenant: str, *extensions: str) -> dict[str, Any]:
    out = {}
    for ext in extensions:
        _, seat = await admin.call(
            "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": ext}, expect=201
        )
        out[ext] = seat["sip"]
    return out


def phone(stack: Stack, name: str, sip: dict[str, Any], *, answer: bool = True) -> SoftPhone:
    return stack.phone(
        name, Account(sip["username"], sip["password"], REGISTRAR, auto_answer=answer)
    )


async def answered_by(phones: dict[str, SoftPhone], before: dict[str, int]) -> str:
    """The extension whose phone established a call since ``before`` (counts per phone)."""

    def who() -> str | None:
        got = [e for e, p in phones.items() if p.seen("CALL_ESTABLISHED") > before[e]]
        return got[0] if len(got) == 1 else None

    found: str = await wait_for(who, timeout=15)
    return found


def established(phones: dict[str, SoftPhone]) -> dict[str, int]:
    return {e: p.seen("CALL_ESTABLISHED") for e, p in phones.items()}


async def test_penalties_ring_the_lower_level_first_and_rrmemory_takes_turns(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"pen{uid}", "4008200190"
    admin = await open_tenant(platform_api, tenant, number)
    sip = await seats(admin, tenant, "1001", "1002", "1003")
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "front",
            "extension": "601",
            "strategy": "rrmemory",
            "members": [
                {"extension": "1001", "penalty": 0},
                {"extension": "1002", "penalty": 0},
                {"extension": "1003", "penalty": 5},
            ],
        },
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "front"})
    phones = {ext: phone(stack, f"pen{ext}-{uid}", s) for ext, s in sip.items()}
    sync = platform_api.client.app[keys.SYNC]
    async with running(*phones.values()):
        await wait_for(
            lambda: all(sync.state_of(f"{tenant}-{e}") == "NOT_INUSE" for e in phones), 15
        )
        # One call at a time: the two penalty-0 agents take turns; 1003 is never rung.
        order = []
        for i in range(4):
            before = established(phones)
            async with calling(stack, number, f"1380000090{i}"):
                order.append(await answered_by(phones, before))
            await wait_for(
                lambda: all(sync.state_of(f"{tenant}-{e}") == "NOT_INUSE" for e in phones), 10
            )
        assert set(order) == {"1001", "1002"}, order
        assert all(a != b for a, b in itertools.pairwise(order)), order
        assert phones["1003"].seen("CALL_INCOMING") == 0
        # Both penalty-0 agents busy: now, and only now, the penalty-5 agent is rung.
        before = established(phones)
        async with calling(stack, number, "13800000911"), calling(stack, number, "13800000912"):
            await wait_for(
                lambda: sum(p.seen("CALL_ESTABLISHED") - before[e] for e, p in phones.items()) == 2,
                15,
            )
            assert phones["1003"].seen("CALL_INCOMING") == 0
            async with calling(stack, number, "13800000913"):
                await wait_for(lambda: phones["1003"].seen("CALL_ESTABLISHED") == 1, 15)


async def test_a_full_queue_overflows_to_its_full_destination(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"ful{uid}", "4008200191"
    admin = await open_tenant(platform_api, tenant, number)
    await add_queue(admin, tenant, "spill", "602")
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "small",
            "extension": "601",
            "max_len": 1,
            "overflow": {"full": {"kind": "queue", "target": "spill"}},
        },
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "small"})
    async with calling(stack, number, "13800000921"):
        assert await wait_for(lambda: queue_of_caller(platform_api, "13800000921")) == (
            f"{tenant}-small"
        )
        async with calling(stack, number, "13800000922"):
            assert await wait_for(lambda: queue_of_caller(platform_api, "13800000922")) == (
                f"{tenant}-spill"
            )
    # The control: with the first caller gone there is room again.
    await wait_for(lambda: _gone(platform_api, "13800000921"), 10)
    async with calling(stack, number, "13800000923"):
        assert await wait_for(lambda: queue_of_caller(platform_api, "13800000923")) == (
            f"{tenant}-small"
        )


async def _gone(api: ApiClient, caller: str) -> bool:
    return await queue_of_caller(api, caller) is None


async def positions(api: ApiClient, queue: str) -> dict[str, int]:
    """Caller number -> position in ``queue`` (app_queue's QueueStatus)."""
    items = await api.client.app[keys.AMI].action_list("QueueStatus", Queue=queue)
    return {i["CallerIDNum"]: int(i["Position"]) for i in items if i.get("Event") == "QueueEntry"}


async def test_callers_of_a_priority_number_go_ahead_of_the_line(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, plain, vip = f"pri{uid}", "4008200192", "4008200193"
    admin = await open_tenant(platform_api, tenant, plain)
    op = await platform_api.login(*OPERATOR)
    await op.call("POST", f"/api/v1/tenants/{tenant}/numbers", {"number": vip}, expect=201)
    await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/queues", {"name": "line", "extension": "601"}, expect=201
    )
    await route(admin, tenant, plain, {"type": "queue", "target": "line"})
    await route(admin, tenant, vip, {"type": "queue", "target": "line", "priority": 10})
    queue = f"{tenant}-line"
    async with calling(stack, plain, "13800000931"):
        await wait_for(lambda: queue_of_caller(platform_api, "13800000931"))
        async with calling(stack, plain, "13800000932"):
            await wait_for(lambda: queue_of_caller(platform_api, "13800000932"))
            async with calling(stack, vip, "13800000933"):
                await wait_for(lambda: queue_of_caller(platform_api, "13800000933"))
                await asyncio.sleep(0.2)
                assert await positions(platform_api, queue) == {
                    "13800000933": 1,
                    "13800000931": 2,
                    "13800000932": 3,
                }
