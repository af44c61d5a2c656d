"""A lost node's calls are metered once: by the control plane, or by the node's own CDR if it
was only cut off and reports the call later (the real leg replaces the synthesized one)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
from integration.test_nodes_api import nodes_restored  # noqa: F401 - autouse: clean up nodes

from callcenter import keys
from callcenter.ami.channels import LostCall
from callcenter.cdr import repo as cdr_repo
from callcenter.cdr.records import COLUMNS, lost_call_row
from callcenter.nodes import service as nodes_service

from support import OPERATOR, ApiClient

NODES = "/api/v1/platform/nodes"


def lost(linkedid: str, tenant: str, at: datetime) -> LostCall:
    return LostCall(
        linkedid=linkedid,
        channel=f"PJSIP/trunk-{linkedid}",
        dstchannel=f"PJSIP/{tenant}-1001-{linkedid}",
        tenant=tenant,
        did="4008300100",
        direction="inbound",
        start=at - timedelta(seconds=40),
        answer=at - timedelta(seconds=30),
        end=at,
    )


async def register(api: ApiClient, name: str, port: int) -> None:
    op = await api.login(*OPERATOR)
    body = {
        "name": name,
        "sip_host": "127.0.0.3",
        "sip_port": port,
        "ami_host": "127.0.0.3",
        "ami_port": port,
        "capacity": 10,
    }
    await op.call("POST", NODES, body, expect=201)


def real_leg(
    linkedid: str, tenant: str, end: datetime, sequence: int, disposition: str = "ANSWERED"
) -> tuple[object, ...]:
    values = {c: "" for c in COLUMNS}
    values.update(
        calldate=end - timedelta(seconds=40),
        start=end - timedelta(seconds=40),
        answer=end - timedelta(seconds=30),
        end=end,
        duration=40,
        billsec=30,
        amaflags=3,
        sequence=sequence,
        uniqueid=linkedid,
        linkedid=linkedid,
        disposition=disposition,
        tenantid=tenant,
        did="4008300100",
        direction="inbound",
        queue=None,
        written_by="ami",
    )
    return tuple(values[c] for c in COLUMNS)


async def test_a_lost_node_is_marked_down_once_and_its_call_metered_once(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    dead, alive = f"d{uid}", f"e{uid}"
    await register(api, dead, 30000 + int(uid[:3], 16))
    await register(api, alive, 31000 + int(uid[:3], 16))
    await db.execute(
        "UPDATE nodes SET state = 'draining' WHERE state = 'active' AND name <> $1", alive
    )
    tenant = f"f{uid}"
    await db.execute("INSERT INTO tenants (id, name, home_node) VALUES ($1, $1, $2)", tenant, dead)
    pool = api.client.app[keys.POOL]
    at = datetime.now(UTC).replace(microsecond=0)
    call = lost(f"n-{uid}.1", tenant, at)
    moves = await nodes_service.node_lost(pool, dead, at, [call])
    assert moves == {tenant: alive}
    # A second detection (or a restarted control plane that saw the same call).
    again = await nodes_service.node_lost(pool, dead, at + timedelta(seconds=5), [call])
    assert again == {}
    row = await db.fetchrow("SELECT state, state_since FROM nodes WHERE name = $1", dead)
    assert row["state"] == "down" and row["state_since"] == at  # the first loss, not the second
    legs = await db.fetch("SELECT * FROM cdr WHERE linkedid = $1", call.linkedid)
    assert len(legs) == 1
    assert (legs[0]["written_by"], legs[0]["billsec"], legs[0]["end"]) == ("node-lost", 30, at)
    moves_rows = await db.fetch(
        "SELECT from_node, to_node, reason FROM tenant_moves WHERE tenant_id = $1", tenant
    )
    assert [tuple(r) for r in moves_rows] == [(dead, alive, "failover")]


async def test_the_nodes_own_leg_arriving_later_replaces_the_synthesized_one(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    tenant = f"g{uid}"
    at = datetime.now(UTC).replace(microsecond=0)
    call = lost(f"p-{uid}.1", tenant, at)
    async with api.client.app[keys.POOL].acquire() as conn:
        assert await cdr_repo.insert_lost_calls(conn, [lost_call_row(call)]) == 1
    # The node was only cut off: the call went on for a minute, then its CDR came through
    # cdr_pgsql (cdr_intake) as usual.
    later = at + timedelta(seconds=60)
    columns = ", ".join(f'"{c}"' for c in COLUMNS)
    params = ", ".join(f"${i}" for i in range(1, len(COLUMNS) + 1))
    await db.execute(
        f"INSERT INTO cdr_intake ({columns}) VALUES ({params})",  # noqa: S608 - constant
        *real_leg(call.linkedid, tenant, later, 7),
    )
    legs = await db.fetch("SELECT written_by, billsec FROM cdr WHERE linkedid = $1", call.linkedid)
    assert [tuple(r) for r in legs] == [("ami", 30)]
    # And a synthesized leg for a call whose real leg already covers the loss is never written.
    async with api.client.app[keys.POOL].acquire() as conn:
        assert await cdr_repo.insert_lost_calls(conn, [lost_call_row(call)]) == 0
    assert await db.fetchval("SELECT count(*) FROM cdr WHERE linkedid = $1", call.linkedid) == 1


async def test_an_earlier_real_leg_of_the_call_does_not_replace_the_synthesized_one(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    """A leg that ended before the loss (a queue member that did not answer) is another
    part of the call: the synthesized leg stays, billing picks the call's longest leg."""
    tenant = f"h{uid}"
    at = datetime.now(UTC).replace(microsecond=0)
    call = lost(f"q-{uid}.1", tenant, at)
    earlier = real_leg(call.linkedid, tenant, at - timedelta(seconds=5), 3)
    async with api.client.app[keys.POOL].acquire() as conn:
        assert await cdr_repo.insert_lost_calls(conn, [lost_call_row(call)]) == 1
        await cdr_repo.insert_cdrs(conn, [earlier])
    kinds = await db.fetch(
        "SELECT written_by FROM cdr WHERE linkedid = $1 ORDER BY written_by", call.linkedid
    )
    assert [r["written_by"] for r in kinds] == ["ami", "node-lost"]


async def test_a_stopping_nodes_leg_replaces_the_synthesized_one_despite_whole_seconds(
    api: ApiClient, uid: str, db: asyncpg.Connection
) -> None:
    """Asterisk writes CDR times in whole seconds: its leg of a call cut by a stop ends up to
    a second before the moment we saw the connection go, and is still the record. An
    unanswered leg at that moment is not: it never replaces an answered call."""
    tenant = f"k{uid}"
    at = datetime.now(UTC)
    call = lost(f"r-{uid}.1", tenant, at)
    async with api.client.app[keys.POOL].acquire() as conn:
        assert await cdr_repo.insert_lost_calls(conn, [lost_call_row(call)]) == 1
        truncated = at.replace(microsecond=0) - timedelta(seconds=1)
        await cdr_repo.insert_cdrs(
            conn, [real_leg(call.linkedid, tenant, truncated, 4, disposition="NO ANSWER")]
        )
        kinds = await conn.fetch(
            "SELECT written_by FROM cdr WHERE linkedid = $1 ORDER BY written_by", call.linkedid
        )
        assert [r["written_by"] for r in kinds] == ["ami", "node-lost"]
        await cdr_repo.insert_cdrs(conn, [real_leg(call.linkedid, tenant, truncated, 5)])
        kinds = await conn.fetch(
            "SELECT written_by, sequence FROM cdr WHERE linkedid = $1 ORDER BY sequence",
            call.linkedid,
        )
        assert [tuple(r) for r in kinds] == [("ami", 4), ("ami", 5)]
