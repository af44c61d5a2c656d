"""Queues live in each node's memory, and every change reaches it within a second (issue 16).

app_queue loads queues.conf from PostgreSQL (the ``cc_queues_conf`` view) and no longer reads
a queue and its members at each caller's join; a commit to ``queues`` or ``queue_members``
notifies ``cc_queues`` and the control plane reloads exactly that queue on every node
(asterisk/queues.py). Pauses travel over AMI to every node, and a node that missed one is
corrected from the rows when it reconnects.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from e2e.test_routing import ami_of, open_tenant, sip_agent

from callcenter import keys
from callcenter.db.roles import ASTERISK_ROLE

from stack import Stack
from support import ApiClient, wait_for

pytestmark = pytest.mark.e2e


async def queue_status(api: ApiClient, qname: str) -> dict[str, Any] | None:
    """What the nodes hold of ``qname``: its parameters, and its members by interface as
    ``(membership, paused)`` ("differs" where nodes disagree); None if none holds it."""
    items = await ami_of(api).action_list("QueueStatus", Queue=qname)
    params = next((i for i in items if i.get("Event") == "QueueParams"), None)
    if params is None:
        return None
    members: dict[str, Any] = {}
    for i in items:  # from every connected node (tagged CcNode): all must agree
        if i.get("Event") == "QueueMember":
            held = (i.get("Membership", ""), i.get("Paused") == "1")
            members[i["Location"]] = held if members.get(i["Location"], held) == held else "differs"
    return {"strategy": params.get("Strategy"), "members": members}


async def seat(admin: ApiClient, tenant: str, extension: str) -> str:
    _, body = await admin.call(
        "POST", f"/api/v1/tenants/{tenant}/seats", {"extension": extension}, expect=201
    )
    return f"PJSIP/{body['sip']['username']}"


async def within_a_second(api: ApiClient, qname: str, check: Any) -> float:
    """Seconds until the node's view of ``qname`` passes ``check`` (at most one)."""
    start = time.monotonic()

    async def seen() -> bool:
        return bool(check(await queue_status(api, qname)))

    await wait_for(seen, timeout=1.0, interval=0.01)
    return time.monotonic() - start


async def test_queue_changes_reach_the_node_within_a_second_and_it_reads_no_rows_per_call(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any
) -> None:
    tenant = f"qs{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200501")
    one, two = await seat(admin, tenant, "2001"), await seat(admin, tenant, "2002")
    qname, base = f"{tenant}-sales", f"/api/v1/tenants/{tenant}/queues"
    body = {"name": "sales", "extension": "601", "strategy": "leastrecent"}
    await admin.call("POST", base, body | {"members": [{"extension": "2001"}]}, expect=201)
    took = [await within_a_second(platform_api, qname, lambda s: s and one in s["members"])]
    status = await queue_status(platform_api, qname)
    # A configured member (not "realtime": nothing is read again when a caller joins).
    assert status == {"strategy": "leastrecent", "members": {one: ("static", False)}}

    members = {"members": [{"extension": "2002"}]}
    await admin.call("PUT", f"{base}/sales/members", members, expect=204)
    took.append(await within_a_second(platform_api, qname, lambda s: set(s["members"]) == {two}))
    await admin.call("PUT", f"{base}/sales", {"strategy": "rrmemory"}, expect=200)
    took.append(await within_a_second(platform_api, qname, lambda s: s["strategy"] == "rrmemory"))
    await admin.call("DELETE", f"{base}/sales", expect=204)
    took.append(await within_a_second(platform_api, qname, lambda s: s is None))
    print("queue changes on the node after the API's answer (ms):", [round(t * 1000) for t in took])
    # Asterisk's role reads the generated queues.conf, not the tables behind it.
    assert not await db.fetchval(
        "SELECT has_table_privilege($1, 'queue_members', 'SELECT')", ASTERISK_ROLE
    )


async def test_a_pause_reaches_the_node_and_a_missed_one_is_corrected_on_resync(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any
) -> None:
    tenant = f"qp{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200502")
    interface = await seat(admin, tenant, "2001")
    agent = await sip_agent(platform_api, admin, tenant, "2001")
    body = {"name": "sales", "extension": "601", "members": [{"extension": "2001"}]}
    await admin.call("POST", f"/api/v1/tenants/{tenant}/queues", body, expect=201)
    qname = f"{tenant}-sales"
    await within_a_second(platform_api, qname, lambda s: s and interface in s["members"])
    await agent.call("POST", "/api/v1/agent/login", expect=200)

    await agent.call("POST", "/api/v1/agent/pause", {"reason": "lunch"}, expect=200)
    # The API answers once every node has paused the member.
    status = await queue_status(platform_api, qname)
    assert status is not None and status["members"][interface] == ("static", True)

    # A pause the node missed (it was away when the row changed): a row's pause alone
    # reloads nothing; the re-sync of a reconnecting node compares and corrects.
    await db.execute("UPDATE queue_members SET paused = 0 WHERE queue_name = $1", qname)
    status = await queue_status(platform_api, qname)
    assert status is not None and status["members"][interface] == ("static", True)
    app = platform_api.client.app
    nodes = [n for n in app[keys.AMI].nodes if app[keys.AMI].node_connected(n)]
    for node in nodes:  # every node holds the queue (a second one, after the cluster tests)
        assert await app[keys.QUEUES].reconcile_pauses(node) == 1, node
    status = await queue_status(platform_api, qname)
    assert status is not None and status["members"][interface] == ("static", False)
    for node in nodes:
        assert await app[keys.QUEUES].reconcile_pauses(node) == 0, node
