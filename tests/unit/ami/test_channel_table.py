"""What the control plane knows of a node's calls, and what it meters when the node is lost."""

from __future__ import annotations

from datetime import UTC, datetime

from callcenter.ami.channels import ChannelTable, lost_calls
from callcenter.cdr.records import COLUMNS, NODE_LOST, lost_call_row


def event(kind: str, uid: str, linked: str, stamp: float, **more: str) -> dict[str, str]:
    return {
        "Event": kind,
        "Channel": f"PJSIP/t1-1001-{uid}",
        "Uniqueid": uid,
        "Linkedid": linked,
        "Timestamp": str(stamp),
        **more,
    }


def test_channels_are_tracked_by_name_and_uniqueid_until_hangup() -> None:
    table = ChannelTable()
    table.feed(event("Newchannel", "n1-1.1", "n1-1.1", 100.0, ChannelState="4"))
    assert table.holds("n1-1.1") and table.holds("PJSIP/t1-1001-n1-1.1")
    assert table.calls() == 1
    table.feed(event("Hangup", "n1-1.1", "n1-1.1", 101.0))
    assert not table.holds("n1-1.1") and len(table) == 0


def test_a_lost_call_is_one_leg_answered_when_first_up_and_ended_at_the_loss() -> None:
    table = ChannelTable()
    table.feed(
        event(
            "Newchannel",
            "n1-1.1",
            "n1-1.1",
            100.0,
            ChannelState="4",
            Context="from-carrier",
            CallerIDNum="13800138000",
            ChanVariable="CC_DID=4008300001\nTENANT=t1",
        )
    )
    table.feed(event("Newchannel", "n1-1.2", "n1-1.1", 101.0, ChannelState="5"))
    table.feed(event("Newstate", "n1-1.2", "n1-1.1", 103.0, ChannelState="6", AccountCode="t1"))
    table.feed(event("Newchannel", "n1-2.1", "n1-2.1", 104.0, ChannelState="4"))
    calls = lost_calls(table.by_uniqueid.values(), 110.0)
    assert [c.linkedid for c in calls] == ["n1-1.1", "n1-2.1"]
    call = calls[0]
    assert call.channel == "PJSIP/t1-1001-n1-1.1" and call.dstchannel == "PJSIP/t1-1001-n1-1.2"
    assert (call.tenant, call.did, call.direction) == ("t1", "4008300001", "inbound")
    assert (call.duration, call.billsec) == (10, 7)
    assert call.end == datetime.fromtimestamp(110.0, UTC)
    row = dict(zip(COLUMNS, lost_call_row(call), strict=True))
    assert row["uniqueid"] == row["linkedid"] == "n1-1.1" and row["sequence"] == -1
    assert row["written_by"] == NODE_LOST and row["disposition"] == "ANSWERED"
    assert row["billsec"] == 7 and row["tenantid"] == "t1" and row["src"] == "13800138000"
    unanswered = dict(zip(COLUMNS, lost_call_row(calls[1]), strict=True))
    assert unanswered["disposition"] == "NO ANSWER" and unanswered["billsec"] == 0


def test_a_listing_after_reconnect_keeps_what_events_said_and_adds_the_rest() -> None:
    table = ChannelTable()
    table.feed(event("Newchannel", "n1-1.1", "n1-1.1", 100.0, ChannelState="6"))
    table.reload(
        [
            {"Channel": "PJSIP/t1-1001-n1-1.1", "Uniqueid": "n1-1.1", "Linkedid": "n1-1.1"},
            {
                "Channel": "Local/x@y-1;1",
                "Uniqueid": "n1-3.1",
                "Linkedid": "n1-3.1",
                "ChannelState": "6",
                "Duration": "00:00:30",
            },
        ],
        now=200.0,
    )
    assert table.by_uniqueid["n1-1.1"].created == 100.0
    assert table.by_uniqueid["n1-3.1"].created == 170.0
    assert table.by_uniqueid["n1-3.1"].answered == 170.0
