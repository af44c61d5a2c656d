"""Operators register Asterisk nodes, tenants are homed on the least-loaded one and moved.

Nodes are platform-wide rows shared by every test of the run: each test drains the nodes
it did not register, so placement only sees its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from integration.test_provisioning_api import open_tenant

from support import OPERATOR, ApiClient

NODES = "/api/v1/platform/nodes"


@pytest_asyncio.fixture(autouse=True)
async def nodes_restored(db: asyncpg.Connection) -> AsyncIterator[None]:
    """Nodes a test registers are gone afterwards and the others get their state back: the
    control planes of later suites must not find them (they would open their AMI)."""
    before = {r["name"]: r["state"] for r in await db.fetch("SELECT name, state FROM nodes")}
    yield
    added = [r["name"] for r in await db.fetch("SELECT name FROM nodes") if r["name"] not in before]
    await db.execute("UPDATE tenants SET home_node = NULL WHERE home_node = ANY($1::text[])", added)
    await db.execute(
        "DELETE FROM tenant_moves WHERE from_node = ANY($1::text[]) OR to_node = ANY($1::text[])",
        added,
    )
    await db.execute("DELETE FROM nodes WHERE name = ANY($1::text[])", added)
    for name, state in before.items():
        await db.execute("UPDATE nodes SET state = $2 WHERE name = $1", name, state)


def node_body(name: str, port: int, capacity: int = 10) -> dict[str, Any]:
    return {
        "name": name,
        "sip_host": "127.0.0.1",
        "sip_port": port,
        "ami_host": "127.0.0.1",
        "ami_port": port + 1,
        "capacity": capacity,
    }


def port_of(uid: str, offset: int) -> int:
    return 20000 + (int(uid, 16) % 4000) * 8 + offset


async def only_mine(db: asyncpg.Connection, *names: str) -> None:
    """Drain every node but ``names``: placement then chooses among them only."""
    await db.execute(
        "UPDATE nodes SET state = 'draining' WHERE NOT (name = ANY($1::text[]))"
        " AND state = 'active'",
        list(names),
    )


async def home(db: asyncpg.Connection, tenant: str) -> str | None:
    value: str | None = await db.fetchval("SELECT home_node FROM tenants WHERE id = $1", tenant)
    return value


async def add_seats(admin: ApiClient, tenant: str, count: int) -> None:
    for i in range(count):
        await admin.call(
            "POST",
            f"/api/v1/tenants/{tenant}/seats",
            {"extension": str(1001 + i), "name": f"S{i}"},
            expect=201,
        )


async def test_an_operator_registers_a_node_and_bad_input_names_the_field(
    api: ApiClient, uid: str
) -> None:
    op = await api.login(*OPERATOR)
    name = f"n{uid}"
    _, node = await op.call("POST", NODES, node_body(name, port_of(uid, 0)), expect=201)
    assert node["name"] == name and node["state"] == "active" and node["capacity"] == 10
    assert node["ami_connected"] is False and node["tenants"] == 0
    _, dup = await op.call("POST", NODES, node_body(name, port_of(uid, 2)), expect=409)
    assert dup["reason"] == "node-exists" and dup["details"]["field"] == "name"
    _, dup = await op.call("POST", NODES, node_body(f"m{uid}", port_of(uid, 0)), expect=409)
    assert dup["reason"] == "node-exists"
    for field, value in (
        ("name", "Bad_Name"),
        ("name", "-x"),
        ("sip_host", "999.1.1.1"),
        ("sip_host", "example.com"),
        ("ami_host", "1.2.3"),
        ("sip_port", 0),
        ("ami_port", 70000),
        ("capacity", 0),
        ("capacity", "many"),
    ):
        body = {**node_body(f"x{uid}", port_of(uid, 4)), field: value}
        status, reply = await op.call("POST", NODES, body)
        assert status == 400, (field, value, status, reply)
        assert reply["error"] == "invalid-input" and reply["details"]["field"] == field, reply
    status, reply = await op.call("POST", NODES, {**node_body(f"x{uid}", 1), "extra": 1})
    assert status == 400 and reply["details"]["field"] == "extra"
    status, reply = await op.call("POST", NODES, {"name": f"x{uid}"})
    assert status == 400 and reply["details"]["field"] == "sip_host"

    _, patched = await op.call("PATCH", f"{NODES}/{name}", {"capacity": 25}, expect=200)
    assert patched["capacity"] == 25 and patched["state"] == "active"
    _, patched = await op.call("PATCH", f"{NODES}/{name}", {"state": "draining"}, expect=200)
    assert patched["state"] == "draining" and patched["state_since"] != node["state_since"]
    _, bad = await op.call("PATCH", f"{NODES}/{name}", {"state": "down"}, expect=400)
    assert bad["details"]["field"] == "state"
    _, missing = await op.call("PATCH", f"{NODES}/nope{uid}", {"capacity": 2}, expect=404)
    assert missing["reason"] == "no-such-node"
    _, listed = await op.call("GET", NODES, expect=200)
    mine = next(n for n in listed if n["name"] == name)
    assert mine["capacity"] == 25 and mine["state"] == "draining"
    assert {"ami_connected", "calls_up", "tenants", "seats"} <= set(mine)


async def test_tenant_users_never_see_or_change_nodes(api: ApiClient, uid: str) -> None:
    op = await api.login(*OPERATOR)
    name = f"node-{uid}"
    await op.call("POST", NODES, node_body(name, port_of(uid, 0)), expect=201)
    tenant, admin = await open_tenant(api, uid)
    for method, path, body in (
        ("GET", NODES, None),
        ("POST", NODES, node_body(f"e{uid}", port_of(uid, 2))),
        ("PATCH", f"{NODES}/{name}", {"capacity": 1}),
        ("POST", f"/api/v1/platform/tenants/{tenant}/move", {"node": name}),
    ):
        status, reply = await admin.call(method, path, body)
        assert status == 403 and reply["error"] == "forbidden", (method, path, status, reply)
    _, own = await admin.call("GET", f"/api/v1/tenants/{tenant}", expect=200)
    assert "home_node" not in own and name not in str(own)
    status, _ = await api.as_(None).call("GET", NODES)
    assert status == 401


async def test_new_tenants_are_homed_on_the_least_loaded_active_node(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    op = await api.login(*OPERATOR)
    small, big = f"a{uid}", f"b{uid}"
    await op.call("POST", NODES, node_body(small, port_of(uid, 0), capacity=10), expect=201)
    await op.call("POST", NODES, node_body(big, port_of(uid, 2), capacity=20), expect=201)
    await only_mine(db, small, big)

    first, admin1 = await open_tenant(api, uid + "1")
    assert await home(db, first) == small  # both empty: the tie goes to the name
    await add_seats(admin1, first, 5)  # small: 5/10
    second, admin2 = await open_tenant(api, uid + "2")
    assert await home(db, second) == big  # big: 0/20
    await add_seats(admin2, second, 6)  # big: 6/20 = 0.3 < 0.5
    third, _ = await open_tenant(api, uid + "3")
    assert await home(db, third) == big
    await db.execute("UPDATE nodes SET capacity = 4 WHERE name = $1", big)  # big: 6/4
    fourth, _ = await open_tenant(api, uid + "4")
    assert await home(db, fourth) == small
    await op.call("PATCH", f"{NODES}/{small}", {"state": "draining"}, expect=200)
    fifth, _ = await open_tenant(api, uid + "5")
    assert await home(db, fifth) == big  # a draining node takes no new tenant

    moves = await db.fetch(
        "SELECT tenant_id, from_node, to_node, reason FROM tenant_moves"
        " WHERE tenant_id = ANY($1::text[]) ORDER BY id",
        [first, second, third, fourth, fifth],
    )
    assert [(m["tenant_id"], m["from_node"], m["to_node"], m["reason"]) for m in moves] == [
        (first, None, small, "placed"),
        (second, None, big, "placed"),
        (third, None, big, "placed"),
        (fourth, None, small, "placed"),
        (fifth, None, big, "placed"),
    ]
    _, listed = await op.call("GET", NODES, expect=200)
    by_name = {n["name"]: n for n in listed}
    assert (by_name[small]["tenants"], by_name[small]["seats"]) == (2, 5)
    assert (by_name[big]["tenants"], by_name[big]["seats"]) == (3, 6)


async def test_without_an_active_node_a_tenant_has_no_home(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    await only_mine(db)
    tenant, _ = await open_tenant(api, uid)
    assert await home(db, tenant) is None
    assert await db.fetchval("SELECT count(*) FROM tenant_moves WHERE tenant_id = $1", tenant) == 0


async def test_an_operator_moves_a_tenant_and_the_move_is_recorded(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    op = await api.login(*OPERATOR)
    one, two, drained = f"o{uid}", f"p{uid}", f"q{uid}"
    for i, name in enumerate((one, two, drained)):
        await op.call("POST", NODES, node_body(name, port_of(uid, 2 * i)), expect=201)
    await only_mine(db, one)
    tenant, _ = await open_tenant(api, uid)
    assert await home(db, tenant) == one
    await op.call("PATCH", f"{NODES}/{two}", {"state": "active"}, expect=200)

    _, moved = await op.call(
        "POST", f"/api/v1/platform/tenants/{tenant}/move", {"node": two}, expect=200
    )
    assert moved["home_node"] == two
    assert [(m["from_node"], m["to_node"], m["reason"]) for m in moved["moves"]] == [
        (None, one, "placed"),
        (one, two, "operator"),
    ]
    assert await home(db, tenant) == two
    # The edge reads the home through its view: the next call goes to the new node.
    assert await db.fetchval("SELECT node FROM cc_edge_tenants WHERE tenant_id = $1", tenant) == two

    _, refused = await op.call(
        "POST", f"/api/v1/platform/tenants/{tenant}/move", {"node": drained}, expect=409
    )
    assert refused["reason"] == "node-not-active"
    _, refused = await op.call(
        "POST", f"/api/v1/platform/tenants/{tenant}/move", {"node": f"z{uid}"}, expect=404
    )
    assert refused["reason"] == "no-such-node" and refused["details"]["field"] == "node"
    _, refused = await op.call(
        "POST", f"/api/v1/platform/tenants/nosuch{uid}/move", {"node": two}, expect=404
    )
    _, bad = await op.call(
        "POST", f"/api/v1/platform/tenants/{tenant}/move", {"node": "Bad Node"}, expect=400
    )
    assert bad["details"]["field"] == "node"
    assert await home(db, tenant) == two
    count = await db.fetchval("SELECT count(*) FROM tenant_moves WHERE tenant_id = $1", tenant)
    assert count == 2


@pytest.fixture
def uid(uid: str) -> str:
    """Tenant ids here get a digit appended: keep them within the id pattern."""
    return uid[:5]
