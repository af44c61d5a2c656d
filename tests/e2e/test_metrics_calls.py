"""What an operator's Prometheus sees of one real call: up for its tenant while it lasts,
then timed (setup, queue answer), its screen pop delivered and its CDR taken in."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp import WSMsgType
from e2e.test_routing import sip_agent
from prometheus_client.parser import text_string_to_metric_families
from test_inbound_call import account, provision_tenant

from callcenter import keys

from stack import LAYOUT, PLATFORM_AMI, PLATFORM_AMI_HOST, Stack, running
from support import OPERATOR, ApiClient, wait_for

pytestmark = pytest.mark.e2e

NODE = f"{PLATFORM_AMI_HOST}:{PLATFORM_AMI}"


async def scrape(op: ApiClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    resp = await op.client.get("/metrics", headers={"Authorization": f"Bearer {op.token}"})
    assert resp.status == 200
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(await resp.text())
        for s in family.samples
    }


async def test_a_real_call_is_up_for_its_tenant_then_timed_and_its_pop_counted(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    tenant = "obs" + uid[:5]
    admin, seats = await provision_tenant(platform_api, tenant, ["400-800-9016"], ["1001"], "600")
    await admin.call(
        "PUT",
        f"/api/v1/tenants/{tenant}/numbers/4008009016/route",
        {"type": "queue", "target": "support"},
        expect=200,
    )
    desk = await sip_agent(platform_api, admin, tenant, "1001")
    op = await platform_api.login(*OPERATOR)
    sync = platform_api.client.app[keys.SYNC]
    up = ("callcenter_calls_up", frozenset({("tenant", tenant), ("node", NODE)}))
    node = frozenset({("node", NODE)})
    # The AMI's series are per registered node, by its name.
    ami_node = frozenset({("node", LAYOUT.node_name(0))})
    # The agent's console: the ringing call's pop reaches this socket.
    ws = await platform_api.client.ws_connect("/api/v1/ws")
    await ws.send_json({"type": "auth", "token": desk.token})
    assert (await ws.receive()).type == WSMsgType.TEXT
    phone = stack.phone(f"{tenant}-1001", account(seats["1001"]))
    async with running(phone):
        await desk.call("POST", "/api/v1/agent/login", expect=200)
        await wait_for(lambda: sync.state_of(f"{tenant}-1001") == "NOT_INUSE")
        before = await scrape(op)
        assert before[("callcenter_ami_connected", ami_node)] == 1
        assert before.get(up, 0) == 0
        await stack.call_in("4008009016")
        await wait_for(lambda: phone.seen("CALL_ESTABLISHED"))
        during = await scrape(op)
        assert during[up] == 1
        assert during[("callcenter_channels_up", up[1])] >= 2  # caller and agent legs
        channels = await stack.carrier_channels()
        await stack.carrier_ami.action("Hangup", Channel=channels[0]["Channel"])
        await phone.wait_event("CALL_CLOSED", timeout=5)

    async def settled() -> Any:
        after = await scrape(op)
        cdrs = after[("callcenter_cdr_intake_lag_seconds_count", frozenset())]
        return after if after.get(up, 0) == 0 and cdrs >= 1 else None

    after = await wait_for(settled, timeout=10)
    await ws.close()
    print(
        "setup {:.2f}s, queue answer {:.2f}s, pop {:.1f} ms, CDR intake {:.2f}s".format(
            after[("callcenter_call_setup_seconds_sum", node)],
            after[("callcenter_queue_answer_seconds_sum", node)],
            1000 * after[("callcenter_screen_pop_seconds_sum", frozenset())],
            after[("callcenter_cdr_intake_lag_seconds_sum", frozenset())]
            / after[("callcenter_cdr_intake_lag_seconds_count", frozenset())],
        )
    )
    assert after[("callcenter_call_setup_seconds_count", node)] == 1
    assert 0 < after[("callcenter_call_setup_seconds_sum", node)] < 20
    assert after[("callcenter_queue_answer_seconds_count", node)] == 1
    assert after[("callcenter_screen_pops_delivered_total", frozenset())] >= 1
    assert 0 <= after[("callcenter_screen_pop_seconds_sum", frozenset())] < 1
    events = after[("callcenter_ami_events_total", node)]
    assert events > before[("callcenter_ami_events_total", node)] + 5
