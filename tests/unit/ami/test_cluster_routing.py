"""AmiCluster over fake per-node clients: routing, tagging, nodes coming and going, loss."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from callcenter.ami.channels import LostCall
from callcenter.ami.cluster import AmiCluster, NodeAddress, current_node
from callcenter.ami.events import AsteriskBooted, DomainEvent
from callcenter.errors import Unavailable


class FakeClient:
    """The AmiClient surface the cluster uses; records what it was asked."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        self.sent: list[tuple[str, dict[str, object]]] = []
        self.raw: list[Callable[[Mapping[str, str]], None]] = []
        self.typed: list[Callable[[DomainEvent], Any]] = []
        self.states: list[Callable[[bool], None]] = []
        self.connected = False
        self.started = self.stopped = False
        self.backlog = 0
        self.connects = 0
        self.listing: list[dict[str, str]] = []

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    def on_raw(self, handler: Callable[[Mapping[str, str]], None]) -> None:
        self.raw.append(handler)

    def on_event(self, handler: Callable[[DomainEvent], Any]) -> None:
        self.typed.append(handler)

    def on_connection(self, handler: Callable[[bool], None]) -> None:
        self.states.append(handler)

    def up(self) -> None:
        self.connected = True
        self.connects += 1
        for h in self.states:
            h(True)

    def down(self) -> None:
        self.connected = False
        for h in self.states:
            h(False)

    def emit(self, **fields: str) -> dict[str, str]:
        event = dict(fields)
        for h in self.raw:
            h(event)
        return event

    async def action(self, name: str, timeout: float = 10.0, **fields: object) -> dict[str, str]:
        if not self.connected:
            raise Unavailable("not connected")
        self.sent.append((name, fields))
        return {"Response": "Success"}

    async def action_list(
        self, name: str, timeout: float = 15.0, **fields: object
    ) -> list[dict[str, str]]:
        if not self.connected:
            raise Unavailable("not connected")
        self.sent.append((name, fields))
        return list(self.listing)

    async def originate(self, timeout: float = 30.0, **fields: object) -> dict[str, str]:
        self.sent.append(("Originate", fields))
        return {"Response": "Success"}


class Harness:
    def __init__(self, dead_after: float = 0.1, implicit: bool = True) -> None:
        self.clients: dict[tuple[str, int], FakeClient] = {}
        self.lost: list[tuple[str, float, list[LostCall]]] = []
        self.back: list[str] = []

        def factory(host: str, port: int) -> Any:
            client = FakeClient(host, port)
            self.clients[(host, port)] = client
            return client

        self.cluster = AmiCluster(
            factory,
            implicit=NodeAddress("local", "127.0.0.1", 5038) if implicit else None,
            dead_after=dead_after,
        )

        async def on_lost(node: str, at: float, calls: list[LostCall]) -> None:
            self.lost.append((node, at, calls))

        async def on_back(node: str) -> None:
            self.back.append(node)

        self.cluster.on_node_lost(on_lost)
        self.cluster.on_node_back(on_back)

    def client(self, port: int) -> FakeClient:
        return self.clients[("127.0.0.1", port)]


A = NodeAddress("a", "127.0.0.1", 6001)
B = NodeAddress("b", "127.0.0.1", 6002)


async def two_nodes() -> Harness:
    h = Harness()
    await h.cluster.start()
    await h.cluster.set_nodes([A, B])
    h.client(6001).up()
    h.client(6002).up()
    await asyncio.sleep(0)
    return h


async def test_without_registered_nodes_the_settings_node_is_the_cluster() -> None:
    h = Harness()
    await h.cluster.start()
    assert h.cluster.nodes == ["local"]
    implicit = h.client(5038)
    implicit.up()
    assert h.cluster.connected
    await h.cluster.action("Ping")
    assert implicit.sent[-1][0] == "Ping"
    await h.cluster.set_nodes([A])  # the first registered node replaces it
    assert implicit.stopped and h.cluster.nodes == ["a"]
    await h.cluster.set_nodes([])
    assert h.cluster.nodes == ["local"]
    await h.cluster.stop()
    assert h.lost == []  # closing a node is not losing it


async def test_events_are_tagged_and_channel_actions_go_where_the_channel_is() -> None:
    h = await two_nodes()
    seen: list[dict[str, str]] = []
    h.cluster.on_raw(lambda e: seen.append(dict(e)))
    h.client(6002).emit(
        Event="Newchannel", Channel="PJSIP/t1-1001-0001", Uniqueid="b-1.1", Linkedid="b-1.1"
    )
    assert seen[-1]["CcNode"] == "b"
    await h.cluster.for_channel("PJSIP/t1-1001-0001").action("Hangup", Channel="x")
    await h.cluster.for_channel("b-1.1").action("Hangup", Channel="y")
    assert [n for n, _ in h.client(6002).sent] == ["CoreShowChannels"] + ["Hangup"] * 2
    assert h.cluster.calls_up("b") == 1 and h.cluster.calls_up("a") == 0
    h.client(6002).emit(Event="Hangup", Channel="PJSIP/t1-1001-0001", Uniqueid="b-1.1")
    assert h.cluster.node_of_channel("b-1.1") is None
    await h.cluster.stop()


async def test_tenant_actions_go_home_and_fall_back_to_a_live_node() -> None:
    h = await two_nodes()
    h.cluster.set_homes({"t1": "b", "t2": "a"})
    await h.cluster.for_tenant("t1").originate(Channel="Local/x")
    await h.cluster.for_tenant("t2").originate(Channel="Local/y")
    assert h.client(6002).sent[-1][1]["Channel"] == "Local/x"
    assert h.client(6001).sent[-1][1]["Channel"] == "Local/y"
    h.client(6002).down()
    await h.cluster.for_tenant("t1").originate(Channel="Local/z")
    assert h.client(6001).sent[-1][1]["Channel"] == "Local/z"
    await h.cluster.stop()


async def test_broadcast_and_merged_lists_cover_every_connected_node() -> None:
    h = await two_nodes()
    h.client(6001).listing = [{"Channel": "PJSIP/a"}]
    h.client(6002).listing = [{"Channel": "PJSIP/b"}]
    merged = await h.cluster.action_list("CoreShowChannels")
    assert sorted((i["Channel"], i["CcNode"]) for i in merged) == [
        ("PJSIP/a", "a"),
        ("PJSIP/b", "b"),
    ]
    replies = await h.cluster.broadcast("Setvar", Variable="DEVICE_STATE(Custom:x)", Value="INUSE")
    assert sorted(replies) == ["a", "b"]
    h.client(6002).down()
    assert sorted(await h.cluster.broadcast("Setvar", Variable="V", Value="1")) == ["a"]
    h.client(6001).down()
    with pytest.raises(Unavailable):
        await h.cluster.broadcast("Setvar", Variable="V", Value="1")
    await h.cluster.stop()


async def test_typed_handlers_know_their_node() -> None:
    h = await two_nodes()
    got: list[tuple[str | None, str]] = []

    async def handler(event: DomainEvent) -> None:
        got.append((current_node(), type(event).__name__))
        await h.cluster.action("Ping")  # inside a node's handler: that node

    h.cluster.on_event(handler)
    for t in h.client(6002).typed:
        await t(AsteriskBooted())
    assert got == [("b", "AsteriskBooted")]
    assert h.client(6002).sent[-1][0] == "Ping"
    await h.cluster.stop()


async def test_a_node_away_longer_than_the_grace_is_lost_once_with_its_calls() -> None:
    h = await two_nodes()
    b = h.client(6002)
    b.emit(
        Event="Newstate",
        Channel="Local/x;1",
        ChannelState="6",
        Uniqueid="b-1.1",
        Linkedid="b-1.1",
        Timestamp="100.0",
        ChanVariable="TENANT=t1",
    )
    # A blip: back within the grace period; the call is still listed there.
    b.listing = [{"Channel": "Local/x;1", "Uniqueid": "b-1.1", "Linkedid": "b-1.1"}]
    b.down()
    b.up()
    await asyncio.sleep(0.2)
    assert h.lost == []
    b.down()
    await asyncio.sleep(0.25)
    assert [(n, [(c.linkedid, c.tenant) for c in calls]) for n, _, calls in h.lost] == [
        ("b", [("b-1.1", "t1")])
    ]
    await asyncio.sleep(0.2)
    assert len(h.lost) == 1
    b.listing = []  # it restarted: nothing up there
    b.up()
    await asyncio.sleep(0.05)
    assert h.back[-1] == "b" and h.cluster.calls_up("b") == 0
    await h.cluster.stop()


async def test_a_registered_node_that_never_answers_is_lost() -> None:
    h = Harness(implicit=False)
    await h.cluster.start()
    await h.cluster.set_nodes([A])
    await asyncio.sleep(0.25)
    assert [n for n, _, _ in h.lost] == ["a"]
    await h.cluster.stop()
