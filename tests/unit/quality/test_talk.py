"""Talk figures from TALK_DETECT spans, and the tracker over raw AMI events (its traps:
no Stop at hangup, Stop's Duration is the talking time, sent after the silence threshold)."""

from __future__ import annotations

from callcenter.quality.talk import (
    TalkRules,
    TalkTracker,
    clip,
    figures,
    longest_gap,
    merge,
    overlap,
    with_rules,
)


def test_span_arithmetic() -> None:
    assert merge([(5, 6), (1, 3), (2, 4), (7, 7)]) == [(1, 4), (5, 6)]
    assert clip([(0, 3), (8, 12)], 1, 10) == [(1, 3), (8, 10)]
    assert overlap([(0, 4), (6, 10)], [(3, 7)]) == 2
    assert longest_gap([(2, 3), (9, 10)], 0, 12) == 6
    assert longest_gap([], 0, 5) == 5


def test_a_call_with_a_long_silence_and_talking_over_the_customer() -> None:
    # Answered at 100, ended at 126; the customer talks 5-9 and 21-24, the agent 0-9.
    got = figures([(105, 109), (121, 124)], [(100, 109)], [], 100, 126)
    assert (got.seconds, got.customer_talk_s, got.agent_talk_s) == (26, 7, 9)
    assert (got.overtalk_s, got.longest_silence_s, got.hold_s) == (4, 12, 0)
    assert got.agent_share == round(9 / 26, 3) and got.customer_share == round(7 / 26, 3)
    assert got.flags == ("long_silence", "overtalk")
    assert got.segments[0] == {"side": "agent", "start": 0, "end": 9}


def test_a_tenants_own_thresholds_flag_the_same_figures_differently() -> None:
    got = figures([(105, 109), (121, 124)], [(100, 109)], [], 100, 126)
    strict = with_rules(got, TalkRules(silence_s=20, agent_share=0.3, overtalk_s=5))
    assert strict.flags == ("agent_dominates",)
    assert strict.overtalk_s == got.overtalk_s and strict.segments == got.segments


def test_hold_is_not_silence_and_an_agent_who_never_stops_is_flagged() -> None:
    got = figures([(0, 1)], [(0, 30)], [(10, 25)], 0, 30, TalkRules(overtalk_s=5))
    assert got.hold_s == 15 and got.longest_silence_s == 0
    assert got.flags == ("agent_dominates",)
    quiet = figures([], [], [(0, 20)], 0, 22)
    assert quiet.longest_silence_s == 2 and quiet.flags == ()


def test_talk_before_the_answer_does_not_count() -> None:
    got = figures([(90, 104)], [], [], 100, 110)
    assert got.customer_talk_s == 4 and got.longest_silence_s == 6


def ev(name: str, at: float, **fields: str) -> dict[str, str]:
    return {"Event": name, "Timestamp": f"{at:.6f}", **fields}


CUSTOMER, AGENT = "PJSIP/carrier-00000001", "PJSIP/acme-1001-00000002"


def test_the_tracker_builds_a_recorded_calls_figures_and_closes_talk_open_at_hangup() -> None:
    t = TalkTracker()
    steps = [
        ev("ChannelTalkingStart", 95.0, Channel=CUSTOMER),  # in the queue: before the answer
        ev("ChannelTalkingStop", 98.5, Channel=CUSTOMER, Duration="2000"),
        ev(
            "AgentConnect",
            100.0,
            Channel=CUSTOMER,
            DestChannel=AGENT,
            Queue="acme-support",
            MemberName="acme-1001",
            Linkedid="L1",
            ChanVariable="CC_DID=4008001234\nCC_TALK=1",
        ),
        ev("ChannelTalkingStart", 100.2, Channel=AGENT),
        ev("ChannelTalkingStart", 105.0, Channel=CUSTOMER),
        # Stop arrives a silence threshold late; Duration says when talking ended.
        ev("ChannelTalkingStop", 110.0, Channel=CUSTOMER, Duration="4000"),
        ev("ChannelTalkingStop", 110.2, Channel=AGENT, Duration="9000"),
        ev("Hold", 112.0, Channel=AGENT),
        ev("Unhold", 115.0, Channel=AGENT),
        ev("ChannelTalkingStart", 121.0, Channel=CUSTOMER),  # no Stop: the caller hangs up
    ]
    assert all(t.step(e, 0.0) is None for e in steps)
    done = t.step(ev("Hangup", 124.0, Channel=CUSTOMER), 0.0)
    assert done is not None and (done.tenant_id, done.linkedid, done.extension) == (
        "acme",
        "L1",
        "1001",
    )
    f = done.figures
    assert (f.seconds, f.customer_talk_s, f.agent_talk_s, f.hold_s) == (24, 7, 9, 3)
    assert f.overtalk_s == 4 and f.longest_silence_s == 6  # 115 (unhold) to 121
    # The agent's own hangup after the caller's finds nothing left to report.
    assert t.step(ev("Hangup", 124.1, Channel=AGENT), 0.0) is None
    assert t.channels == {} and t.calls == {}


def test_calls_without_the_recording_mark_are_not_tracked() -> None:
    t = TalkTracker()
    t.step(
        ev(
            "AgentConnect",
            1.0,
            Channel=CUSTOMER,
            DestChannel=AGENT,
            Queue="acme-support",
            MemberName="acme-1001",
            Linkedid="L2",
            ChanVariable="CC_DID=4008001234",
        ),
        0.0,
    )
    assert t.calls == {}
    assert t.step(ev("Hangup", 2.0, Channel=CUSTOMER), 0.0) is None


def test_channels_and_calls_whose_hangup_was_lost_are_forgotten() -> None:
    t = TalkTracker()
    t.step(ev("ChannelTalkingStart", 100.0, Channel=CUSTOMER), 0.0)
    t.step(
        ev(
            "AgentConnect",
            100.0,
            Channel=CUSTOMER,
            DestChannel=AGENT,
            Queue="acme-support",
            MemberName="acme-1001",
            Linkedid="L3",
            ChanVariable="CC_TALK=1",
        ),
        0.0,
    )
    t.step(ev("ChannelTalkingStart", 7000.0, Channel="PJSIP/acme-1002-00000009"), 0.0)
    assert t.prune(100.0 + 6 * 3600 + 1) == 2  # the old channel and call, not the recent one
    assert list(t.channels) == ["PJSIP/acme-1002-00000009"] and t.calls == {}
    assert t.step(ev("Hangup", 30000.0, Channel=CUSTOMER), 0.0) is None
