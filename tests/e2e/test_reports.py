"""Reports acceptance: real calls (answered, abandoned, overflowed), then the report's
figures equal the hand count."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from e2e.test_routing import (
    calling,
    carrier_channel_of,
    open_tenant,
    queue_of_caller,
    route,
    sip_agent,
)

from callcenter import keys
from callcenter.devstack.phones import Account

from stack import PLATFORM_SIP, Stack, running
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e
REGISTRAR = f"127.0.0.1:{PLATFORM_SIP}"
WRAPUP_S = 3


async def test_report_figures_equal_the_hand_count_of_real_calls(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant, number = f"rep{uid}", "4008200020"
    admin = await open_tenant(platform_api, tenant, number)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": "1001"}, expect=201
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {"name": "spill", "extension": "602"},
        expect=201,
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tenant}/queues",
        {
            "name": "sales",
            "extension": "601",
            "max_wait": 7,
            "service_level": 20,
            "wrapup_time": WRAPUP_S,
            "members": [{"extension": "1001"}],
            "overflow": {"timeout": {"kind": "queue", "target": "spill"}},
        },
        expect=201,
    )
    await route(admin, tenant, number, {"type": "queue", "target": "sales"})
    desk = await sip_agent(platform_api, admin, tenant, "1001")
    started = datetime.now(UTC) - timedelta(minutes=1)
    agent = stack.phone(
        f"rep-{uid}",
        Account(seat["sip"]["username"], seat["sip"]["password"], REGISTRAR, auto_answer=True),
    )
    sync = platform_api.client.app[keys.SYNC]
    async with running(agent):
        await desk.call("POST", "/api/v1/agent/login", expect=200)
        logged_in = time.monotonic()
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE")
        # A is answered at once and keeps the only agent busy.
        placed = time.monotonic()
        async with calling(stack, number, "13800000201"):
            await agent.wait_event("CALL_ESTABLISHED", timeout=10)
            answered = time.monotonic()
            # B waits 4.5 s (beyond the 3 s short-abandon threshold asked for), then hangs up.
            async with calling(stack, number, "13800000202"):
                await wait_for(lambda: queue_of_caller(platform_api, "13800000202"))
                await asyncio.sleep(4.5)
                await stack.carrier_ami.action(
                    "Hangup", Channel=await carrier_channel_of(stack, "13800000202")
                )
                # C waits the 7 s maximum and overflows into "spill", where it hangs up at once.
                async with calling(stack, number, "13800000203"):
                    await wait_for(
                        lambda: _in(platform_api, "13800000203", f"{tenant}-spill"), timeout=10
                    )
            await asyncio.sleep(1)
        talk_by_hand = time.monotonic() - answered  # A hangs up as its block ends
        await asyncio.sleep(WRAPUP_S + 0.5)
        await desk.call("POST", "/api/v1/agent/logout", expect=200)
        logged_in_by_hand = time.monotonic() - logged_in
    ended = datetime.now(UTC) + timedelta(minutes=1)
    query = {
        "from": started.isoformat(),
        "to": ended.isoformat(),
        "interval": "day",
        "tz": "UTC",
        "short_abandon_s": "3",
    }

    async def report(kind: str) -> list[dict[str, object]]:
        resp = await admin.client.get(
            f"/api/v1/tenants/{tenant}/reports/{kind}",
            params=query,
            headers={"Authorization": f"Bearer {admin.token}"},
        )
        assert resp.status == 200, await resp.text()
        return list(await resp.json())

    try:
        rows = await wait_for(lambda: _complete(report), timeout=10)
    except TimeoutError:
        raise AssertionError(await report("queues")) from None
    sales = next(r for r in rows if r["queue"] == "sales")
    spill = next(r for r in rows if r["queue"] == "spill")
    assert (sales["offered"], sales["answered"], sales["abandoned"], sales["overflowed"]) == (
        3,
        1,
        1,
        1,
    ), sales
    assert sales["answered_within_sl"] == 1 and sales["service_level"] == 0.5
    assert sales["longest_wait_s"] >= 7
    assert (spill["offered"], spill["short_abandoned"]) == (0, 1)
    # ASA, AHT and utilisation against the stopwatch: A waited at most from its INVITE to
    # the agent's answer; its talk is what the stopwatch saw (app_queue counts whole
    # seconds, and the hangup takes a moment to arrive); handle time is that talk plus the
    # queue's wrap-up; utilisation is talk over the time the agent was signed in.
    assert sales["asa_s"] is not None and 0 <= sales["asa_s"] <= answered - placed + 1.0
    assert abs(sales["talk_s"] - talk_by_hand) < 2.5, (sales, talk_by_hand)
    assert sales["aht_s"] == sales["talk_s"] + WRAPUP_S, sales
    agents = await report("agents")
    assert [(a["agent"], a["handled"]) for a in agents] == [("1001", 1)]
    (row,) = agents
    assert (row["talk_s"], row["wrapup_s"]) == (sales["talk_s"], WRAPUP_S), row
    assert abs(row["logged_in_s"] - logged_in_by_hand) < 2.5, (row, logged_in_by_hand)
    assert abs(row["utilisation"] - row["talk_s"] / row["logged_in_s"]) < 0.01, row
    assert abs(row["utilisation"] - talk_by_hand / logged_in_by_hand) < 0.15, row
    numbers = await report("numbers")
    assert [(n["number"], n["calls"], n["answered"]) for n in numbers] == [(number, 3, 1)]
    # The same queue figures as CSV, and bad parameters named.
    resp = await admin.client.get(
        f"/api/v1/tenants/{tenant}/reports/queues",
        params={**query, "format": "csv"},
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    text = await resp.text()
    assert resp.content_type == "text/csv" and text.splitlines()[0].startswith("queue,")
    status, body = await admin.call(
        "GET", f"/api/v1/tenants/{tenant}/reports/queues?from=yesterday&to=now"
    )
    assert status == 400 and body["details"]["field"] == "from"


async def _in(api: ApiClient, caller: str, queue: str) -> bool:
    return await queue_of_caller(api, caller) == queue


async def _complete(report: object) -> list[dict[str, object]] | None:
    rows = await report("queues")  # type: ignore[operator]
    sales = [r for r in rows if r["queue"] == "sales"]
    if sales and sales[0]["answered"] == 1 and sales[0]["abandoned"] == 1:
        return list(rows)
    return None
