"""Carrier trunks as data: operators add, change and remove them; bad input names its field
and changes nothing; tenant admins cannot touch them; the edge reads what it needs (and no
more) as Asterisk's role."""

from __future__ import annotations

import string
from typing import Any

import asyncpg

from support import OPERATOR, ApiClient

BASE = "/api/v1/platform/trunks"


def short(uid: str) -> str:
    return "".join(c for c in uid if c in string.ascii_lowercase + string.digits)[:12]


async def test_an_operator_adds_lists_changes_and_removes_a_trunk(api: ApiClient, uid: str) -> None:
    op = await api.login(*OPERATOR)
    name = f"ct-{short(uid)}"
    _, trunk = await op.call(
        "POST",
        BASE,
        {
            "name": name,
            "host": "192.0.2.10",
            "max_channels": 30,
            "prefixes": ["1", "1", "0"],
            "inbound_prefixes": ["4008"],
        },
        expect=201,
    )
    assert trunk["port"] == 5060 and trunk["transport"] == "udp" and trunk["enabled"]
    assert trunk["prefixes"] == ["1", "0"] and trunk["inbound_prefixes"] == ["4008"]
    assert trunk["registration"] == {
        "register": False,
        "auth_username": None,
        "has_password": False,
        "expires": 300,
    }
    _, listed = await op.call("GET", BASE, expect=200)
    assert name in [t["name"] for t in listed]
    _, changed = await op.call(
        "PATCH", f"{BASE}/{name}", {"max_channels": 2, "priority": 5}, expect=200
    )
    assert (changed["max_channels"], changed["priority"], changed["host"]) == (
        2,
        5,
        "192.0.2.10",
    )
    _, got = await op.call("GET", f"{BASE}/{name}", expect=200)
    assert got == changed
    await op.call("DELETE", f"{BASE}/{name}", expect=204)
    status, body = await op.call("GET", f"{BASE}/{name}")
    assert status == 404 and body["reason"] == "no-such-trunk"
    status, _ = await op.call("DELETE", f"{BASE}/{name}")
    assert status == 404


async def test_a_registering_trunk_needs_credentials_and_never_shows_its_password(
    api: ApiClient, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    name = f"rg-{short(uid)}"
    status, body = await op.call(
        "POST",
        BASE,
        {"name": name, "host": "192.0.2.11", "max_channels": 4, "register": True},
    )
    assert status == 400 and body["details"]["field"] == "auth_username"
    _, trunk = await op.call(
        "POST",
        BASE,
        {
            "name": name,
            "host": "192.0.2.11",
            "max_channels": 4,
            "register": True,
            "auth_username": "edge01",
            "auth_password": "s3cret-Pass",
        },
        expect=201,
    )
    assert "s3cret-Pass" not in str(trunk)
    assert trunk["registration"]["has_password"] is True
    # Clearing the password of a registering trunk is refused and changes nothing.
    status, body = await op.call("PATCH", f"{BASE}/{name}", {"auth_password": None})
    assert status == 400 and body["details"]["field"] == "auth_password"
    assert await db.fetchval("SELECT auth_password FROM trunks WHERE name = $1", name) == (
        "s3cret-Pass"
    )
    _, trunk = await op.call(
        "PATCH",
        f"{BASE}/{name}",
        {"register": False, "auth_username": None, "auth_password": None},
        expect=200,
    )
    assert trunk["registration"]["has_password"] is False


async def test_bad_input_names_the_field_and_changes_nothing(
    api: ApiClient, uid: str, db: Any
) -> None:
    op = await api.login(*OPERATOR)
    name = f"bd-{short(uid)}"
    good = {"name": name, "host": "192.0.2.12", "max_channels": 10}
    for patch, field in [
        ({"host": "192.0.2.300"}, "host"),
        ({"host": "example.com"}, "host"),
        ({"host": "0.0.0.0"}, "host"),
        ({"port": 0}, "port"),
        ({"transport": "sctp"}, "transport"),
        ({"max_channels": 0}, "max_channels"),
        ({"priority": -1}, "priority"),
        ({"prefixes": []}, "prefixes"),
        ({"prefixes": ["86'; DROP TABLE trunks; --"]}, "prefixes.0"),
        ({"inbound_prefixes": ["+86"]}, "inbound_prefixes.0"),
        ({"name": "Bad Name"}, "name"),
        ({"auth_username": "a b", "auth_password": "longenough"}, "auth_username"),
        ({"auth_username": "user", "auth_password": "has'quote1"}, "auth_password"),
        ({"auth_username": "user"}, "auth_password"),
        ({"surprise": 1}, "surprise"),
    ]:
        status, body = await op.call("POST", BASE, {**good, **patch})
        assert status == 400, (patch, body)
        assert body["details"]["field"].replace("[", ".").rstrip("]") == field, (patch, body)
    assert not await db.fetchval("SELECT count(*) FROM trunks WHERE name = $1", name)

    await op.call("POST", BASE, good, expect=201)
    status, body = await op.call("POST", BASE, good)
    assert status == 409 and body["reason"] == "trunk-exists"
    for patch, field in [
        ({"max_channels": None}, "max_channels"),
        ({"max_channels": "many"}, "max_channels"),
        ({"enabled": None}, "enabled"),
        ({"register": True}, "auth_username"),
        ({"name": "renamed"}, "name"),
    ]:
        status, body = await op.call("PATCH", f"{BASE}/{name}", patch)
        assert status == 400 and body["details"]["field"] == field, (patch, body)
    row = await db.fetchrow(
        "SELECT max_channels, enabled, register FROM trunks WHERE name = $1", name
    )
    assert tuple(row) == (10, True, False)
    status, _ = await op.call("PATCH", f"{BASE}/no-such-{short(uid)}", {"priority": 1})
    assert status == 404
    status, _ = await op.call("GET", f"{BASE}/..%2F..%2Fetc")
    assert status == 404


async def test_a_node_address_cannot_be_a_trunk(api: ApiClient, uid: str, db: Any) -> None:
    """Every request from a trunk's address is taken as the carrier's: a node's never is."""
    op = await api.login(*OPERATOR)
    node = f"n{short(uid)}"[:20]
    host = "198.51.100.7"
    await db.execute(
        "INSERT INTO nodes (name, sip_host, sip_port, ami_host, ami_port, capacity)"
        " VALUES ($1, $2, 5060, $2, 5038, 100)",
        node,
        host,
    )
    try:
        status, body = await op.call(
            "POST", BASE, {"name": f"nd-{short(uid)}", "host": host, "max_channels": 1}
        )
        assert status == 409 and body["reason"] == "host-is-node"
        assert body["details"]["field"] == "host"
    finally:
        await db.execute("DELETE FROM nodes WHERE name = $1", node)


async def test_tenant_admins_cannot_see_or_touch_trunks(api: ApiClient, uid: str) -> None:
    op = await api.login(*OPERATOR)
    tid = "t" + short(uid)
    await op.call(
        "POST",
        "/api/v1/tenants",
        {"id": tid, "name": "T", "admin": {"username": f"adm-{uid}", "password": "secret-pass"}},
        expect=201,
    )
    admin = await api.login(f"adm-{uid}", "secret-pass")
    name = f"tn-{short(uid)}"
    await op.call("POST", BASE, {"name": name, "host": "192.0.2.13", "max_channels": 1})
    for method, path, body in [
        ("GET", BASE, None),
        ("POST", BASE, {"name": f"x{short(uid)}", "host": "192.0.2.14", "max_channels": 1}),
        ("GET", f"{BASE}/{name}", None),
        ("PATCH", f"{BASE}/{name}", {"max_channels": 99}),
        ("DELETE", f"{BASE}/{name}", None),
    ]:
        status, answer = await admin.call(method, path, body)
        assert status == 403 and answer["error"] == "forbidden", (method, path)
    _, trunk = await op.call("GET", f"{BASE}/{name}", expect=200)
    assert trunk["max_channels"] == 1
    status, _ = await api.as_(None).call("GET", BASE)
    assert status == 401


async def test_the_edge_picks_trunks_by_prefix_and_priority_and_knows_inbound_ranges(
    api: ApiClient, uid: str, asterisk_dsn: str
) -> None:
    """What the edge reads as Asterisk's role: the trunks a number may go out on, in order;
    which trunk a source address is; the registrations; but not the trunks table itself."""
    op = await api.login(*OPERATOR)
    s = short(uid)
    host = f"203.0.113.{sum(map(ord, s)) % 200 + 20}"
    for name, body in [
        (f"a-{s}", {"priority": 10, "prefixes": ["139"]}),
        (f"b-{s}", {"priority": 10, "prefixes": ["1"]}),
        (f"c-{s}", {"priority": 20, "prefixes": [""]}),
        (f"d-{s}", {"priority": 0, "prefixes": ["139"], "enabled": False}),
        (
            f"e-{s}",
            {
                "priority": 30,
                "prefixes": ["139"],
                "host": host,
                "port": 5070,
                "inbound_prefixes": ["40084", "40085"],
                "register": True,
                "auth_username": f"u{s}",
                "auth_password": "pass-word-1",
            },
        ),
    ]:
        await op.call(
            "POST",
            BASE,
            {"name": name, "host": "192.0.2.20", "max_channels": 3, **body},
            expect=201,
        )
    edge = await asyncpg.connect(asterisk_dsn)
    try:
        mine = {f"{x}-{s}" for x in "abcde"}
        out = [
            r["name"]
            for r in await edge.fetch("SELECT name FROM cc_edge_trunks_out('13900001111')")
            if r["name"] in mine
        ]
        assert out == [f"a-{s}", f"b-{s}", f"c-{s}", f"e-{s}"]
        out = [
            r["name"]
            for r in await edge.fetch("SELECT name FROM cc_edge_trunks_out('0101234')")
            if r["name"] in mine
        ]
        assert out == [f"c-{s}"]
        assert not await edge.fetch("SELECT * FROM cc_edge_trunks_out('1'' OR ''1''=''1')")
        trunk_in = "SELECT * FROM cc_edge_trunk_in($1, 5060, $2, $3)"
        row = await edge.fetchrow(trunk_in, host, "4008412345", "")
        # The last column is the tenant whose own PBX the trunk is ('' for a carrier).
        assert tuple(row) == (f"e-{s}", 3, "4008412345", True, "")
        row = await edge.fetchrow(trunk_in, host, "4008612345", "4008412345")
        assert tuple(row) == (f"e-{s}", 3, "4008612345", False, "")
        # Calling the contact the edge registered: the number is the To user.
        for contact_user in (f"e-{s}", f"u{s}"):
            row = await edge.fetchrow(trunk_in, host, contact_user, "4008512345")
            assert tuple(row) == (f"e-{s}", 3, "4008512345", True, "")
        assert not await edge.fetch(trunk_in, "192.0.2.99", "4008412345", "")
        versions = dict(await edge.fetch("SELECT table_name, table_version FROM version"))
        assert versions["cc_edge_trunk_regs"] == 5
        reg = await edge.fetchrow("SELECT * FROM cc_edge_trunk_regs WHERE l_uuid = $1", f"e-{s}")
        assert (reg["l_username"], reg["r_domain"], reg["auth_password"]) == (
            f"u{s}",
            host,
            "pass-word-1",
        )
        assert reg["auth_proxy"] == f"sip:{host}:5070;transport=udp"
        try:
            await edge.fetch("SELECT * FROM trunks")
        except asyncpg.InsufficientPrivilegeError:
            pass
        else:
            raise AssertionError("the edge's role reads the trunks table")
    finally:
        await edge.close()
