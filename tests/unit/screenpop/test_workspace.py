"""The live workspace turns queue events into agent states and pops, inside one tenant."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from callcenter.agents.state import LoggedIn
from callcenter.screenpop.hub import Hub, Subscriber
from callcenter.screenpop.workspace import AgentRef, Workspace


class FakeConn:
    """Answers the workspace's few lookups: every queue has 2 s of wrap-up."""

    async def fetchval(self, *_args: Any) -> int:
        return 2

    async def fetchrow(self, *_args: Any) -> None:
        return None


class FakePool:
    @asynccontextmanager
    async def acquire(self) -> AsyncIterator[FakeConn]:
        yield FakeConn()


def drain(sub: Subscriber) -> list[dict[str, Any]]:
    out = []
    while not sub.queue.empty():
        out.append(json.loads(sub.queue.get_nowait()[0]))
    return out


def called(member: str, linkedid: str, queue: str = "acme-support") -> dict[str, str]:
    return {
        "Event": "AgentCalled",
        "Queue": queue,
        "MemberName": member,
        "DestChannel": f"PJSIP/{member}-0001",
        "Channel": "PJSIP/carrier-0001",
        "CallerIDNum": "13800138000",
        "Linkedid": linkedid,
        "Uniqueid": linkedid,
    }


async def test_ringall_answer_complete_and_wrapup_and_no_cross_tenant_event() -> None:
    hub = Hub()
    ws = Workspace(FakePool(), hub)
    refs = [
        AgentRef(1, "acme", "1001", "acme-1001", "A", "browser"),
        AgentRef(2, "acme", "1002", "acme-1002", "B", "browser"),
        AgentRef(3, "globex", "1001", "globex-1001", "C", "browser"),
    ]
    for ref in refs:
        ws.put_agent(ref)
        ws.change(ref, LoggedIn())
    a1, a2, g1 = (hub.subscribe(r.tenant_id, r.extension) for r in refs)
    for sub in (a1, a2, g1):
        drain(sub)

    ws.on_raw(called("acme-1001", "L1"))
    ws.on_raw(called("acme-1002", "L1"))
    ws.on_raw(called("globex-1001", "L1"))  # names acme's queue: not globex's call
    await asyncio.sleep(0.01)  # the enrichment task (CRM, wrap-up time) runs
    assert ws.state_of("acme-1001").call is not None
    assert ws.state_of("globex-1001").call is None
    assert not [m for m in drain(g1) if m["type"].startswith("call.")]
    pops = [m for m in drain(a1) if m["type"] == "call.ringing"]
    assert pops and pops[0]["queue"] == "support" and pops[0]["caller"]["number"] == "13800138000"

    ws.on_raw(
        {
            "Event": "AgentConnect",
            "MemberName": "acme-1001",
            "Queue": "acme-support",
            "Linkedid": "L1",
            "DestChannel": "PJSIP/acme-1001-0001",
            "HoldTime": "3",
        }
    )
    assert ws.state_of("acme-1002").call is None, "the other agent stops ringing"
    assert any(m["type"] == "call.stopped" for m in drain(a2))
    assert ws.channels["acme-1001"] == "PJSIP/acme-1001-0001"

    ws.on_raw(
        {
            "Event": "AgentComplete",
            "MemberName": "acme-1001",
            "Queue": "acme-support",
            "Linkedid": "L1",
            "TalkTime": "42",
            "HoldTime": "3",
            "Reason": "agent",
        }
    )
    states = [m for m in drain(a1) if m["type"] == "agent.state"]
    assert states[-1]["presence"] == "wrapup" and states[-1]["wrapup_left"] == 2
    snapshot = ws.snapshot("acme", "1001")
    assert snapshot[0]["presence"] == "wrapup" and snapshot[1]["ended"] is True
    await ws.stop()


async def test_a_caller_who_hangs_up_while_ringing_stops_the_pop() -> None:
    hub = Hub()
    ws = Workspace(FakePool(), hub)
    ref = AgentRef(1, "acme", "1001", "acme-1001", "A", "browser")
    ws.put_agent(ref)
    ws.change(ref, LoggedIn())
    sub = hub.subscribe("acme", "1001")
    ws.on_raw(called("acme-1001", "L2"))
    ws.on_raw({"Event": "QueueCallerAbandon", "Queue": "acme-support", "Linkedid": "L2"})
    kinds = [m["type"] for m in drain(sub)]
    assert "call.ringing" in kinds and "call.stopped" in kinds
    assert ws.state_of("acme-1001").call is None
    await ws.stop()
