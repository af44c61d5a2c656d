"""IVR menu trees: data model, validation and reference helpers.

Runtime model the validation assumes: entering a menu plays its prompt and resets that
menu's try counter. A key listed in ``options`` runs its action. A timeout or an unlisted
key counts a try; if the count has reached ``max_tries`` the menu runs ``on_max_tries``,
otherwise ``on_timeout`` or ``on_invalid``. ``repeat`` replays the current prompt and keeps
the counter; ``submenu`` enters another menu (a fresh counter there). ``queue``, ``agent``,
``voicemail``, ``external`` and ``hangup`` are terminal: the call leaves the IVR.

"Loops forever" is defined by the *failure graph*: an edge M -> N for each of M's
``on_timeout``, ``on_invalid`` and ``on_max_tries`` that is ``submenu N``. A valid IVR has

1. no cycle in the failure graph (including M -> M): a caller who never presses a listed
   key, silent or pressing wrong keys, must not bounce between menus forever, since
   every submenu entry resets the try counter;
2. ``on_max_tries`` never ``repeat`` (it would replay without end).

Together these mean a caller who never makes a valid choice reaches a terminal action
within a bounded number of prompts, and hence that *every* menu reaches a terminal action.
Cycles through ``options`` (e.g. "9: back to main menu") are allowed: each step there
is a deliberate caller choice, and the failure path still leads out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from callcenter.errors import InvalidInput
from callcenter.routing.schedule import _obj
from callcenter.routing.sounds import check_sound

ActionKind = Literal["submenu", "queue", "agent", "voicemail", "external", "repeat", "hangup"]
ACTION_KINDS: frozenset[str] = frozenset(get_args(ActionKind))
TERMINAL_KINDS: frozenset[str] = frozenset({"queue", "agent", "voicemail", "external", "hangup"})
FAILURE_FIELDS = ("on_timeout", "on_invalid", "on_max_tries")
MAX_MENUS = 100

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
KEY_RE = re.compile(r"^[0-9*#]$")
_TARGET_RE: dict[str, re.Pattern[str]] = {
    "submenu": NAME_RE,
    "queue": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_@-]{0,63}$"),
    "agent": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_@-]{0,63}$"),
    "voicemail": re.compile(r"^[A-Za-z0-9][A-Za-z0-9_@-]{0,63}$"),
    "external": re.compile(r"^\+?[0-9]{2,20}$"),
    "repeat": re.compile(r"^$"),
    "hangup": re.compile(r"^$"),
}


@dataclass(frozen=True)
class Action:
    """What a key press or timeout does; ``target`` is empty for ``repeat`` and ``hangup``."""

    kind: ActionKind
    target: str = ""

    @property
    def terminal(self) -> bool:
        """True when the call leaves the IVR."""
        return self.kind in TERMINAL_KINDS


@dataclass(frozen=True)
class Menu:
    """One menu: a prompt (sound file name), key options and the three fallback actions."""

    name: str
    prompt: str
    timeout_s: int
    max_tries: int
    options: Mapping[str, Action]
    on_timeout: Action
    on_invalid: Action
    on_max_tries: Action

    def __hash__(self) -> int:
        options = tuple(sorted(self.options.items()))
        return hash(
            (
                self.name,
                self.prompt,
                self.timeout_s,
                self.max_tries,
                options,
                self.on_timeout,
                self.on_invalid,
                self.on_max_tries,
            )
        )

    def actions(self) -> Iterator[tuple[str, Action]]:
        """Each action with its field path inside the menu, e.g. ``("options.1", action)``."""
        for key, action in self.options.items():
            yield f"options.{key}", action
        for attr in FAILURE_FIELDS:
            yield attr, getattr(self, attr)


@dataclass(frozen=True)
class Ivr:
    """A tenant's IVR: named menus, the one a call enters first, and an optional greeting
    played once on entry (the entry menu's prompt is replayed on repeat; the greeting not)."""

    entry: str
    menus: Mapping[str, Menu]
    greeting: str = ""

    def __hash__(self) -> int:
        return hash((self.entry, self.greeting, tuple(sorted(self.menus.items()))))


def referenced_queues(ivr: Ivr) -> frozenset[str]:
    """Names of all queues any menu of ``ivr`` can send a call to."""
    return frozenset(
        a.target for m in ivr.menus.values() for _, a in m.actions() if a.kind == "queue"
    )


def referenced_menus(ivr: Ivr) -> frozenset[str]:
    """The entry menu plus every menu named by a ``submenu`` action; others are orphans."""
    targets = {a.target for m in ivr.menus.values() for _, a in m.actions() if a.kind == "submenu"}
    return frozenset({ivr.entry, *targets})


def _check_menu(ivr: Ivr, key: str, menu: Menu) -> None:
    base = f"menus.{key}"
    if not NAME_RE.match(key) or menu.name != key:
        raise InvalidInput(f"menu name {key!r} must match {NAME_RE.pattern}", field=base)
    check_sound(menu.prompt, f"{base}.prompt")
    if not 1 <= menu.timeout_s <= 60:
        raise InvalidInput("timeout_s must be 1..60", field=f"{base}.timeout_s")
    if not 1 <= menu.max_tries <= 10:
        raise InvalidInput("max_tries must be 1..10", field=f"{base}.max_tries")
    for digit in menu.options:
        if not KEY_RE.match(digit):
            raise InvalidInput("option keys are one of 0-9 * #", field=f"{base}.options.{digit}")
    for path, action in menu.actions():
        name = f"{base}.{path}"
        if action.kind not in ACTION_KINDS or not _TARGET_RE[action.kind].match(action.target):
            raise InvalidInput(f"bad {action.kind} target {action.target!r}", field=name)
        if action.kind == "submenu" and action.target not in ivr.menus:
            raise InvalidInput(f"no menu named {action.target!r}", field=name)
    if menu.on_max_tries.kind == "repeat":
        raise InvalidInput("on_max_tries cannot repeat", field=f"{base}.on_max_tries")


def _check_no_silent_loop(ivr: Ivr) -> None:
    """Reject a cycle in the failure graph (see the module docstring)."""
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        path.append(name)
        menu = ivr.menus[name]
        for attr in FAILURE_FIELDS:
            action: Action = getattr(menu, attr)
            if action.kind != "submenu" or action.target in done:
                continue
            if action.target in path:
                loop = " -> ".join([*path[path.index(action.target) :], action.target])
                raise InvalidInput(
                    f"menus loop forever without a caller choice: {loop}",
                    field=f"menus.{name}.{attr}",
                )
            visit(action.target)
        path.pop()
        done.add(name)

    for name in ivr.menus:
        if name not in done:
            visit(name)


def validate_ivr(ivr: Ivr) -> None:
    """Raise ``InvalidInput(field=...)`` unless ``ivr`` is well-formed and cannot loop forever."""
    if not ivr.menus or len(ivr.menus) > MAX_MENUS:
        raise InvalidInput(f"an IVR has 1..{MAX_MENUS} menus", field="menus")
    if ivr.entry not in ivr.menus:
        raise InvalidInput(f"entry menu {ivr.entry!r} does not exist", field="entry")
    if ivr.greeting:
        check_sound(ivr.greeting, "greeting")
    for key, menu in ivr.menus.items():
        _check_menu(ivr, key, menu)
    _check_no_silent_loop(ivr)


def _action(value: Any, name: str) -> Action:
    data = _obj(value, name, {"kind", "target"})
    kind, target = data.get("kind"), data.get("target", "")
    if kind not in ACTION_KINDS or not isinstance(target, str):
        raise InvalidInput(f"action kind must be one of {sorted(ACTION_KINDS)}", field=name)
    return Action(kind, target)


def _int(data: dict[str, Any], key: str, default: int, base: str) -> int:
    value = data.get(key, default)
    if type(value) is not int:
        raise InvalidInput(f"{key} must be an integer", field=f"{base}.{key}")
    return value


def parse_ivr(data: dict[str, Any]) -> Ivr:
    """Build and validate an :class:`Ivr` from JSON-like input.

    Shape: ``{"entry": "main", "greeting": "tenant/welcome", "menus": {"main": {"prompt":
    "tenant/welcome", "timeout_s": 5, "max_tries": 3,
    "options": {"1": {"kind": "queue", "target": "sales"}},
    "on_timeout": {"kind": "repeat"}, "on_invalid": {"kind": "repeat"},
    "on_max_tries": {"kind": "hangup"}}}}``. ``timeout_s`` defaults to 5, ``max_tries`` to 3,
    ``options`` to none, ``on_timeout``/``on_invalid`` to repeat, ``on_max_tries`` to hangup.
    Errors name the field, e.g. ``menus.main.options.1`` for a dangling submenu.
    """
    data = _obj(data, "", {"entry", "menus", "greeting"})
    entry, raw_menus = data.get("entry"), data.get("menus")
    greeting = data.get("greeting", "")
    if not isinstance(greeting, str):
        raise InvalidInput("greeting must be a sound file name", field="greeting")
    if not isinstance(entry, str):
        raise InvalidInput("entry must be a menu name", field="entry")
    if not isinstance(raw_menus, dict):
        raise InvalidInput("menus must be an object of name -> menu", field="menus")
    allowed = {"prompt", "timeout_s", "max_tries", "options", *FAILURE_FIELDS}
    menus: dict[str, Menu] = {}
    for key, raw in raw_menus.items():
        base = f"menus.{key}"
        m = _obj(raw, base, allowed)
        prompt, options = m.get("prompt"), m.get("options", {})
        if not isinstance(prompt, str):
            raise InvalidInput("prompt must be a sound file name", field=f"{base}.prompt")
        if not isinstance(options, dict):
            raise InvalidInput(
                "options must be an object of key -> action", field=f"{base}.options"
            )
        fallback = {"on_timeout": "repeat", "on_invalid": "repeat", "on_max_tries": "hangup"}
        acts = {f: _action(m.get(f, {"kind": k}), f"{base}.{f}") for f, k in fallback.items()}
        menus[key] = Menu(
            name=key,
            prompt=prompt,
            timeout_s=_int(m, "timeout_s", 5, base),
            max_tries=_int(m, "max_tries", 3, base),
            options={k: _action(v, f"{base}.options.{k}") for k, v in options.items()},
            on_timeout=acts["on_timeout"],
            on_invalid=acts["on_invalid"],
            on_max_tries=acts["on_max_tries"],
        )
    ivr = Ivr(entry, menus, greeting)
    validate_ivr(ivr)
    return ivr
