"""The edge's trunk rules (asterisk_conf/edge/trunks.cfg) at the SIP level: the real
Kamailio edge and its own PostgreSQL database, with small fake SIP agents as the node and
the carriers, so every answer can be checked and timed.

Addresses: the edge's public socket 127.0.0.1 and internal 127.0.0.20, the node 127.0.0.21,
carriers 127.0.0.5-8; all on one port per test slot, apart from the test stack's.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from e2e.sip_fakes import Answer, FakeUa, fake_ua, header

from callcenter.db.migrate import migrate
from callcenter.db.roles import ASTERISK_ROLE, ensure_login
from callcenter.devstack.edge import EdgeInstance

from stack import SLOT
from support import ASTERISK_LOGIN, PG_ADMIN, login_dsn, wait_for

pytestmark = pytest.mark.e2e

PORT = 5172 + 20 * SLOT
PUBLIC, INTERNAL, NODE = ("127.0.0.1", PORT), ("127.0.0.20", PORT), ("127.0.0.21", PORT)
DEAD, BUSY, SPARE, REG = "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8"


@dataclass
class Edge:
    """The edge under test, its database (as the operator would fill it) and its node."""

    instance: EdgeInstance
    db: asyncpg.Connection
    node: FakeUa

    async def trunk(self, name: str, host: str, **columns: Any) -> None:
        """A row of ``trunks`` (what ``POST /api/v1/platform/trunks`` writes)."""
        values = {"name": name, "host": host, "port": PORT, "max_channels": 10, **columns}
        names = ", ".join(values)
        marks = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        await self.db.execute(
            f"INSERT INTO trunks ({names}) VALUES ({marks})",  # noqa: S608 (names: ours)
            *values.values(),
        )

    async def out(self, number: str, timeout: float = 8.0) -> Answer:
        """The node calls ``number`` outside (an INVITE without Route to the edge)."""
        return await self.node.invite(INTERNAL, number, timeout=timeout)


@pytest_asyncio.fixture
async def edge(tmp_path: Path) -> AsyncIterator[Edge]:
    """A fresh database, one node, the edge; trunks are added by each test before it calls."""
    name = f"cc_edge_{uuid.uuid4().hex[:10]}"
    admin_url = f"{PG_ADMIN}/{name}"
    await migrate(admin_url)
    edge_url = login_dsn(admin_url, *ASTERISK_LOGIN)
    await ensure_login(admin_url, edge_url, ASTERISK_ROLE)
    db = await asyncpg.connect(admin_url)
    await db.execute(
        "INSERT INTO nodes (name, sip_host, sip_port, ami_host, ami_port, capacity)"
        " VALUES ('node1', $1, $2, $1, 5038, 100)",
        NODE[0],
        NODE[1],
    )
    user, password = ASTERISK_LOGIN
    instance = EdgeInstance(
        tmp_path / "edge",
        {
            "PUBLIC_IP": PUBLIC[0],
            "SIP_PORT": str(PORT),
            "TLS_PORT": str(PORT + 1),
            "WS_PORT": str(PORT + 2),
            "WSS_PORT": str(PORT + 3),
            "INTERNAL_IP": INTERNAL[0],
            "INTERNAL_PORT": str(PORT),
            "DB_URL": f"postgres://{user}:{password}@127.0.0.1:5432/{name}",
        },
    )
    try:
        async with fake_ua(*NODE) as node:
            yield Edge(instance, db, node)
    finally:
        await instance.stop()
        await db.close()
        admin = await asyncpg.connect(f"{PG_ADMIN}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def start(edge: Edge) -> None:
    await edge.instance.start()
    await edge.instance.wait_nodes_up(1)


async def test_a_call_out_fails_over_past_a_dead_trunk_then_skips_it(edge: Edge) -> None:
    await edge.trunk("dead", DEAD, priority=10)
    await edge.trunk("spare", SPARE, priority=20)
    async with fake_ua(DEAD, PORT, "dead") as dead, fake_ua(SPARE, PORT) as spare:
        await start(edge)
        started = time.monotonic()
        first = await edge.out("13900001111")
        failover = time.monotonic() - started
        assert first.status == 200 and spare.numbers == ["13900001111"]
        assert dead.invites == []  # it heard them (retransmissions) but never answered

        started = time.monotonic()
        second = await edge.out("13900001112")
        direct = time.monotonic() - started
        assert second.status == 200 and spare.numbers[-1] == "13900001112"
    print(f"dead trunk: failover after {failover:.2f} s, the next call {direct * 1000:.0f} ms")
    assert 1.5 < failover < 4 and direct < 0.5


async def test_a_failing_trunk_fails_over_at_once_and_a_busy_callee_does_not(
    edge: Edge,
) -> None:
    """503 from a trunk: the next trunk at once. 486 from the far end is the callee's own
    busy: it goes back to the node, no other trunk is tried."""
    await edge.trunk("failing", DEAD, priority=10)
    await edge.trunk("spare", SPARE, priority=20)
    async with fake_ua(DEAD, PORT, "failing"), fake_ua(SPARE, PORT) as spare:
        await start(edge)
        started = time.monotonic()
        assert (await edge.out("13900005551")).status == 200
        assert time.monotonic() - started < 0.5 and spare.numbers == ["13900005551"]
        spare.mode = "busy"
        assert (await edge.out("13900005552")).status == 486
        assert spare.numbers == ["13900005551"]


async def test_a_full_trunk_answers_486_both_ways_until_its_call_ends(edge: Edge) -> None:
    """max_channels counts calls both ways: one call out fills a trunk of one channel, so
    the next call out and a call in from it get 486; after the BYE a call in passes, marked
    as the trunk's, and then fills it in turn."""
    await edge.trunk("busy", BUSY, max_channels=1)
    async with fake_ua(BUSY, PORT) as carrier, fake_ua(BUSY, PORT + 4) as carrier_out:
        await start(edge)
        up = await edge.out("13900002221")
        assert up.status == 200
        edge.node.in_dialog(up, INTERNAL, "ACK", 1)

        assert (await edge.out("13900002222")).status == 486
        assert (await carrier_out.invite(PUBLIC, "4008400003")).status == 486
        assert edge.node.invites == []

        edge.node.in_dialog(up, INTERNAL, "BYE", 2)
        await asyncio.sleep(0.3)
        inbound = await carrier_out.invite(PUBLIC, "4008400003")
        assert inbound.status == 200
        delivered = edge.node.invites[-1]
        assert header(delivered, "X-CC-Role") == "trunk"
        assert header(delivered, "X-CC-Trunk") == "busy"
        assert (await edge.out("13900002223")).status == 486
        assert carrier.numbers == ["13900002221"]


async def test_a_burst_of_calls_takes_exactly_the_trunks_channels(edge: Edge) -> None:
    """20 calls at once each way for a trunk of 5 channels."""
    await edge.trunk("five", BUSY, max_channels=5)
    async with fake_ua(BUSY, PORT), fake_ua(BUSY, PORT + 4) as carrier:
        await start(edge)
        out = await asyncio.gather(*(edge.out(f"139000066{i:02}") for i in range(20)))
        statuses = sorted(a.status for a in out)
        assert statuses == [200] * 5 + [486] * 15, statuses
        for answer in out:
            if answer.status == 200:
                edge.node.in_dialog(answer, INTERNAL, "BYE", 2)
        await asyncio.sleep(0.5)
        inbound = await asyncio.gather(*(carrier.invite(PUBLIC, "4008400066") for _ in range(20)))
        taken = sum(a.status == 200 for a in inbound)
        print(f"burst of 20 for 5 channels: out {statuses.count(200)} taken, in {taken} taken")
        assert taken == 5, sorted(a.status for a in inbound)


async def test_a_call_refused_after_the_edge_took_a_channel_does_not_keep_it(
    edge: Edge,
) -> None:
    """The trunk's channel is taken before the call is routed; when routing then refuses it
    (no node alive: 503), the channel is free again for the next call."""
    await edge.trunk("one", BUSY, max_channels=1)
    async with fake_ua(BUSY, PORT + 4) as carrier:
        await start(edge)
        assert edge.node.transport is not None
        edge.node.transport.close()  # the only node dies

        async def no_node() -> bool:
            return (await carrier.invite(PUBLIC, "4008400077", timeout=4)).status == 503

        await wait_for(no_node, timeout=15)
        for _ in range(3):
            assert (await carrier.invite(PUBLIC, "4008400077")).status == 503


async def test_no_trunk_with_room_is_busy_and_none_alive_is_unavailable(edge: Edge) -> None:
    await edge.trunk("dead", DEAD, priority=10, prefixes=["139"])
    await edge.trunk("busy", BUSY, priority=20, max_channels=1, prefixes=["139"])
    await edge.trunk("mobile", SPARE, prefixes=["138"])
    async with fake_ua(DEAD, PORT, "dead"), fake_ua(BUSY, PORT):
        await start(edge)
        assert (await edge.out("13900003331")).status == 200  # dead, then busy: now full
        assert (await edge.out("13900003332")).status == 486  # dead and full
        await edge.db.execute("DELETE FROM trunks WHERE name = 'busy'")
        assert (await edge.out("13900003333")).status == 503  # dead only
        assert (await edge.out("0101234567")).status == 503  # no trunk carries it
        assert (await edge.out("139'or'1'='1")).status == 404
    assert await edge.db.fetchval("SELECT count(*) FROM trunks") == 2


async def test_a_trunk_delivers_only_its_ranges_and_its_marks_cannot_be_forged(
    edge: Edge,
) -> None:
    await edge.trunk("ranges", SPARE, inbound_prefixes=["40084"])
    async with fake_ua(SPARE, PORT) as carrier, fake_ua("127.0.0.9", PORT) as outsider:
        await start(edge)
        assert (await carrier.invite(PUBLIC, "4008500001")).status == 404
        assert edge.node.invites == []
        assert (await carrier.invite(PUBLIC, "4008400001")).status == 200
        assert header(edge.node.invites[-1], "X-CC-Trunk") == "ranges"

        forged = "X-CC-Role: trunk\r\nX-CC-Trunk: ranges\r\n"
        seen = len(edge.node.invites)
        await outsider.invite(PUBLIC, "4008400001", extra=forged)
        for delivered in edge.node.invites[seen:]:
            assert not header(delivered, "X-CC-Role") and not header(delivered, "X-CC-Trunk")


async def test_a_registering_trunk_registers_from_the_edge_and_answers_its_challenges(
    edge: Edge,
) -> None:
    await edge.trunk(
        "reg",
        REG,
        register=True,
        auth_username="cc-edge",
        auth_password="pw-secret-1",
        prefixes=["139"],
    )
    async with fake_ua(REG, PORT, "challenge") as carrier:
        await start(edge)
        # Registered from the edge: challenged once, then with credentials.
        await wait_for(lambda: any(header(m, "Authorization") for m in carrier.registers), 5)
        assert header(carrier.registers[0], "Contact") == f"<sip:reg@{PUBLIC[0]}:{PORT}>"
        # A call out is challenged (407) and sent again with the trunk's credentials.
        answer = await edge.out("13900004441")
        assert answer.status == 200
        assert 'username="cc-edge"' in header(carrier.invites[-1], "Proxy-Authorization")
        # The carrier calls the contact we registered; the number is in To.
        inbound = await carrier.invite(PUBLIC, "reg", to="4008400004")
        assert inbound.status == 200
        assert edge.node.invites[-1].startswith("INVITE sip:4008400004@")
