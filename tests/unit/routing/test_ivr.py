"""Specification of IVR menu trees: what parse_ivr accepts, and what it rejects by field."""

from __future__ import annotations

import copy
import dataclasses
import subprocess
import sys
from typing import Any

import pytest

from callcenter.errors import InvalidInput
from callcenter.routing.ivr import (
    Action,
    Ivr,
    Menu,
    parse_ivr,
    referenced_menus,
    referenced_queues,
    validate_ivr,
)

REPEAT = {"kind": "repeat"}
HANGUP = {"kind": "hangup"}


def sub(name: str) -> dict[str, str]:
    return {"kind": "submenu", "target": name}


def two_level() -> dict[str, Any]:
    """main: 1 sales, 2 support submenu, 0 operator; support: 1/2 queues, 9 back to main."""
    return {
        "entry": "main",
        "menus": {
            "main": {
                "prompt": "tenant/welcome",
                "timeout_s": 5,
                "max_tries": 3,
                "options": {
                    "1": {"kind": "queue", "target": "sales"},
                    "2": sub("support"),
                    "0": {"kind": "agent", "target": "operator-1"},
                    "*": REPEAT,
                },
                "on_timeout": REPEAT,
                "on_invalid": REPEAT,
                "on_max_tries": {"kind": "voicemail", "target": "general"},
            },
            "support": {
                "prompt": "tenant/support",
                "options": {
                    "1": {"kind": "queue", "target": "support-l1"},
                    "2": {"kind": "external", "target": "+8613800138000"},
                    "9": sub("main"),
                },
                "on_max_tries": sub("main"),
            },
        },
    }


def field_of(data: dict[str, Any]) -> str:
    with pytest.raises(InvalidInput) as err:
        parse_ivr(data)
    field: str = err.value.details["field"]
    return field


# --- valid trees ---------------------------------------------------------------------


def test_a_two_level_ivr_validates() -> None:
    ivr = parse_ivr(two_level())
    assert ivr.entry == "main"
    assert set(ivr.menus) == {"main", "support"}
    main = ivr.menus["main"]
    assert main.options["2"] == Action("submenu", "support")
    assert main.on_max_tries == Action("voicemail", "general")


def test_omitted_menu_settings_get_safe_defaults() -> None:
    support = parse_ivr(two_level()).menus["support"]
    assert (support.timeout_s, support.max_tries) == (5, 3)
    assert support.on_timeout == support.on_invalid == Action("repeat")


def test_referenced_queues_lists_every_queue_in_every_menu() -> None:
    assert referenced_queues(parse_ivr(two_level())) == {"sales", "support-l1"}


def test_referenced_menus_are_the_entry_and_submenu_targets_so_orphans_stand_out() -> None:
    data = two_level()
    data["menus"]["draft"] = {"prompt": "tenant/draft", "options": {}}
    ivr = parse_ivr(data)
    assert referenced_menus(ivr) == {"main", "support"}
    assert set(ivr.menus) - referenced_menus(ivr) == {"draft"}


def test_a_back_to_main_option_cycle_is_allowed_because_each_step_is_a_caller_choice() -> None:
    ivr = parse_ivr(two_level())
    assert ivr.menus["support"].options["9"] == Action("submenu", "main")


def test_a_fallback_chain_without_cycle_is_allowed() -> None:
    data = two_level()
    data["menus"]["main"]["on_timeout"] = sub("help")
    data["menus"]["help"] = {"prompt": "tenant/help", "options": {"9": sub("main")}}
    assert parse_ivr(data).menus["help"].on_max_tries == Action("hangup")


def test_ivr_dataclasses_are_frozen_and_hashable() -> None:
    ivr = parse_ivr(two_level())
    assert hash(ivr) == hash(parse_ivr(two_level()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        ivr.entry = "support"  # type: ignore[misc]


def test_validate_ivr_checks_programmatically_built_trees() -> None:
    loop = Menu("a", "p", 5, 3, {}, Action("submenu", "a"), Action("repeat"), Action("hangup"))
    with pytest.raises(InvalidInput) as err:
        validate_ivr(Ivr("a", {"a": loop}))
    assert err.value.details["field"] == "menus.a.on_timeout"


def test_the_routing_core_imports_no_io_libraries() -> None:
    code = (
        "import sys, callcenter.routing.ivr, callcenter.routing.schedule\n"
        "print(sorted({'aiohttp', 'asyncpg', 'panoramisk'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- loops and dead ends -------------------------------------------------------------


def test_timeouts_bouncing_between_two_menus_are_rejected() -> None:
    data = two_level()
    data["menus"]["main"]["on_timeout"] = sub("support")
    data["menus"]["support"]["on_timeout"] = sub("main")
    with pytest.raises(InvalidInput, match="main -> support -> main"):
        parse_ivr(data)
    assert field_of(data) == "menus.support.on_timeout"


def test_invalid_key_and_max_tries_bouncing_between_menus_is_rejected() -> None:
    data = two_level()
    data["menus"]["main"]["on_invalid"] = sub("support")  # support.on_max_tries -> main
    assert field_of(data) == "menus.support.on_max_tries"


def test_a_menu_whose_timeout_reenters_itself_is_rejected() -> None:
    data = two_level()
    data["menus"]["support"]["on_timeout"] = sub("support")
    assert field_of(data) == "menus.support.on_timeout"


def test_on_max_tries_cannot_repeat() -> None:
    data = two_level()
    data["menus"]["main"]["on_max_tries"] = REPEAT
    assert field_of(data) == "menus.main.on_max_tries"


def test_menus_from_which_no_terminal_action_is_reachable_are_rejected() -> None:
    data = {
        "entry": "a",
        "menus": {
            "a": {"prompt": "a", "options": {"1": sub("b")}, "on_max_tries": sub("b")},
            "b": {"prompt": "b", "options": {"1": sub("a")}, "on_max_tries": sub("a")},
        },
    }
    assert field_of(data) == "menus.b.on_max_tries"


# --- dangling references and malformed fields ----------------------------------------


def test_a_dangling_submenu_reference_names_the_option() -> None:
    data = two_level()
    data["menus"]["main"]["options"]["1"] = sub("billing")
    assert field_of(data) == "menus.main.options.1"


def test_a_missing_entry_menu_is_rejected() -> None:
    data = two_level()
    data["entry"] = "start"
    assert field_of(data) == "entry"


def mutate(path: str, value: Any) -> dict[str, Any]:
    """two_level() with the value at dotted ``path`` replaced."""
    data = copy.deepcopy(two_level())
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[part]
    node[last] = value
    return data


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (mutate("menus.main.options.a", REPEAT), "menus.main.options.a"),
        (mutate("menus.main.options.10", REPEAT), "menus.main.options.10"),
        (mutate("menus.Main", {"prompt": "x"}), "menus.Main"),
        (mutate("menus._x", {"prompt": "x"}), "menus._x"),
        (mutate("menus." + "m" * 33, {"prompt": "x"}), "menus." + "m" * 33),
        (mutate("menus.main.prompt", "../../etc/passwd"), "menus.main.prompt"),
        (mutate("menus.main.prompt", "welcome.wav"), "menus.main.prompt"),
        (mutate("menus.main.prompt", ""), "menus.main.prompt"),
        (mutate("menus.main.prompt", 5), "menus.main.prompt"),
        (mutate("menus.main.timeout_s", 0), "menus.main.timeout_s"),
        (mutate("menus.main.timeout_s", 61), "menus.main.timeout_s"),
        (mutate("menus.main.timeout_s", "5"), "menus.main.timeout_s"),
        (mutate("menus.main.max_tries", 0), "menus.main.max_tries"),
        (mutate("menus.main.max_tries", 11), "menus.main.max_tries"),
        (mutate("menus.main.max_tries", True), "menus.main.max_tries"),
        (mutate("menus.main.options.1", {"kind": "fax"}), "menus.main.options.1"),
        (mutate("menus.main.options.1", {"kind": "queue"}), "menus.main.options.1"),
        (
            mutate("menus.main.options.1", {"kind": "external", "target": "1,Dial(x)"}),
            "menus.main.options.1",
        ),
        (mutate("menus.main.options.1", {"kind": "hangup", "target": "x"}), "menus.main.options.1"),
        (mutate("menus.main.on_invalid", "repeat"), "menus.main.on_invalid"),
        (mutate("menus.main.greeting", "hi"), "menus.main.greeting"),
        (mutate("menus.main.options", ["1"]), "menus.main.options"),
        (mutate("menus", {}), "menus"),
        (mutate("menus", []), "menus"),
        (mutate("entry", None), "entry"),
    ],
)
def test_each_invalid_input_names_its_field(data: dict[str, Any], field: str) -> None:
    assert field_of(data) == field
