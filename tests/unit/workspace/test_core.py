"""The workspace core turns queue events into agent states, pops and effects, inside one tenant.

Plain events in, effects out: no pool, no hub, no clock, no tasks.
"""

from __future__ import annotations

from typing import Any

from callcenter.workspace.core import (
    AgentRef,
    AgentSaved,
    CompletionReady,
    CoreEvent,
    Effect,
    Enrich,
    Enriched,
    OutboundFailed,
    OutboundStarted,
    PresenceChanged,
    Publish,
    PushFigures,
    ReadWrapupThenComplete,
    StartWrapupTimer,
    Webhook,
    WorkspaceCore,
    WrapupRead,
    WrapupTimerFired,
)
from callcenter.workspace.events import to_workspace_event
from callcenter.workspace.state import LoggedIn

ACME_1 = AgentRef(1, "acme", "1001", "acme-1001", "A", "browser")
ACME_2 = AgentRef(2, "acme", "1002", "acme-1002", "B", "browser")
GLOBEX_1 = AgentRef(3, "globex", "1001", "globex-1001", "C", "browser")


def ami(fields: dict[str, str]) -> CoreEvent:
    event = to_workspace_event(fields)
    assert event is not None
    return event


def called(member: str, linkedid: str, queue: str = "acme-support") -> CoreEvent:
    return ami(
        {
            "Event": "AgentCalled",
            "Queue": queue,
            "MemberName": member,
            "DestChannel": f"PJSIP/{member}-0001",
            "Channel": "PJSIP/carrier-0001",
            "CallerIDNum": "13800138000",
            "Linkedid": linkedid,
            "Uniqueid": linkedid,
        }
    )


def connect(member: str, linkedid: str) -> CoreEvent:
    return ami(
        {
            "Event": "AgentConnect",
            "MemberName": member,
            "Queue": "acme-support",
            "Linkedid": linkedid,
            "DestChannel": f"PJSIP/{member}-0001",
            "HoldTime": "3",
        }
    )


def complete(member: str, linkedid: str) -> CoreEvent:
    return ami(
        {
            "Event": "AgentComplete",
            "MemberName": member,
            "Queue": "acme-support",
            "Linkedid": linkedid,
            "TalkTime": "42",
            "HoldTime": "3",
            "Reason": "agent",
        }
    )


def core_with(*refs: AgentRef) -> WorkspaceCore:
    core = WorkspaceCore()
    for ref in refs:
        core.step(AgentSaved(ref), 0.0)
        core.step(PresenceChanged(ref.endpoint, LoggedIn()), 0.0)
    return core


def sent(effects: list[Effect], extension: str, tenant: str = "acme") -> list[dict[str, Any]]:
    return [
        e.message
        for e in effects
        if isinstance(e, Publish) and e.tenant_id == tenant and e.extension == extension
    ]


def kinds(messages: list[dict[str, Any]]) -> list[str]:
    return [m["type"] for m in messages]


def test_a_ringing_call_pops_first_then_asks_for_the_crm_record() -> None:
    core = core_with(ACME_1)
    effects = core.step(called("acme-1001", "L1"), 100.0)
    first = effects[0]
    assert isinstance(first, Publish) and first.message["type"] == "call.ringing"
    assert first.message["queue"] == "support"
    assert first.message["caller"]["number"] == "13800138000"
    assert first.message["crm"] == {"status": "pending"}
    assert kinds(sent(effects, "1001")) == ["call.ringing", "agent.state"]
    assert Enrich("acme", "L1", "13800138000", "support") in effects
    assert [e.event["event"] for e in effects if isinstance(e, Webhook)] == ["call.ringing"]


def test_ringall_enriches_once_and_the_crm_record_follows_to_every_agent_rung() -> None:
    core = core_with(ACME_1, ACME_2)
    core.step(called("acme-1001", "L1"), 100.0)
    second = core.step(called("acme-1002", "L1"), 100.0)
    assert not [e for e in second if isinstance(e, Enrich)]

    contact = {"name": "Li Lei", "source": "hosted"}
    effects = core.step(Enriched("L1", contact, "found"), 100.2)
    for extension in ("1001", "1002"):
        [message] = sent(effects, extension)
        assert message == {
            "type": "call.contact",
            "linkedid": "L1",
            "contact": contact,
            "crm": {"status": "found"},
        }
    assert core.pops["acme-1002"]["contact"] == contact


def test_an_event_naming_another_tenants_queue_is_ignored() -> None:
    core = core_with(ACME_1, GLOBEX_1)
    assert core.step(called("globex-1001", "L1"), 100.0) == []
    assert core.state_of("globex-1001").call is None


def test_answer_stops_the_others_ringing_and_complete_starts_the_queue_wrapup() -> None:
    core = core_with(ACME_1, ACME_2)
    core.step(called("acme-1001", "L1"), 100.0)
    core.step(called("acme-1002", "L1"), 100.0)
    core.step(WrapupRead("L1", 2), 100.1)

    effects = core.step(connect("acme-1001", "L1"), 105.0)
    assert core.state_of("acme-1002").call is None, "the other agent stops ringing"
    assert "call.stopped" in kinds(sent(effects, "1002"))
    assert "call.answered" in kinds(sent(effects, "1001"))
    assert core.channels["acme-1001"] == "PJSIP/acme-1001-0001"
    assert [e.event["event"] for e in effects if isinstance(e, Webhook)] == ["call.answered"]

    effects = core.step(complete("acme-1001", "L1"), 147.0)
    states = [m for m in sent(effects, "1001") if m["type"] == "agent.state"]
    assert states[-1]["presence"] == "wrapup" and states[-1]["wrapup_left"] == 2
    assert StartWrapupTimer("acme-1001", 2) in effects
    assert PushFigures("acme-1001") in effects
    snapshot = core.snapshot("acme", "1001", 147.5)
    assert snapshot[0]["presence"] == "wrapup" and snapshot[1]["ended"] is True

    [tick] = sent(core.step(WrapupTimerFired("acme-1001"), 149.1), "1001")
    assert tick["presence"] == "available"
    # After wrap-up, a console signing in gets the agent's state, not the old caller's pop.
    assert kinds(core.snapshot("acme", "1001", 150.0)) == ["agent.state"]


def test_a_completion_before_the_wrapup_time_is_known_waits_for_it() -> None:
    core = core_with(ACME_1)
    core.step(called("acme-1001", "L1"), 100.0)
    core.step(connect("acme-1001", "L1"), 105.0)
    effects = core.step(complete("acme-1001", "L1"), 147.0)
    ready = CompletionReady("acme-1001", "L1", None, 42, "agent", 147.0)
    assert effects == [ReadWrapupThenComplete("acme", "support", ready)]
    assert core.state_of("acme-1001").call is not None, "still on the call until it is known"

    done = CompletionReady("acme-1001", "L1", 5, 42, "agent", 147.0)
    effects = core.step(done, 147.3)
    ended = [m for m in sent(effects, "1001") if m["type"] == "call.ended"]
    assert ended == [
        {"type": "call.ended", "linkedid": "L1", "talk_s": 42, "reason": "agent", "wrapup_s": 5}
    ]
    assert core.state_of("acme-1001").wrapup_until == 152.0


def test_a_caller_who_hangs_up_while_ringing_stops_the_pop() -> None:
    core = core_with(ACME_1)
    core.step(called("acme-1001", "L2"), 100.0)
    effects = core.step(
        ami({"Event": "QueueCallerAbandon", "Queue": "acme-support", "Linkedid": "L2"}), 103.0
    )
    assert "call.stopped" in kinds(sent(effects, "1001"))
    assert core.state_of("acme-1001").call is None
    assert "acme-1001" not in core.pops and "L2" not in core.calls


def test_a_crm_record_arriving_after_the_call_ended_still_reaches_the_kept_pop() -> None:
    core = core_with(ACME_1)
    core.step(called("acme-1001", "L3"), 100.0)
    core.step(WrapupRead("L3", 0), 100.1)
    core.step(connect("acme-1001", "L3"), 101.0)
    core.step(complete("acme-1001", "L3"), 102.0)
    effects = core.step(Enriched("L3", None, "timeout"), 102.5)
    assert kinds(sent(effects, "1001")) == ["call.contact"]
    assert core.pops["acme-1001"]["crm"] == {"status": "timeout"}


def test_click_to_call_pops_the_contact_and_a_failure_takes_it_back() -> None:
    core = core_with(ACME_1)
    contact = {"name": "Han Meimei", "source": "hosted"}
    effects = core.step(OutboundStarted("acme-1001", "13900000001", contact), 10.0)
    [pop] = sent(effects, "1001")
    assert pop["type"] == "call.outbound" and pop["crm"] == {"status": "found"}
    effects = core.step(OutboundFailed("acme-1001", "13900000001", "no answer"), 40.0)
    assert sent(effects, "1001") == [
        {"type": "call.failed", "number": "13900000001", "reason": "no answer"}
    ]
    assert "acme-1001" not in core.pops


def test_presence_commands_publish_only_changes() -> None:
    core = core_with(ACME_1)
    assert core.step(PresenceChanged("acme-1001", LoggedIn()), 5.0) == []
    assert core.logged_out_endpoints() == set()


def test_an_agent_moved_to_another_seat_leaves_the_old_one() -> None:
    core = core_with(ACME_1, ACME_2)
    moved = AgentRef(1, "acme", "1003", "acme-1003", "A", "sip")
    core.step(AgentSaved(moved), 50.0)
    assert core.agents == {"acme-1002": ACME_2, "acme-1003": moved}
    assert "acme-1001" not in core.states


def seat_up(member: str, linkedid: str) -> CoreEvent:
    return ami(
        {
            "Event": "Newstate",
            "ChannelStateDesc": "Up",
            "Channel": f"PJSIP/{member}-0001",
            "Linkedid": linkedid,
        }
    )


def seat_gone(member: str, linkedid: str) -> CoreEvent:
    return ami({"Event": "Hangup", "Channel": f"PJSIP/{member}-0001", "Linkedid": linkedid})


def test_a_caller_who_leaves_after_the_seat_answered_but_before_the_connect_ends_the_call() -> None:
    # app_queue: "Caller was about to talk to agent ... but the caller hungup": an ABANDON,
    # no AgentConnect and no AgentComplete. The agent must not stay on the call.
    core = core_with(ACME_1)
    core.step(called("acme-1001", "L4"), 100.0)
    core.step(WrapupRead("L4", 2), 100.1)
    core.step(seat_up("acme-1001", "L4"), 101.0)
    assert core.state_of("acme-1001").call is not None
    effects = core.step(
        ami({"Event": "QueueCallerAbandon", "Queue": "acme-support", "Linkedid": "L4"}), 101.2
    )
    ended = [m for m in sent(effects, "1001") if m["type"] == "call.ended"]
    assert ended and ended[0]["reason"] == "caller" and ended[0]["wrapup_s"] == 2
    assert core.state_of("acme-1001").call is None
    assert StartWrapupTimer("acme-1001", 2) in effects
    assert core.step(seat_gone("acme-1001", "L4"), 101.3) == [], "the hangup after it is no news"


def test_a_seat_that_hangs_up_before_the_queue_connects_it_is_off_the_call() -> None:
    core = core_with(ACME_1, ACME_2)
    core.step(called("acme-1001", "L5"), 100.0)
    core.step(WrapupRead("L5", 0), 100.1)
    core.step(seat_up("acme-1001", "L5"), 101.0)
    effects = core.step(seat_gone("acme-1001", "L5"), 101.1)
    assert "call.ended" in kinds(sent(effects, "1001"))
    assert core.state_of("acme-1001").call is None
    # The caller is still queued and may reach another agent, who then talks as usual.
    core.step(called("acme-1002", "L5"), 102.0)
    core.step(connect("acme-1002", "L5"), 103.0)
    assert core.step(seat_gone("acme-1002", "L5"), 110.0) == [], "AgentComplete ends that one"
    assert core.state_of("acme-1002").call is not None


def test_the_seat_hanging_up_after_the_connect_waits_for_agent_complete() -> None:
    core = core_with(ACME_1)
    core.step(called("acme-1001", "L6"), 100.0)
    core.step(seat_up("acme-1001", "L6"), 101.0)
    core.step(connect("acme-1001", "L6"), 101.1)
    assert core.step(seat_gone("acme-1001", "L6"), 130.0) == []
    assert core.state_of("acme-1001").call is not None
