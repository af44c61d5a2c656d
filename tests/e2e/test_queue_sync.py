"""Queues live in each node's memory, and every change is there when the API answers (issue 16).

app_queue loads queues.conf from PostgreSQL (the ``cc_queues_conf`` view) and no longer reads
a queue and its members at each caller's join; a commit to ``queues`` or ``queue_members``
notifies ``cc_queues`` and the control plane reloads exactly that queue on every node
(asterisk/queues.py); the API answers once a barrier notified after the change is through.
Pauses travel over AMI to every node, and a node that missed one is corrected from the rows
when it reconnects.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from e2e.test_routing import ami_of, open_tenant, sip_agent

from callcenter import keys
from callcenter.db.roles import ASTERISK_ROLE

from stack import Stack
from support import ApiClient

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


async def test_every_queue_change_is_on_the_node_when_the_api_answers(
    stack: Stack, platform_api: ApiClient, uid: str, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A call placed the moment after the answer finds the change (no "Unable to join
    # queue" for a queue created a millisecond earlier), so the node is asked at once;
    # and a node slow to reload (here by 0.3 s) holds the answer back, not the call.
    sync = platform_api.client.app[keys.QUEUES]
    reload = sync.reload

    async def slow_reload(node: str, names: list[str] | None) -> None:
        await asyncio.sleep(0.3)
        await reload(node, names)

    monkeypatch.setattr(sync, "reload", slow_reload)
    tenant = f"qs{uid}"
    admin = await open_tenant(platform_api, tenant, "4008200501")
    one, two = await seat(admin, tenant, "2001"), await seat(admin, tenant, "2002")
    qname, base = f"{tenant}-sales", f"/api/v1/tenants/{tenant}/queues"
    body = {"name": "sales", "extension": "601", "strategy": "leastrecent"}
    await admin.call("POST", base, body | {"members": [{"extension": "2001"}]}, expect=201)
    # A configured member (not "realtime": nothing is read again when a caller joins).
    status = await queue_status(platform_api, qname)
    assert status == {"strategy": "leastrecent", "members": {one: ("static", False)}}

    members = {"members": [{"extension": "2002"}]}
    await admin.call("PUT", f"{base}/sales/members", members, expect=204)
    status = await queue_status(platform_api, qname)
    assert status is not None and set(status["members"]) == {two}
    await admin.call("PUT", f"{base}/sales", {"strategy": "rrmemory"}, expect=200)
    status = await queue_status(platform_api, qname)
    assert status is not None and status["strategy"] == "rrmemory"

    # Forwarding a seat points its membership at the forward number, and back.
    seat_url = f"/api/v1/tenants/{tenant}/seats/2002"
    await admin.call("PUT", seat_url, {"forward_to": "13800138000"}, expect=200)
    forwarded = two.replace("PJSIP/", "Local/") + "@cc-forward/n"
    status = await queue_status(platform_api, qname)
    assert status is not None and set(status["members"]) == {forwarded}
    await admin.call("PUT", seat_url, {"forward_to": None}, expect=200)
    status = await queue_status(platform_api, qname)
    assert status is not None and set(status["members"]) == {two}

    await admin.call("DELETE", f"{base}/sales", expect=204)
    assert await queue_status(platform_api, qname) is None
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
    status = await queue_status(platform_api, qname)
    assert status is not None and interface in status["members"]
    await agent.call("POST", "/api/v1/agent/login", expect=200)
    # Logging out of one queue and back in changes the node by the answer.
    await agent.call("POST", "/api/v1/agent/queues/sales/logout", expect=200)
    status = await queue_status(platform_api, qname)
    assert status is not None and interface not in status["members"]
    await agent.call("POST", "/api/v1/agent/queues/sales/login", expect=200)
    status = await queue_status(platform_api, qname)
    assert status is not None and interface in status["members"]

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
