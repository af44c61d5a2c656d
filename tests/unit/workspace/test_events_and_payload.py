"""Queue events become workspace events, and the pop carries the caller's full context."""

from __future__ import annotations

from callcenter.workspace.events import (
    AgentCalled,
    AgentCompleted,
    AgentConnected,
    CallContext,
    MemberPaused,
    SeatAnswered,
    SeatChannel,
    channel_vars,
    to_workspace_event,
)
from callcenter.workspace.payload import (
    contact_pop,
    crm_lookup_url,
    parse_crm_reply,
    ringing_pop,
    short_queue,
    waited_seconds,
    webhook_event,
)

AGENT_CALLED = {
    "Event": "AgentCalled",
    "Channel": "PJSIP/carrier-00000001",
    "CallerIDNum": "13800138000",
    "CallerIDName": "<unknown>",
    "Linkedid": "1700000000.1",
    "Uniqueid": "1700000000.1",
    "DestChannel": "PJSIP/acme-1001-00000002",
    "Queue": "acme-support",
    "MemberName": "acme-1001",
    "Interface": "Local/13900139000@cc-forward",
    "ChanVariable": "CC_DID=4008001234\nCC_IVR_KEYS=1-2\nCC_ENTERED=1700000000.5\nTENANT=acme",
}


def test_agent_called_is_read_by_member_name_with_the_dialplans_variables() -> None:
    event = to_workspace_event(AGENT_CALLED)
    assert isinstance(event, AgentCalled)
    assert event.member == "acme-1001", "MemberName, never the (Local) interface"
    assert event.agent_channel == "PJSIP/acme-1001-00000002"
    ctx = event.context
    assert (ctx.caller_number, ctx.caller_name, ctx.queue) == ("13800138000", "", "acme-support")
    assert (ctx.did, ctx.ivr_keys, ctx.entered_at) == ("4008001234", "1-2", 1700000000.5)


def test_other_queue_and_channel_events() -> None:
    connect = to_workspace_event(
        {
            "Event": "AgentConnect",
            "MemberName": "acme-1001",
            "Queue": "acme-support",
            "Linkedid": "L",
            "HoldTime": "7",
            "DestChannel": "PJSIP/acme-1001-2",
        }
    )
    assert connect == AgentConnected("acme-1001", "PJSIP/acme-1001-2", "acme-support", "L", 7)
    done = to_workspace_event(
        {
            "Event": "AgentComplete",
            "MemberName": "acme-1001",
            "Queue": "acme-support",
            "Linkedid": "L",
            "TalkTime": "42",
            "HoldTime": "7",
            "Reason": "agent",
        }
    )
    assert done == AgentCompleted("acme-1001", "acme-support", "L", 42, 7, "agent")
    pause = to_workspace_event(
        {
            "Event": "QueueMemberPause",
            "MemberName": "acme-1001",
            "Queue": "acme-support",
            "Paused": "1",
            "Reason": "lunch",
        }
    )
    assert pause == MemberPaused("acme-1001", "acme-support", True, "lunch")
    up = to_workspace_event(
        {
            "Event": "Newstate",
            "ChannelStateDesc": "Up",
            "Channel": "PJSIP/acme-1001-3",
            "Linkedid": "L",
        }
    )
    assert up == SeatAnswered("acme-1001", "PJSIP/acme-1001-3", "L")
    gone = to_workspace_event({"Event": "Hangup", "Channel": "PJSIP/acme-1001-3", "Linkedid": "L"})
    assert isinstance(gone, SeatChannel) and not gone.up
    assert to_workspace_event({"Event": "Hangup", "Channel": "Local/x@y-1;1"}) is None
    assert to_workspace_event({"Event": "AgentCalled", "Queue": "acme-q"}) is None


def test_channel_vars_ignore_junk_lines() -> None:
    assert channel_vars("A=1\nnoequals\n=x\nB=a=b") == {"A": "1", "B": "a=b"}


def test_waited_counts_from_entering_the_platform_else_from_joining_the_queue() -> None:
    ctx = CallContext("L", "L", "1", "", "acme-q", entered_at=100.0)
    assert waited_seconds(ctx, 105.0, 112.9) == 12
    bare = CallContext("L", "L", "1", "", "acme-q")
    assert waited_seconds(bare, 105.0, 112.0) == 7
    assert waited_seconds(bare, None, 112.0) == 0
    assert waited_seconds(ctx, None, 50.0) == 0, "clock skew never gives a negative wait"


def test_ringing_pop_has_the_full_context_and_no_other_tenants_queue() -> None:
    event = to_workspace_event(AGENT_CALLED)
    assert isinstance(event, AgentCalled)
    pop = ringing_pop(
        "acme", "1001", event.context, agent_channel="PJSIP/acme-1001-2", waited_s=9, ami_at=1.5
    )
    assert pop["type"] == "call.ringing" and pop["agent"] == "1001"
    assert pop["caller"] == {"number": "13800138000", "name": ""}
    assert (pop["did"], pop["queue"], pop["ivr_keys"], pop["waited_s"]) == (
        "4008001234",
        "support",
        ["1", "2"],
        9,
    )
    assert pop["crm"] == {"status": "pending"} and pop["contact"] is None
    assert short_queue("acme", "globex-support") == ""
    hook = webhook_event("call.ringing", pop)
    assert hook["event"] == "call.ringing" and "agent_channel" not in hook and "ami_at" not in hook
    assert contact_pop("L", None, "timeout") == {
        "type": "call.contact",
        "linkedid": "L",
        "contact": None,
        "crm": {"status": "timeout"},
    }


def test_crm_url_and_reply_parsing() -> None:
    assert (
        crm_lookup_url("https://crm.example/find", "+86 138")
        == "https://crm.example/find?number=86138"
    )
    assert crm_lookup_url("https://crm.example/c?k=1", "5") == "https://crm.example/c?k=1&number=5"
    assert (
        crm_lookup_url("https://crm.example/c/{number}.json", "12")
        == "https://crm.example/c/12.json"
    )
    assert parse_crm_reply(
        {"contact": {"name": " Li Lei ", "company": "ACME", "url": "javascript:x"}}
    ) == {"name": "Li Lei", "company": "ACME", "source": "external"}
    assert parse_crm_reply({"name": ""}) is None
    assert parse_crm_reply(["x"]) is None
    assert parse_crm_reply({"name": "A" * 500})["name"] == "A" * 200  # type: ignore[index]
