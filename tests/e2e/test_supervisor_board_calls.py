"""Supervisor board acceptance with Asterisk: the board shows an agent's real queue call
(caller, queue), and a force log-out from the board takes the agent out of the queue in
Asterisk itself (QueueStatus: member unavailable), so the next caller waits and the agent's
phone never rings."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from e2e.test_routing import calling, carrier_channel_of, open_tenant, queue_of_caller, route

from callcenter import keys
from callcenter.devstack.phones import Account

from stack import PLATFORM_SIP, Stack, running
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e
REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"
NUMBER = "4008200460"


async def member(api: ApiClient, stack: Stack, queue: str) -> dict[str, str]:
    """The queue's one member as app_queue reports it (the realtime queue loaded first)."""
    await stack.platform.cli(f"queue show {queue}")
    items = await api.client.app[keys.AMI].action_list("QueueStatus", Queue=queue)
    members = [i for i in items if i.get("Event") == "QueueMember"]
    return members[0] if members else {}


async def test_the_board_shows_a_real_call_and_a_force_logout_takes_the_agent_out_of_the_queue(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    t = f"fb{uid}"
    admin = await open_tenant(platform_api, t, NUMBER)
    base = f"/api/v1/tenants/{t}"
    _, seat = await admin.call("POST", f"{base}/seats", {"extension": "1001"}, expect=201)
    await admin.call(
        "POST",
        f"{base}/queues",
        {
            "name": "support",
            "extension": "600",
            "wrapup_time": 0,
            "members": [{"extension": "1001"}],
        },
        expect=201,
    )
    await route(admin, t, NUMBER, {"type": "queue", "target": "support"})
    await admin.call(
        "POST",
        f"{base}/agents",
        {
            "username": f"agent-{t}",
            "password": "agent-password",
            "extension": "1001",
            "device": "sip",
        },
        expect=201,
    )
    agent = await platform_api.login(f"agent-{t}", "agent-password")
    await admin.call(
        "POST",
        f"{base}/supervisors",
        {"username": f"sup-{t}", "password": "supervisor-pw", "queues": ["support"]},
        expect=201,
    )
    sup = await platform_api.login(f"sup-{t}", "supervisor-pw")
    sync = platform_api.client.app[keys.SYNC]
    sip = seat["sip"]
    phone = stack.phone(
        f"fb-{uid}", Account(sip["username"], sip["password"], REGISTRAR, auto_answer=True)
    )
    queue = f"{t}-support"
    async with running(phone):
        await agent.call("POST", "/api/v1/agent/login", expect=200)
        await wait_for(lambda: sync.state_of(f"{t}-1001") == "NOT_INUSE", timeout=10)
        assert (await member(platform_api, stack, queue)).get("Status") == "1"

        # A queue call: the board names its caller and queue while the agent talks.
        async with calling(stack, NUMBER, "13800000461"):
            await phone.wait_event("CALL_ESTABLISHED", timeout=15)

            async def on_call() -> dict[str, Any] | None:
                _, board = await sup.call("GET", f"{base}/board", expect=200)
                row = board["agents"][0]
                return row if row["presence"] == "on_call" and row["call"]["caller"] else None

            row = await wait_for(on_call, timeout=5)
            assert row["call"]["caller"]["number"] == "13800000461"
            assert row["call"]["queue"] == "support"
            await stack.carrier_ami.action(
                "Hangup", Channel=await carrier_channel_of(stack, "13800000461")
            )
            await phone.wait_event("CALL_CLOSED", timeout=10)

            # The phone hears the BYE before the control plane reads the Hangup over AMI: a
            # log-out in between finds the agent still on the call (and says so).
            async def off_call() -> bool:
                _, board = await sup.call("GET", f"{base}/board", expect=200)
                return bool(board["agents"][0]["presence"] != "on_call")

            await wait_for(off_call, timeout=5)

        # Force log-out from the board: app_queue sees the member unavailable at once.
        _, state = await sup.call("POST", f"{base}/board/agents/1001/logout", expect=200)
        assert state["presence"] == "logged_out"
        gone = await wait_for(
            lambda: _status(platform_api, stack, queue, "5"), timeout=5, interval=0.1
        )
        print(f"QueueStatus after force log-out: {gone}")
        rung = phone.seen("CALL_INCOMING")
        async with calling(stack, NUMBER, "13800000462"):
            await wait_for(lambda: queue_of_caller(platform_api, "13800000462"), timeout=10)
            await asyncio.sleep(3)
            assert phone.seen("CALL_INCOMING") == rung, "a logged-out agent was rung"
            assert await queue_of_caller(platform_api, "13800000462") == queue  # still waiting


async def _status(api: ApiClient, stack: Stack, queue: str, status: str) -> dict[str, str] | None:
    row = await member(api, stack, queue)
    return row if row.get("Status") == status else None
