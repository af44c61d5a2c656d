"""A call's context, announced once by the dialplan, on the later events of its channels."""

from __future__ import annotations

from callcenter.ami.callvars import CallVars
from callcenter.ami.channels import ChannelTable
from callcenter.quality.talk import TalkTracker
from callcenter.workspace.events import AgentCalled, SeatChannel, to_workspace_event


def announce(uid: str, linked: str, **headers: str) -> dict[str, str]:
    return {
        "Event": "UserEvent",
        "UserEvent": "CcCall",
        "Channel": f"PJSIP/carrier-{uid}",
        "Uniqueid": uid,
        "Linkedid": linked,
        **headers,
    }


def test_the_callers_later_events_carry_what_it_announced_and_empty_values_are_left_out() -> None:
    table = CallVars()
    table.feed(announce("c1", "c1", Tenant="t1", Did="4008001234", IvrKeys="2-1", SsDigits=""))
    called = {
        "Event": "AgentCalled",
        "MemberName": "t1-1001",
        "Queue": "t1-sales",
        "Uniqueid": "c1",
        "Linkedid": "c1",
        "DestChannel": "PJSIP/t1-1001-00000001",
    }
    table.feed(called)
    event = to_workspace_event(called)
    assert isinstance(event, AgentCalled)
    assert (event.context.did, event.context.ivr_keys) == ("4008001234", "2-1")
    assert called["ChanVariable"] == "TENANT=t1\nCC_DID=4008001234\nCC_IVR_KEYS=2-1"


def test_the_agents_leg_gets_the_call_context_by_linkedid_and_hangups_forget_it() -> None:
    table = CallVars()
    table.feed(announce("c1", "c1", Tenant="t1", Did="4008001234"))
    seat = {"Event": "Newchannel", "Channel": "PJSIP/t1-1001-00000002", "Uniqueid": "a1"}
    seat["Linkedid"] = "c1"
    table.feed(seat)
    event = to_workspace_event(seat)
    assert isinstance(event, SeatChannel) and event.context is not None
    assert event.context.did == "4008001234"
    table.feed({"Event": "Hangup", "Uniqueid": "a1", "Linkedid": "c1"})
    assert len(table) == 2  # the call goes on
    table.feed({"Event": "Hangup", "Uniqueid": "c1", "Linkedid": "c1"})
    assert len(table) == 0
    late = {"Event": "Newstate", "Uniqueid": "a1", "Linkedid": "c1"}
    table.feed(late)
    assert "ChanVariable" not in late


def test_an_events_own_channel_variables_win_and_other_calls_get_nothing() -> None:
    table = CallVars()
    table.feed(announce("c1", "c1", Tenant="t1"))
    own = {"Event": "Newstate", "Uniqueid": "c1", "Linkedid": "c1", "ChanVariable": "TENANT=t9"}
    table.feed(own)
    assert own["ChanVariable"] == "TENANT=t9"
    other = {"Event": "Newstate", "Uniqueid": "x1", "Linkedid": "x1"}
    table.feed(other)
    assert "ChanVariable" not in other


def test_the_table_forgets_the_oldest_past_its_limit() -> None:
    table = CallVars(limit=2)
    for uid in ("c1", "c2", "c3"):
        table.feed(announce(uid, uid, Tenant="t1"))
    old = {"Event": "Newstate", "Uniqueid": "c1", "Linkedid": "c1"}
    table.feed(old)
    assert "ChanVariable" not in old and len(table) == 4


def test_talk_detection_follows_the_announced_flag() -> None:
    table, talk = CallVars(), TalkTracker()
    table.feed(announce("c1", "c1", Tenant="t1", Talk="1"))
    connect = {
        "Event": "AgentConnect",
        "Queue": "t1-sales",
        "MemberName": "t1-1001",
        "Channel": "PJSIP/carrier-00000001",
        "DestChannel": "PJSIP/t1-1001-00000002",
        "Uniqueid": "c1",
        "Linkedid": "c1",
        "Timestamp": "100.0",
    }
    table.feed(connect)
    talk.step(connect, 100.0)
    assert "c1" in talk.calls


def test_the_channel_table_takes_the_did_dialled_and_the_announcement() -> None:
    channels = ChannelTable()
    channels.feed(
        {
            "Event": "Newchannel",
            "Channel": "PJSIP/carrier-00000001",
            "Uniqueid": "c1",
            "Linkedid": "c1",
            "Context": "from-carrier",
            "Exten": "4008001234",
            "ChannelState": "4",
        }
    )
    assert channels.by_uniqueid["c1"].did == "4008001234"
    channels.feed(
        {
            "Event": "Newchannel",
            "Channel": "PJSIP/t1-1001-00000002",
            "Uniqueid": "a1",
            "Linkedid": "a1",
            "Context": "cc-phone-entry",
            "Exten": "13800138000",
        }
    )
    assert channels.by_uniqueid["a1"].did == ""
    announced = announce("a1", "a1", Tenant="t1", Did="4008009999")
    CallVars().feed(announced)
    channels.feed(announced)
    assert channels.by_uniqueid["a1"].tenant == "t1"
    assert channels.by_uniqueid["a1"].did == "4008009999"
