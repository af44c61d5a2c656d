"""The supervisor board over HTTP and the websocket, without Asterisk: supervisor users
restricted to some queues see only those queues' agents, live and in the snapshot; force
pause and log-out; alert thresholds per tenant and queue; bad input changes nothing."""

from __future__ import annotations

import json
from typing import Any

from integration.test_agent_workspace_api import agent_setup, live

from callcenter import keys
from callcenter.quality.live import BoardPush
from callcenter.workspace.lifecycle import WORKSPACE

from support import ApiClient


async def two_queues(api: ApiClient, uid: str) -> tuple[str, ApiClient, ApiClient, ApiClient]:
    """Tenant with agent 1001 in ``support`` and agent 1002 in ``sales``; the admin and the
    two agents."""
    tid, admin, agent1 = await agent_setup(api, uid, tag="sb")
    base = f"/api/v1/tenants/{tid}"
    await admin.call("POST", f"{base}/seats", {"extension": "1002"}, expect=201)
    await admin.call(
        "POST",
        f"{base}/queues",
        {"name": "sales", "extension": "601", "members": [{"extension": "1002"}]},
        expect=201,
    )
    await admin.call(
        "POST",
        f"{base}/agents",
        {"username": f"agent2-{tid}", "password": "agent-password", "extension": "1002"},
        expect=201,
    )
    return tid, admin, agent1, await api.login(f"agent2-{tid}", "agent-password")


async def test_a_supervisor_restricted_to_a_queue_sees_and_acts_on_its_agents_only(
    api: ApiClient, uid: str, db: Any
) -> None:
    tid, admin, agent1, agent2 = await two_queues(api, uid)
    base = f"/api/v1/tenants/{tid}"
    # Bad input names the field and creates nobody.
    status, body = await admin.call(
        "POST",
        f"{base}/supervisors",
        {"username": f"sup-{tid}", "password": "supervisor-pw", "queues": ["sales", "nope"]},
    )
    assert status == 404 and body["details"]["field"] == "queues[1]", body
    status, body = await admin.call(
        "POST", f"{base}/supervisors", {"username": "X", "password": "supervisor-pw"}
    )
    assert status == 400 and body["details"]["field"] == "username", body
    assert await db.fetchval("SELECT count(*) FROM users WHERE username = $1", f"sup-{tid}") == 0
    _, made = await admin.call(
        "POST",
        f"{base}/supervisors",
        {"username": f"sup-{tid}", "password": "supervisor-pw", "queues": ["sales"]},
        expect=201,
    )
    assert made["queues"] == ["sales"]
    _, listed = await admin.call("GET", f"{base}/supervisors", expect=200)
    assert listed == [{"username": f"sup-{tid}", "disabled": False, "queues": ["sales"]}]
    sup = await api.login(f"sup-{tid}", "supervisor-pw")
    # Supervisors do not manage supervisors.
    status, _ = await sup.call("GET", f"{base}/supervisors")
    assert status == 403

    _, board = await sup.call("GET", f"{base}/board", expect=200)
    assert [a["agent"] for a in board["agents"]] == ["1002"]
    assert board["scope"] == ["sales"]
    _, full = await admin.call("GET", f"{base}/board", expect=200)
    assert [a["agent"] for a in full["agents"]] == ["1001", "1002"] and full["scope"] is None

    socket = await live(sup)
    everyone = await live(admin)
    await agent1.call("POST", "/api/v1/agent/login", expect=200)
    await agent2.call("POST", "/api/v1/agent/login", expect=200)
    seen = await everyone.quiet()
    assert {m["agent"] for m in seen if m["type"] == "agent.state"} == {"1001", "1002"}
    mine = await socket.quiet()
    assert {m["agent"] for m in mine if m.get("type") == "agent.state"} == {"1002"}

    # Outside the supervisor's queues: refused, and the agent stays logged in.
    status, body = await sup.call("POST", f"{base}/board/agents/1001/logout")
    assert status == 403 and body["details"]["field"] == "agent", body
    status, body = await sup.call(
        "POST", f"{base}/supervision", {"supervisor": "1002", "agent": "1001"}
    )
    assert status == 403, body
    assert await db.fetchval(
        "SELECT logged_in FROM agents WHERE tenant_id = $1 AND extension = '1001'", tid
    )
    status, body = await sup.call("POST", f"{base}/board/agents/1999/pause", {})
    assert status == 404 and body["details"]["field"] == "agent"
    status, body = await sup.call(
        "POST", f"{base}/board/agents/1002/pause", {"reason": "Lunch; DROP"}
    )
    assert status == 400 and body["details"]["field"] == "reason"

    # Inside: a forced pause reaches the agent's row, the board and the agent's own console.
    agent_socket = await live(agent2)
    await agent_socket.next("agent.state")  # the snapshot on connecting
    _, state = await sup.call(
        "POST", f"{base}/board/agents/1002/pause", {"reason": "coaching"}, expect=200
    )
    assert state["presence"] == "paused" and state["pause_reason"] == "coaching"
    pushed = await socket.next("agent.state")
    assert (pushed["agent"], pushed["presence"]) == ("1002", "paused")
    assert (await agent_socket.next("agent.state"))["pause_reason"] == "coaching"
    row = await db.fetchrow(
        "SELECT paused, pause_reason FROM agents WHERE tenant_id = $1 AND extension = '1002'", tid
    )
    assert (row["paused"], row["pause_reason"]) == (True, "coaching")
    await sup.call("POST", f"{base}/board/agents/1002/unpause", expect=200)
    _, state = await sup.call("POST", f"{base}/board/agents/1002/logout", expect=200)
    assert state["presence"] == "logged_out"
    assert not await db.fetchval(
        "SELECT logged_in FROM agents WHERE tenant_id = $1 AND extension = '1002'", tid
    )
    # Pausing a logged-out agent is refused.
    status, body = await sup.call("POST", f"{base}/board/agents/1002/pause", {})
    assert status == 409 and body["details"]["field"] == "logged_in"

    # Widening the supervisor to the whole tenant takes effect on the next load.
    await admin.call("PUT", f"{base}/supervisors/sup-{tid}/queues", {"queues": []}, expect=200)
    _, board = await sup.call("GET", f"{base}/board", expect=200)
    assert [a["agent"] for a in board["agents"]] == ["1001", "1002"]
    status, body = await admin.call(
        "PUT", f"{base}/supervisors/nobody-{tid}/queues", {"queues": []}
    )
    assert status == 404 and body["details"]["field"] == "username"


async def test_thresholds_per_tenant_and_queue_raise_alerts_on_the_board_socket(
    api: ApiClient, uid: str
) -> None:
    tid, admin, _, _ = await two_queues(api, uid)
    base = f"/api/v1/tenants/{tid}"
    for body, field in (
        ({"min_service_level": 1.5}, "min_service_level"),
        ({"max_longest_wait_s": 0}, "max_longest_wait_s"),
        ({"max_longest_wait_s": 5, "colour": "red"}, "colour"),
    ):
        status, reply = await admin.call("PUT", f"{base}/board/thresholds", body)
        assert status == 400 and reply["details"]["field"] == field, reply
    status, reply = await admin.call("PUT", f"{base}/board/thresholds/nope", {})
    assert status == 404 and reply["details"]["field"] == "queue"
    _, got = await admin.call("GET", f"{base}/board/thresholds", expect=200)
    assert got == {
        "default": {"min_service_level": None, "max_longest_wait_s": None},
        "queues": {},
    }
    await admin.call(
        "PUT",
        f"{base}/board/thresholds",
        {"min_service_level": 0.8, "max_longest_wait_s": 60},
        expect=200,
    )
    _, got = await admin.call(
        "PUT", f"{base}/board/thresholds/sales", {"max_longest_wait_s": 10}, expect=200
    )
    assert got["queues"] == {"sales": {"min_service_level": None, "max_longest_wait_s": 10}}
    await admin.call(
        "POST",
        f"{base}/supervisors",
        {"username": f"sup-{tid}", "password": "supervisor-pw", "queues": ["sales"]},
        expect=201,
    )
    sup = await api.login(f"sup-{tid}", "supervisor-pw")
    status, _ = await sup.call("PUT", f"{base}/board/thresholds", {"min_service_level": 0.1})
    assert status == 403
    _, got = await sup.call("GET", f"{base}/board/thresholds", expect=200)
    assert got["default"] == {"min_service_level": 0.8, "max_longest_wait_s": 60}

    # The board's tick (driven here with a queue picture of our own: no Asterisk in this
    # test) sends each board its own queues' figures and alerts, once per change.
    figures = [
        {"queue": "sales", "waiting": 2, "longest_wait_s": 12, "service_level_today": 0.9},
        {"queue": "support", "waiting": 1, "longest_wait_s": 30, "service_level_today": 0.5},
    ]
    app = api.client.app
    push = BoardPush(app[keys.POOL], app[WORKSPACE].hub, lambda _t, _now: figures)
    whole, restricted = await live(admin), await live(sup)
    await push.tick()
    got_whole = await whole.next("board.queues")
    assert got_whole["alerts"] == [
        {"queue": "sales", "kind": "longest_wait", "value": 12, "threshold": 10},
        {"queue": "support", "kind": "service_level", "value": 0.5, "threshold": 0.8},
    ]
    got_restricted = await restricted.next("board.queues")
    assert [q["queue"] for q in got_restricted["queues"]] == ["sales"]
    assert got_restricted["alerts"] == [got_whole["alerts"][0]]
    await push.tick()  # nothing changed: nothing sent
    assert [m for m in await restricted.quiet() if m.get("type") == "board.queues"] == []


async def test_a_burst_reaches_a_batch_socket_in_one_frame_and_others_one_message_a_frame(
    api: ApiClient, uid: str
) -> None:
    tid, admin, agent1, agent2 = await two_queues(api, uid)
    await agent1.call("POST", "/api/v1/agent/login", expect=200)
    await agent2.call("POST", "/api/v1/agent/login", expect=200)
    plain = await live(admin)
    await plain.quiet()
    batched = await admin.client.ws_connect("/api/v1/ws")
    await batched.send_json({"type": "auth", "token": admin.token, "batch": True})
    # hello and the snapshot were queued together: they came as one batch.
    frame = json.loads((await batched.receive(timeout=3)).data)
    assert frame["type"] == "batch" and frame["messages"][0]["type"] == "hello"
    assert {m["agent"] for m in frame["messages"][1:]} == {"1001", "1002"}

    # Both agents pause in one loop turn, as when the AMI reader hands over a burst.
    workspace = api.client.app[WORKSPACE]
    for ext, queue in (("1001", "support"), ("1002", "sales")):
        workspace.on_raw(
            {
                "Event": "QueueMemberPause",
                "Queue": f"{tid}-{queue}",
                "MemberName": f"{tid}-{ext}",
                "Interface": f"PJSIP/{tid}-{ext}",
                "Paused": "1",
                "Reason": "burst",
            }
        )
    frame = json.loads((await batched.receive(timeout=3)).data)
    assert frame["type"] == "batch"
    assert [(m["type"], m["agent"], m["presence"]) for m in frame["messages"]] == [
        ("agent.state", "1001", "paused"),
        ("agent.state", "1002", "paused"),
    ]
    singles = [json.loads((await plain.ws.receive(timeout=3)).data) for _ in range(2)]
    assert [(m["type"], m["agent"]) for m in singles] == [
        ("agent.state", "1001"),
        ("agent.state", "1002"),
    ]

    # A lone change leaves as itself, batch client or not.
    await agent1.call("POST", "/api/v1/agent/unpause", expect=200)
    lone = json.loads((await batched.receive(timeout=3)).data)
    assert (lone["type"], lone["agent"], lone["presence"]) == ("agent.state", "1001", "available")
    await batched.close()
