"""Specification of the self-service nodes (issue 20): what a digit node and a lookup node
accept, what they refuse by field, and how a lookup's answer becomes what the caller hears."""

from __future__ import annotations

import copy
import hashlib
import hmac
from typing import Any
from urllib.parse import parse_qs

import pytest

from callcenter.errors import InvalidInput
from callcenter.routing.ivr import Say, lookup_hosts, parse_ivr
from callcenter.selfservice import core


def order_ivr() -> dict[str, Any]:
    """Type an order number (6..10 digits, #), look it up, read the status, 0 for an agent."""
    return {
        "entry": "order",
        "menus": {
            "order": {
                "type": "digits",
                "prompt": "silence/1",
                "min_digits": 6,
                "max_digits": 10,
                "terminator": "#",
                "timeout_s": 6,
                "max_tries": 2,
                "next": {"kind": "submenu", "target": "find"},
                "on_max_tries": {"kind": "queue", "target": "support"},
            },
            "find": {
                "type": "lookup",
                "url": "https://api.shop.example:8443/orders/{digits}?from={caller}",
                "timeout_ms": 1500,
                "say": [
                    {"field": "status", "as": "text"},
                    {"field": "parcel.count", "as": "number"},
                    {"field": "eta", "as": "date"},
                ],
                "on_found": {"kind": "submenu", "target": "after"},
                "on_not_found": {"kind": "submenu", "target": "order"},
                "on_error": {"kind": "queue", "target": "support"},
                "on_timeout": {"kind": "queue", "target": "support"},
            },
            "after": {
                "prompt": "silence/1",
                "options": {"0": {"kind": "queue", "target": "support"}},
                "on_max_tries": {"kind": "hangup"},
            },
        },
    }


def refused(data: dict[str, Any]) -> str:
    with pytest.raises(InvalidInput) as err:
        parse_ivr(data)
    return str(err.value.details["field"])


def test_an_order_lookup_ivr_validates_with_its_nodes_settings() -> None:
    ivr = parse_ivr(order_ivr())
    order, find = ivr.menus["order"], ivr.menus["find"]
    assert (order.type, order.min_digits, order.max_digits, order.terminator) == (
        "digits",
        6,
        10,
        "#",
    )
    assert find.lookup is not None and find.lookup.timeout_ms == 1500
    assert find.lookup.say[1] == Say("parcel.count", "number")
    assert lookup_hosts(ivr) == {"api.shop.example:8443"}


def test_a_not_found_lookup_may_send_the_caller_back_to_type_again() -> None:
    # find -> order is the lookup's automatic branch, order -> find needs the caller's entry.
    parse_ivr(order_ivr())


def test_lookup_branches_that_loop_without_the_caller_are_refused() -> None:
    data = order_ivr()
    data["menus"]["find"]["on_error"] = {"kind": "submenu", "target": "again"}
    data["menus"]["again"] = {
        "type": "lookup",
        "url": "https://api.shop.example:8443/x/{digits}",
        "on_found": {"kind": "hangup"},
        "on_not_found": {"kind": "hangup"},
        "on_error": {"kind": "submenu", "target": "find"},
        "on_timeout": {"kind": "hangup"},
    }
    assert refused(data).startswith("menus.")


@pytest.mark.parametrize(
    ("menu", "key", "value", "field"),
    [
        ("order", "min_digits", 0, "menus.order.min_digits"),
        ("order", "max_digits", 5, "menus.order.max_digits"),
        ("order", "max_digits", 21, "menus.order.max_digits"),
        ("order", "terminator", "1", "menus.order.terminator"),
        ("order", "next", {"kind": "repeat"}, "menus.order.next"),
        ("order", "min_digits", "6", "menus.order.min_digits"),
        ("find", "url", "http://api.shop.example/orders/{digits}", "menus.find.url"),
        ("find", "url", "https://user@evil.example/{digits}", "menus.find.url"),
        ("find", "url", "https://{digits}.example/x", "menus.find.url"),
        ("find", "url", "https://api.shop.example/{secret}", "menus.find.url"),
        ("find", "url", "https://api.shop.example/a b", "menus.find.url"),
        ("find", "timeout_ms", 50, "menus.find.timeout_ms"),
        ("find", "timeout_ms", 6000, "menus.find.timeout_ms"),
        ("find", "say", [{"field": "a;b", "as": "text"}], "menus.find.say.0"),
        ("find", "say", [{"field": "status", "as": "html"}], "menus.find.say.0"),
        ("find", "on_found", {"kind": "repeat"}, "menus.find.on_found"),
        ("find", "on_error", {"kind": "submenu", "target": "nowhere"}, "menus.find.on_error"),
        ("find", "type", "webhook", "menus.find.type"),
    ],
)
def test_bad_node_settings_are_refused_naming_the_field(
    menu: str, key: str, value: Any, field: str
) -> None:
    data = copy.deepcopy(order_ivr())
    data["menus"][menu][key] = value
    assert refused(data) == field


def test_a_lookup_without_every_branch_is_refused() -> None:
    data = order_ivr()
    del data["menus"]["find"]["on_timeout"]
    assert refused(data) == "menus.find.on_timeout"


def test_the_url_gets_digits_only_url_encoded() -> None:
    template = "https://api.example/orders/{digits}?from={caller}"
    assert core.lookup_url(template, "12&34#", "+86 138-0000") == (
        "https://api.example/orders/1234?from=861380000"
    )
    assert core.lookup_url(template, "../../admin", "") == "https://api.example/orders/?from="


def test_the_request_is_signed_like_webhooks_over_path_and_query() -> None:
    headers = core.signed_headers("s" * 20, "https://api.example/orders/1?from=2", now=1700)
    mac = hmac.new(b"s" * 20, b"1700./orders/1?from=2", hashlib.sha256).hexdigest()
    assert headers["X-CC-Timestamp"] == "1700"
    assert headers["X-CC-Signature"] == f"sha256={mac}"


def test_fields_are_read_as_asked_and_bad_shapes_are_skipped() -> None:
    answer = {
        "status": " shipped \n today ",
        "parcel": {"count": 3},
        "eta": "2026-12-06T10:00:00+08:00",
        "code": "A1",
        "flag": True,
    }
    say = [
        Say("status", "text"),
        Say("parcel.count", "number"),
        Say("eta", "date"),
        Say("code", "digits"),  # not digits: skipped
        Say("flag", "number"),  # a boolean is no number
        Say("missing", "text"),
    ]
    assert core.spoken(answer, say) == [
        core.Spoken("text", "shipped today"),
        core.Spoken("number", "3"),
        core.Spoken("date", "1796522400"),  # 02:00 UTC,
    ]


@pytest.mark.parametrize(
    ("status", "answer", "expected"),
    [
        (200, {"status": "x"}, "found"),
        (200, {"found": False}, "not_found"),
        (404, None, "not_found"),
        (200, ["x"], "error"),
        (500, {"status": "x"}, "error"),
    ],
)
def test_the_outcome_of_an_answer(status: int, answer: Any, expected: str) -> None:
    assert core.found_status(status, answer) == expected


def test_the_dialplan_reply_splits_into_a_hash() -> None:
    reply = core.dialplan_reply("found", [core.Spoken("number", "42"), core.Spoken("text", "ab")])
    assert parse_qs(reply) == {
        "status": ["found"],
        "n": ["2"],
        "k1": ["number"],
        "v1": ["42"],
        "k2": ["text"],
        "v2": ["ab"],
    }


def test_lookup_figures_per_node() -> None:
    rows = [
        {"ivr": "m", "menu": "find", "status": s, "latency_ms": ms}
        for s, ms in [("found", 100), ("found", 120), ("timeout", 1500), ("error", 5)]
    ]
    (node,) = core.lookup_stats(rows)["nodes"]
    assert node["lookups"] == 4 and node["failed"] == 2 and node["failure_rate"] == 0.5
    assert node["latency_p50_ms"] == 100 and node["latency_p95_ms"] == 1500
    assert core.containment(4, 1) == {
        "calls": 4,
        "resolved": 3,
        "transferred": 1,
        "containment_rate": 0.75,
    }
    assert core.containment(0, 0)["containment_rate"] is None
