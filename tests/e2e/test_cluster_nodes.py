"""The control plane over two real platform Asterisk nodes (issue 15).

Two platform instances of their own (names, ports, RTP ranges apart from the session stack),
one control plane: events of both arrive tagged with their node, a tenant's actions go to
its home node, a node registered through the API gets its AMI connection without a restart,
and a node killed during a call is marked down, its tenants re-homed and its call metered
exactly once, up to the moment it died.

Calls are Local channels into a test-only context that answers and waits (appended to the
rendered dialplan of these two instances only): no phones or carrier are needed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlparse

import asyncpg
import pytest
import pytest_asyncio

from callcenter import keys
from callcenter.ami.channels import LostCall
from callcenter.ami.cluster import AmiCluster
from callcenter.app import create_app
from callcenter.asterisk.naming import device
from callcenter.devstack.asterisk import AsteriskInstance
from callcenter.devstack.sandbox import Sandbox
from callcenter.errors import DomainError
from callcenter.nodes import service as nodes_service

from stack import AMI_SECRET, AMI_USER, PREFIX, SLOT
from support import OPERATOR, ApiClient, make_settings, wait_for

pytestmark = pytest.mark.e2e

BASE = 5170 + 20 * SLOT + 10  # this slot's ports above the session stack's
NODE_A, NODE_B = f"{PREFIX}-node-a", f"{PREFIX}-node-b"
PORTS = {
    NODE_A: (BASE, BASE + 1, 8178 + 20 * SLOT + 10),
    NODE_B: (BASE + 2, BASE + 3, 8178 + 20 * SLOT + 12),
}
RTP = {NODE_A: 12700 + 2000 * SLOT, NODE_B: 12850 + 2000 * SLOT}
HOLD = """
[cc-test-hold]
exten => hold,1,UserEvent(CcCall,Tenant: ${TENANT},Did: ${CC_DID})
 same => n,Answer()
 same => n,Wait(600)
 same => n,Hangup()
"""
DEAD_AFTER_S = 2.0


class HoldingNode(AsteriskInstance):
    """A platform node whose dialplan also holds the test-only ``cc-test-hold``."""

    def render(self) -> None:
        super().render()
        with open(self.host_dir / "etc" / "extensions.conf", "a") as conf:
            conf.write(HOLD)


def make_node(sandbox: Sandbox, asterisk_dsn: str, name: str) -> HoldingNode:
    sip, ami, http = PORTS[name]
    url = urlparse(asterisk_dsn)
    return HoldingNode(
        sandbox,
        name,
        "platform",
        {
            "DB_HOST": url.hostname or "127.0.0.1",
            "DB_PORT": str(url.port or 5432),
            "DB_NAME": url.path.lstrip("/"),
            "DB_USER": url.username or "postgres",
            "DB_PASS": url.password or "",
            "AMI_BIND": "127.0.0.1",
            "AMI_USER": AMI_USER,
            "AMI_SECRET": AMI_SECRET,
            "SIP_BIND": "127.0.0.1",
            "SIP_PORT": str(sip),
            "AMI_PORT": str(ami),
            "HTTP_PORT": str(http),
            "RTP_START": str(RTP[name]),
            "RTP_END": str(RTP[name] + 99),
            # SIP only from an edge these tests do not need: their calls are Local channels.
            "EDGE_HOST": "127.0.0.10",
            "EDGE_PORT": str(BASE + 9),
        },
    )


@pytest_asyncio.fixture(scope="module")
async def nodes(asterisk_dsn: str) -> AsyncIterator[dict[str, HoldingNode]]:
    """Nodes A and B, started."""
    sandbox = await Sandbox.ensure()
    pair = {name: make_node(sandbox, asterisk_dsn, name) for name in (NODE_A, NODE_B)}
    await asyncio.gather(*(n.start() for n in pair.values()))
    try:
        yield pair
    finally:
        await asyncio.gather(*(n.stop() for n in pair.values()))


@pytest_asyncio.fixture
async def clean(db: asyncpg.Connection) -> AsyncIterator[None]:
    """Only this file's nodes are active while a test runs; afterwards they are gone (other
    suites' control planes must not find them) and other nodes get their state back."""
    states = await db.fetch("SELECT name, state FROM nodes")
    await db.execute("UPDATE nodes SET state = 'draining' WHERE state = 'active'")
    yield
    mine = [NODE_A, NODE_B]
    await db.execute("UPDATE tenants SET home_node = NULL WHERE home_node = ANY($1::text[])", mine)
    await db.execute(
        "DELETE FROM tenant_moves WHERE from_node = ANY($1::text[]) OR to_node = ANY($1::text[])",
        mine,
    )
    await db.execute("DELETE FROM nodes WHERE name = ANY($1::text[])", mine)
    for row in states:
        await db.execute("UPDATE nodes SET state = $2 WHERE name = $1", row["name"], row["state"])


async def control_plane(aiohttp_client: Any, dsn: str) -> tuple[ApiClient, AmiCluster]:
    """A control plane whose settings name node A (the implicit node until nodes exist)."""
    app = create_app(
        make_settings(
            dsn,
            ami_enabled=True,
            ami_port=PORTS[NODE_A][1],
            ami_username=AMI_USER,
            ami_secret=AMI_SECRET,
            node_dead_after_s=DEAD_AFTER_S,
        )
    )
    client = await aiohttp_client(app)
    await app[keys.AMI].wait_ready()
    return ApiClient(client), app[keys.AMI]


def node_body(name: str) -> dict[str, Any]:
    sip, ami, _ = PORTS[name]
    return {
        "name": name,
        "sip_host": "127.0.0.1",
        "sip_port": sip,
        "ami_host": "127.0.0.1",
        "ami_port": ami,
        "capacity": 10,
    }


async def open_tenant(op: ApiClient, tenant: str) -> None:
    await op.call(
        "POST",
        "/api/v1/tenants",
        {
            "id": tenant,
            "name": tenant,
            "admin": {"username": f"admin-{tenant}", "password": "secret-pass"},
        },
        expect=201,
    )


async def hold_call(ami: AmiCluster, tenant: str, number: str) -> None:
    """A call of ``tenant`` on its home node: answered, then holding for ten minutes."""
    await ami.for_tenant(tenant).originate(
        Channel="Local/hold@cc-test-hold",
        Application="Wait",
        Data="600",
        Account=tenant,
        Variable=[f"__TENANT={tenant}", f"__CC_DID={number}"],
        Timeout=5000,
        timeout=10,
    )


def expiries(events: list[dict[str, str]]) -> set[str]:
    """Nodes where a sorcery cache expiry job ran."""
    return {
        e["CcNode"]
        for e in events
        if e.get("Event") == "Newchannel"
        and e.get("Channel", "").startswith("Local/sorcery-expire@")
    }


def channels_of(events: list[dict[str, str]], tenant: str) -> list[dict[str, str]]:
    """The tenant's answered channels (the Originate's variables show from Newstate on)."""
    return [
        e
        for e in events
        if e.get("Event") == "Newstate"
        and e.get("ChannelState") == "6"
        and f"TENANT={tenant}" in e.get("ChanVariable", "")
    ]


async def two_node_cluster(api: ApiClient, ami: AmiCluster, uid: str) -> tuple[ApiClient, str, str]:
    """Register A then B through the API (no restart), and one tenant on each."""
    op = await api.login(*OPERATOR)
    await op.call("POST", "/api/v1/platform/nodes", node_body(NODE_A), expect=201)
    await ami.wait_node(NODE_A, 5)
    start = time.monotonic()
    await op.call("POST", "/api/v1/platform/nodes", node_body(NODE_B), expect=201)
    await ami.wait_node(NODE_B, 5)
    print(f"node B registered -> its AMI logged in: {(time.monotonic() - start) * 1000:.0f} ms")
    # The implicit node of the settings is closed (nodes of other suites may be registered).
    assert {NODE_A, NODE_B} <= set(ami.nodes) and not any(":" in n for n in ami.nodes)
    first, second = f"cla{uid}", f"clb{uid}"
    await open_tenant(op, first)  # both nodes empty: A by name
    admin = await api.login(f"admin-{first}", "secret-pass")
    await admin.call(
        "POST", f"/api/v1/tenants/{first}/seats", {"extension": "1001", "name": "A"}, expect=201
    )
    await open_tenant(op, second)  # A has a seat now: B
    await wait_for(lambda: ami.home_of(first) == NODE_A and ami.home_of(second) == NODE_B, 5)
    return op, first, second


async def test_events_of_both_nodes_arrive_tagged_and_actions_follow_the_tenant(
    aiohttp_client: Any, dsn: str, nodes: dict[str, HoldingNode], clean: None, uid: str
) -> None:
    api, ami = await control_plane(aiohttp_client, dsn)
    events: list[dict[str, str]] = []
    ami.on_raw(lambda e: events.append(dict(e)))
    op, first, second = await two_node_cluster(api, ami, uid)
    # A new seat's cache expiry and device state go to both nodes: after a failover either
    # may ring it.
    await wait_for(lambda: expiries(events) >= {NODE_A, NODE_B}, 5)  # the connects' re-syncs
    await asyncio.sleep(0.3)
    events.clear()
    admin = await api.login(f"admin-{first}", "secret-pass")
    await admin.call(
        "POST", f"/api/v1/tenants/{first}/seats", {"extension": "1002", "name": "B"}, expect=201
    )
    assert expiries(events) >= {NODE_A, NODE_B}  # done before the API answered
    for node in (NODE_A, NODE_B):
        reply = await ami.client(node).action(
            "Getvar", Variable=f"DEVICE_STATE({device(f'{first}-1002')})"
        )
        assert reply["Value"] == "UNAVAILABLE", (node, reply)

    await hold_call(ami, first, "4008300001")
    await hold_call(ami, second, "4008300002")
    on_a = await wait_for(lambda: channels_of(events, first), 5)
    on_b = await wait_for(lambda: channels_of(events, second), 5)
    assert {e["CcNode"] for e in on_a} == {NODE_A}
    assert {e["CcNode"] for e in on_b} == {NODE_B}
    assert all(e["Uniqueid"].startswith(NODE_A) for e in on_a)  # each node's own system name
    assert all(e["Uniqueid"].startswith(NODE_B) for e in on_b)

    _, listed = await op.call("GET", "/api/v1/platform/nodes", expect=200)
    view = {n["name"]: n for n in listed if n["name"] in (NODE_A, NODE_B)}
    assert view[NODE_A]["ami_connected"] and view[NODE_B]["ami_connected"]
    assert (view[NODE_A]["calls_up"], view[NODE_B]["calls_up"]) == (1, 1)
    assert (view[NODE_A]["tenants"], view[NODE_B]["tenants"]) == (1, 1)
    health = await (await api.client.get("/healthz")).json()
    assert {n: health["nodes"][n] for n in (NODE_A, NODE_B)} == {NODE_A: True, NODE_B: True}
    _, calls = await op.call("GET", "/api/v1/platform/calls", expect=200)
    assert {(c["tenant_id"], c["node"]) for c in calls["live"]} >= {
        (first, NODE_A),
        (second, NODE_B),
    }
    metrics = await (await api.client.get("/metrics", headers=op_header(op))).text()
    assert f'callcenter_ami_connected{{node="{NODE_B}"}} 1.0' in metrics

    # A channel action goes to the node holding the channel, whichever tenant it is.
    target = on_b[0]
    await ami.for_channel(target["Uniqueid"]).action("Hangup", Channel=target["Channel"])
    hung = await wait_for(
        lambda: [
            e for e in events if e.get("Event") == "Hangup" and e["Uniqueid"] == target["Uniqueid"]
        ],
        5,
    )
    assert hung[0]["CcNode"] == NODE_B
    # Moving a tenant: its next action goes to the new home; its call up stays where it is.
    await op.call("POST", f"/api/v1/platform/tenants/{first}/move", {"node": NODE_B}, expect=200)
    await wait_for(lambda: ami.home_of(first) == NODE_B, 5)
    before = len(channels_of(events, first))
    await hold_call(ami, first, "4008300003")
    moved = await wait_for(lambda: channels_of(events, first)[before:], 5)
    assert {e["CcNode"] for e in moved} == {NODE_B}
    assert ami.calls_up(NODE_A) == 1  # the first call still up on A
    await hang_up_all(ami)


async def hang_up_all(ami: AmiCluster) -> None:
    """End this file's calls (on its own nodes only)."""
    for item in await ami.action_list("CoreShowChannels"):
        if item["CcNode"] in (NODE_A, NODE_B):
            with contextlib.suppress(DomainError):  # the other half of a Local went with it
                await ami.client(item["CcNode"]).action("Hangup", Channel=item["Channel"])


def op_header(op: ApiClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {op.token}"}


async def test_a_killed_node_is_marked_down_its_tenants_rehomed_and_its_call_metered_once(
    aiohttp_client: Any,
    dsn: str,
    db: asyncpg.Connection,
    nodes: dict[str, HoldingNode],
    clean: None,
    uid: str,
) -> None:
    api, ami = await control_plane(aiohttp_client, dsn)
    events: list[dict[str, str]] = []
    ami.on_raw(lambda e: events.append(dict(e)))
    _, first, second = await two_node_cluster(api, ami, uid)
    await hold_call(ami, first, "4008300011")
    await hold_call(ami, second, "4008300012")
    on_b = await wait_for(lambda: channels_of(events, second), 5)
    linkedid = on_b[0]["Linkedid"]
    await asyncio.sleep(1.5)  # a second or more of talk to bill

    killed_at = time.time()
    await nodes[NODE_B].kill()
    await wait_for(
        lambda: db.fetchval("SELECT state = 'down' FROM nodes WHERE name = $1", NODE_B), 10
    )
    down_after = time.time() - killed_at
    await wait_for(
        lambda: db.fetchval("SELECT home_node = $2 FROM tenants WHERE id = $1", second, NODE_A),
        5,
    )
    rehomed_after = time.time() - killed_at
    print(
        f"node B killed -> down after {down_after:.2f} s,"
        f" tenant re-homed after {rehomed_after:.2f} s"
    )
    assert down_after < DEAD_AFTER_S + 2.0
    moves = await db.fetch(
        "SELECT from_node, to_node, reason FROM tenant_moves WHERE tenant_id = $1 ORDER BY id",
        second,
    )
    assert [tuple(m) for m in moves] == [(None, NODE_B, "placed"), (NODE_B, NODE_A, "failover")]
    await wait_for(lambda: ami.home_of(second) == NODE_A, 5)

    legs = await db.fetch("SELECT * FROM cdr WHERE linkedid = $1", linkedid)
    assert len(legs) == 1, legs
    leg = legs[0]
    assert leg["written_by"] == "node-lost" and leg["sequence"] == -1
    assert leg["tenantid"] == second and leg["disposition"] == "ANSWERED"
    assert leg["direction"] == "inbound" and leg["did"] == "4008300012"
    assert abs(leg["end"].timestamp() - killed_at) < 1.0, (leg["end"], killed_at)
    assert leg["billsec"] >= 1
    print(
        f"metered leg: billsec {leg['billsec']} s, ends {leg['end'].timestamp() - killed_at:+.2f} s"
        " from the kill"
    )
    # The other node's call is untouched.
    assert any(
        c["Channel"].startswith("Local/hold@cc-test-hold")
        for c in await ami.client(NODE_A).action_list("CoreShowChannels")
    )
    # A second detection of the same loss (or one by a restarted control plane that saw
    # the same call) writes nothing more.
    again = LostCall(
        linkedid,
        leg["channel"],
        leg["dstchannel"],
        second,
        leg["did"],
        "inbound",
        leg["start"],
        leg["answer"],
        leg["end"],
    )
    await nodes_service.node_lost(api.client.app[keys.POOL], NODE_B, leg["end"], [again])
    assert await db.fetchval("SELECT count(*) FROM cdr WHERE linkedid = $1", linkedid) == 1

    # B comes back: this control plane reconnects and re-syncs B (and only B); B is active
    # again and the tenant stays on A.
    events.clear()
    await nodes[NODE_B].start()
    await ami.wait_node(NODE_B, 10)
    await wait_for(
        lambda: db.fetchval("SELECT state = 'active' FROM nodes WHERE name = $1", NODE_B), 5
    )
    await wait_for(lambda: NODE_B in expiries(events), 5)
    await asyncio.sleep(0.5)
    assert expiries(events) & {NODE_A, NODE_B} == {NODE_B}  # A was not re-synced
    assert await db.fetchval("SELECT home_node FROM tenants WHERE id = $1", second) == NODE_A

    # The control plane restarts too: nothing is written twice.
    await api.client.close()
    api, ami = await control_plane(aiohttp_client, dsn)
    await ami.wait_node(NODE_B, 10)
    await wait_for(
        lambda: db.fetchval("SELECT state = 'active' FROM nodes WHERE name = $1", NODE_B), 5
    )
    assert await db.fetchval("SELECT home_node FROM tenants WHERE id = $1", second) == NODE_A
    await asyncio.sleep(DEAD_AFTER_S + 0.5)
    assert await db.fetchval("SELECT count(*) FROM cdr WHERE linkedid = $1", linkedid) == 1
    assert await db.fetchval("SELECT state FROM nodes WHERE name = $1", NODE_B) == "active"
    await hang_up_all(ami)
