"""Pure parts of campaigns: the contact list parser, outcomes and retries, the events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.campaigns.events import (
    AgentTook,
    DncRequest,
    LegEnded,
    attempt_of_channel,
    campaign_event,
)
from callcenter.campaigns.rules import (
    abandon_rate,
    answered_outcome,
    dial_outcome,
    next_step,
)
from callcenter.contacts.csv_list import parse_contact_list
from callcenter.errors import InvalidInput
from callcenter.routing.ivr import parse_ivr

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
DELAYS = {"busy": 60, "no_answer": 600, "failed": 1800, "machine": 7200, "abandoned": 300}


def test_contact_list_parses_numbers_reports_rows_and_keeps_other_columns() -> None:
    parsed = parse_contact_list(
        "\ufeffphone,name,金额\n0086 138-0013-8000,A,100\nabc,B,1\n13800138000,C,2\n"
        "13912345678,D\n,E,3\n",
        known=["13912345678"],
    )
    assert [(c.line, c.phone, c.name, c.fields) for c in parsed.contacts] == [
        (2, "13800138000", "A", {"金额": "100"})
    ]
    assert [(e.line, e.problem) for e in parsed.errors] == [
        (3, "bad-number"),
        (4, "duplicate"),
        (5, "duplicate"),
        (6, "bad-number"),
    ]


@pytest.mark.parametrize(
    ("text", "field"),
    [("", "csv"), ("name,city\nA,B\n", "csv.phone"), ("phone,phone\n1,2\n", "csv")],
)
def test_a_list_without_usable_header_is_refused_whole(text: str, field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        parse_contact_list(text)
    assert err.value.details["field"] == field


def test_outcomes_of_the_two_halves() -> None:
    assert dial_outcome("BUSY") == "busy"
    assert dial_outcome("NOANSWER") == dial_outcome("CANCEL") == "no_answer"
    assert dial_outcome("CONGESTION") == dial_outcome("") == "failed"
    assert dial_outcome("ANSWER") is None
    assert answered_outcome("", connected=True) == "answered"
    assert answered_outcome("", connected=False) == "abandoned"
    assert answered_outcome("connected", connected=False) == "answered"
    assert answered_outcome("abandoned", connected=False) == "abandoned"
    assert answered_outcome("machine", connected=False) == "machine"
    assert answered_outcome("agentless", connected=False) == "answered"
    assert abandon_rate(3, 97) == 3.0 and abandon_rate(0, 0) == 0.0


def test_retries_follow_the_delay_of_each_outcome_until_the_last_attempt() -> None:
    assert next_step("answered", 1, 3, DELAYS, NOW).status == "done"
    busy = next_step("busy", 1, 3, DELAYS, NOW)
    assert (busy.status, busy.next_at) == ("pending", NOW + timedelta(seconds=60))
    assert next_step("machine", 2, 3, DELAYS, NOW).next_at == NOW + timedelta(hours=2)
    assert next_step("no_answer", 3, 3, DELAYS, NOW).status == "exhausted"


def test_campaign_events_from_ami() -> None:
    assert campaign_event(
        {
            "Event": "UserEvent",
            "UserEvent": "CcCampaign",
            "Attempt": "42",
            "Leg": "dial",
            "Status": "BUSY",
            "Linkedid": "1.2",
        }
    ) == LegEnded(42, "dial", "BUSY", "1.2")
    assert (
        campaign_event(
            {"Event": "UserEvent", "UserEvent": "CcCampaign", "Attempt": "4x", "Leg": "dial"}
        )
        is None
    )
    assert campaign_event(
        {
            "Event": "AgentConnect",
            "Channel": "Local/ca7@cc-campaign-dial-0000001f;1",
            "DestChannel": "PJSIP/acme-1001-00000003",
            "Linkedid": "9.9",
        }
    ) == AgentTook(7, "acme-1001", "9.9")
    assert attempt_of_channel("Local/cb7@cc-callback-wait-0000001f;1") is None
    assert attempt_of_channel("PJSIP/acme-1001-00000003") is None


def test_a_campaign_success_counts_for_any_plan() -> None:
    from callcenter.billing.rating import CAMPAIGN_SUCCESS, Usage

    usage = Usage({}, {CAMPAIGN_SUCCESS: 2, "sale": 1, "拒绝": 4})
    assert usage.successes(frozenset({"sale"})) == 3
    assert usage.successes(frozenset()) == 2


def test_an_ivr_dnc_request_names_the_tenant_and_the_callers_digits() -> None:
    event = {"Event": "UserEvent", "UserEvent": "CcDnc", "Tenant": "acme", "Number": "13911180071"}
    assert campaign_event(event) == DncRequest("acme", "13911180071")
    # Anything else is not a request: a bad tenant id, no number, not digits.
    for bad in ({"Tenant": "Acme;x"}, {"Number": ""}, {"Number": "1391118007a"}):
        assert campaign_event({**event, **bad}) is None


def test_an_ivr_key_can_ask_to_stop_calls_and_it_ends_the_ivr() -> None:
    ivr = parse_ivr(
        {
            "entry": "main",
            "menus": {"main": {"prompt": "silence/1", "options": {"9": {"kind": "dnc"}}}},
        }
    )
    action = ivr.menus["main"].options["9"]
    assert (action.kind, action.target, action.terminal) == ("dnc", "", True)
    with pytest.raises(InvalidInput) as err:
        parse_ivr(
            {
                "entry": "main",
                "menus": {
                    "main": {
                        "prompt": "silence/1",
                        "options": {"9": {"kind": "dnc", "target": "13800138000"}},
                    }
                },
            }
        )
    assert err.value.details["field"] == "menus.main.options.9"
