"""Webhook signatures, retry policy, and the hub's scoping and back-pressure."""

from __future__ import annotations

import asyncio
import json

from callcenter.workspace.hub import Hub, batch_frame, drain_ready
from callcenter.workspace.signing import retry_delays, should_retry, sign, verify


def test_signature_is_hmac_sha256_over_timestamp_and_body() -> None:
    import hashlib
    import hmac

    body = b'{"event":"call.ringing"}'
    expected = hmac.new(b"s" * 16, b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sign("s" * 16, 1700000000, body) == "sha256=" + expected
    sig = sign("secret-secret-12", 100, body)
    assert verify("secret-secret-12", 100, body, sig, now=150)
    assert not verify("secret-secret-12", 100, body + b" ", sig, now=150), "body tampered"
    assert not verify("another-secret-1", 100, body, sig, now=150), "wrong secret"
    assert not verify("secret-secret-12", 100, body, sig, now=1000), "replayed too late"


def test_retry_policy() -> None:
    assert retry_delays(5) == [0.5, 1.0, 2.0, 4.0]
    assert retry_delays(10, cap_s=3)[-1] == 3
    assert [should_retry(s) for s in (None, 500, 503, 429, 408)] == [True] * 5
    assert [should_retry(s) for s in (400, 401, 404, 410)] == [False] * 4


async def test_hub_delivers_only_inside_the_tenant_and_to_the_right_agent() -> None:
    hub = Hub()
    a1 = hub.subscribe("acme", "1001")
    a2 = hub.subscribe("acme", "1002")
    sup = hub.subscribe("acme", None)
    b1 = hub.subscribe("globex", "1001")
    assert hub.publish("acme", "1001", {"type": "call.ringing"}) == 2
    assert a1.queue.qsize() == 1 and sup.queue.qsize() == 1
    assert a2.queue.empty() and b1.queue.empty(), "same extension, other tenant: nothing"
    assert hub.publish("acme", None, {"type": "tenant"}) == 3
    assert json.loads(a1.queue.get_nowait()[0])["type"] == "call.ringing"
    hub.unsubscribe(b1)
    assert hub.publish("globex", "1001", {"type": "x"}) == 0


async def test_a_slow_subscriber_is_cut_off_without_slowing_the_others() -> None:
    hub = Hub(queue_size=3)
    slow = hub.subscribe("acme", None)
    fast = hub.subscribe("acme", None)
    for i in range(10):
        hub.publish("acme", None, {"n": i})
        fast.queue.get_nowait()  # a fast client drains as it goes
    assert slow.overflowed.is_set() and slow.queue.qsize() == 3
    assert not fast.overflowed.is_set()
    assert hub.dropped == 1
    await asyncio.sleep(0)


def test_a_lone_message_leaves_as_itself_and_several_as_one_batch_in_order() -> None:
    one = json.dumps({"type": "agent.state", "agent": "1001"})
    assert batch_frame([one]) == one
    texts = [json.dumps({"type": "agent.state", "agent": str(1000 + i)}) for i in range(3)]
    frame = json.loads(batch_frame(texts))
    assert frame["type"] == "batch"
    assert [m["agent"] for m in frame["messages"]] == ["1000", "1001", "1002"]


async def test_a_batch_takes_what_is_already_queued_up_to_its_size_and_never_waits() -> None:
    queue: asyncio.Queue[tuple[str, float | None]] = asyncio.Queue()
    for i in range(5):
        queue.put_nowait((json.dumps({"n": i}), None))  # 8 characters each
    # Once 20 characters are taken no more join: three leave now, two in the next frame.
    taken = drain_ready(queue, queue.get_nowait(), max_chars=20)
    assert [json.loads(text)["n"] for text, _ in taken] == [0, 1, 2]
    assert queue.qsize() == 2
    rest = drain_ready(queue, queue.get_nowait())
    assert [json.loads(text)["n"] for text, _ in rest] == [3, 4] and queue.empty()
    lone = (json.dumps({"n": 9}), None)
    assert drain_ready(queue, lone) == [lone], "an empty queue: the message alone"


def test_only_public_addresses_count_as_public() -> None:
    from callcenter.workspace.egress import is_public

    assert is_public("8.8.8.8") and is_public("2001:4860:4860::8888")
    for private in (
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.1",
        "172.16.0.1",
        "169.254.169.254",
        "::1",
        "fe80::1%eth0",
        "0.0.0.0",
        "100.64.0.1",
        "224.0.0.1",
    ):
        assert not is_public(private), private


def test_tenant_wide_only_messages_skip_agents_consoles() -> None:
    hub = Hub()
    agent = hub.subscribe("acme", "1001")
    admin = hub.subscribe("acme", None)
    assert hub.publish("acme", None, {"type": "wallboard"}, tenant_wide_only=True) == 1
    assert agent.queue.empty() and not admin.queue.empty()


async def test_a_message_about_an_agent_reaches_its_consoles_and_the_tenant_wide_ones_only() -> (
    None
):
    hub = Hub()
    consoles = [hub.subscribe("acme", "1001"), hub.subscribe("acme", "1001")]  # two tabs
    others = [hub.subscribe("acme", str(1002 + i)) for i in range(50)]
    board = hub.subscribe("acme", None)
    scoped = hub.subscribe("acme", None, agents=frozenset({"1001"}))
    blind = hub.subscribe("acme", None, agents=frozenset({"1002"}))
    assert hub.watches_tenant("acme") and not hub.watches_tenant("globex")
    assert hub.publish("acme", "1001", {"type": "call.ringing"}) == 4
    assert all(s.queue.qsize() == 1 for s in (*consoles, board, scoped))
    assert blind.queue.empty() and all(s.queue.empty() for s in others)
    # Leaving takes a subscriber out of every index; the last one out empties the tenant.
    for sub in (*consoles, *others, scoped, blind):
        hub.unsubscribe(sub)
    assert hub.publish("acme", "1001", {"type": "x"}) == 1  # the board
    hub.unsubscribe(board)
    assert hub.tenants() == [] and not hub.watches_tenant("acme")
    assert hub.publish("acme", None, {"type": "x"}) == 0
