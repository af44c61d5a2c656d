"""Marks from outside are ignored: only the edge says who is a trunk.

A node takes a call as the carrier's when it carries ``X-CC-Role: trunk``, which the edge
sets for a trunk's source address after stripping every ``X-CC-*`` header from whatever
arrives from outside. The nodes take SIP from the edge's internal address only. So a phone
address that forges the mark gets a challenge through the edge and a refusal straight at a
node, no call is set up and no CDR written, while the real carrier still reaches the number.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest
from e2e.test_routing import open_tenant, route

from callcenter.devstack.sip import SipRegistrar, probe_invite

from stack import CARRIER_HOST, LAYOUT, PLATFORM_SIP, Stack
from support import ApiClient

pytestmark = pytest.mark.e2e

PHONE = "127.0.0.9"  # an address of phones, not of any trunk and not the edge's
FORGED = ("X-CC-Role: trunk", "X-CC-Trunk: carrier", "X-CC-Tenant: anything")


async def _tenant(api: ApiClient, tid: str, number: str) -> tuple[str, str]:
    """A tenant whose number rings a queue with one seat; the seat's SIP login."""
    admin = await open_tenant(api, tid, number)
    _, seat = await admin.call(
        "POST", f"/api/v1/tenants/{tid}/seats", {"extension": "1001"}, expect=201
    )
    await admin.call(
        "POST",
        f"/api/v1/tenants/{tid}/queues",
        {"name": "support", "extension": "600", "members": [{"extension": "1001"}]},
        expect=201,
    )
    await route(admin, tid, number.replace("-", ""), {"type": "queue", "target": "support"})
    return seat["sip"]["username"], seat["sip"]["password"]


async def _cdrs(db: Any, digits: str) -> int:
    await asyncio.sleep(1.5)  # a channel that had been created would have its CDR by now
    count: int = await db.fetchval(
        "SELECT count(*) FROM cdr WHERE dst = $1 OR dcontext = 'from-carrier' AND src = $2",
        digits,
        "13800138000",
    )
    return count


async def test_a_forged_trunk_mark_is_stripped_at_the_edge_and_refused_at_a_node(
    stack: Stack, platform_api: ApiClient, db: Any, uid: str
) -> None:
    tid = "et" + uid
    number = f"0755-{random.randint(2000, 9999)}-{random.randint(1000, 9999)}"
    digits = number.replace("-", "")
    user, password = await _tenant(platform_api, tid, number)
    await db.execute("DELETE FROM sip_blocks WHERE address = $1::inet", PHONE)
    node = LAYOUT.node_ip(0)
    seen: dict[str, int] = {}

    # Through the edge, over UDP and TCP, claiming the carrier and a seat: the mark is gone
    # before the node reads it, so the node challenges (or refuses) like any stranger.
    for transport in ("udp", "tcp"):
        for claimed in ("carrier", "13800138000", user):
            seen[f"edge/{transport}/{claimed}"] = await probe_invite(
                PHONE,
                "127.0.0.1",
                PLATFORM_SIP,
                transport=transport,
                from_user=claimed,
                to_user=digits,
                headers=FORGED,
            )
    # Straight at the node: its ACL takes SIP from the edge's internal address only.
    for claimed in ("carrier", "13800138000"):
        seen[f"node/udp/{claimed}"] = await probe_invite(
            PHONE,
            node,
            LAYOUT.sip_port,
            transport="udp",
            from_user=claimed,
            to_user=digits,
            headers=FORGED,
            timeout=2.0,
        )
    through_edge = {k: v for k, v in seen.items() if k.startswith("edge/")}
    assert {k: v for k, v in through_edge.items() if v not in (401, 403)} == {}, seen
    at_node = {k: v for k, v in seen.items() if k.startswith("node/")}
    assert {k: v for k, v in at_node.items() if v not in (403, 0)} == {}, seen
    assert await _cdrs(db, digits) == 0

    # A REGISTER straight at the node is refused too, even with the right password.
    async with SipRegistrar(PHONE, node, LAYOUT.sip_port) as direct:
        try:
            status = await direct.register(user, password)
        except TimeoutError:
            status = 0
    assert status in (403, 0)
    print(f"forged marks: {seen}; REGISTER straight at the node: {status}")


async def test_the_real_carrier_still_reaches_the_number_through_the_edge(
    stack: Stack, platform_api: ApiClient, uid: str
) -> None:
    """The control: the same INVITE from the carrier's address is marked by the edge and
    routed by the node as the trunk's (ringing the queue, not challenged)."""
    tid = "eu" + uid
    number = f"0755-{random.randint(2000, 9999)}-{random.randint(1000, 9999)}"
    await _tenant(platform_api, tid, number)
    status = await probe_invite(
        CARRIER_HOST,
        "127.0.0.1",
        PLATFORM_SIP,
        transport="udp",
        from_user="13800138000",
        to_user=number.replace("-", ""),
        headers=("X-CC-Role: phone",),  # whatever a carrier sends, the edge decides
    )
    assert status not in (401, 403, 0), status
