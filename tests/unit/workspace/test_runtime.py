"""The runtime performs the core's effects: the pop leaves inside the AMI callback, slow work
runs in owned tasks whose results come back to the core, timers tick and stop with it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from callcenter.workspace.core import AgentRef, AgentSaved, PresenceChanged, WrapupRead
from callcenter.workspace.hub import Hub, Subscriber
from callcenter.workspace.runtime import LiveWorkspace
from callcenter.workspace.state import LoggedIn

ACME_1 = AgentRef(1, "acme", "1001", "acme-1001", "A", "browser")


class DatabaseDown:
    """A pool whose database cannot be reached (the runtime must carry on without it)."""

    def acquire(self) -> Any:
        raise OSError("connection refused")


class OneContactCrm:
    async def lookup(self, tenant_id: str, number: str) -> tuple[dict[str, Any] | None, str]:
        await asyncio.sleep(0)
        return {"name": f"{tenant_id} {number}", "source": "external"}, "found"


def drain(sub: Subscriber) -> list[dict[str, Any]]:
    out = []
    while not sub.queue.empty():
        out.append(json.loads(sub.queue.get_nowait()[0]))
    return out


def queue_event(event: str, **fields: str) -> dict[str, str]:
    return {
        "Event": event,
        "Queue": "acme-support",
        "MemberName": "acme-1001",
        "Linkedid": "L1",
        "Uniqueid": "L1",
        "DestChannel": "PJSIP/acme-1001-0001",
        "Channel": "PJSIP/carrier-0001",
        "CallerIDNum": "13800138000",
        **fields,
    }


def logged_in_workspace(hub: Hub) -> LiveWorkspace:
    workspace = LiveWorkspace(DatabaseDown(), hub, crm=OneContactCrm())  # a CrmLookup look-alike
    workspace.feed(AgentSaved(ACME_1))
    workspace.feed(PresenceChanged(ACME_1.endpoint, LoggedIn()))
    return workspace


async def test_the_pop_leaves_inside_the_ami_callback_and_the_crm_record_follows() -> None:
    hub = Hub()
    workspace = logged_in_workspace(hub)
    sub = hub.subscribe("acme", "1001")
    drain(sub)

    workspace.on_raw(queue_event("AgentCalled"))
    assert [m["type"] for m in drain(sub)] == ["call.ringing", "agent.state"]

    await asyncio.sleep(0.01)  # the enrichment task: wrap-up time (database down), CRM
    [contact] = drain(sub)
    assert contact["type"] == "call.contact" and contact["crm"] == {"status": "found"}
    assert workspace.pop_of("acme-1001")["contact"]["name"] == "acme 13800138000"
    await workspace.stop()


async def test_the_wrapup_timer_ticks_the_console_to_available_and_stop_ends_everything() -> None:
    hub = Hub()
    workspace = logged_in_workspace(hub)
    sub = hub.subscribe("acme", "1001")
    workspace.on_raw(queue_event("AgentCalled"))
    workspace.feed(WrapupRead("L1", 1))
    workspace.on_raw(queue_event("AgentConnect", HoldTime="2"))
    workspace.on_raw(queue_event("AgentComplete", TalkTime="9", HoldTime="2", Reason="agent"))
    drain(sub)
    assert workspace.state_message("acme-1001")["presence"] == "wrapup"

    await asyncio.sleep(1.2)
    ticks = [m for m in drain(sub) if m["type"] == "agent.state"]
    assert ticks and ticks[-1]["presence"] == "available"

    await workspace.stop()
    workspace.on_raw(queue_event("AgentCalled", Linkedid="L2", Uniqueid="L2"))
    assert drain(sub) == [], "a stopped workspace ignores AMI"
