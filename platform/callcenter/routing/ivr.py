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

Self-service nodes (issue 20) are menus of another ``type``:

- ``digits`` collects several digits (``min_digits``..``max_digits``, ended early by
  ``terminator``); a valid entry runs ``next`` (a caller choice, like an option), a timeout or
  a wrong length counts a try like a menu's, and ``on_max_tries`` leads out.
- ``lookup`` asks the tenant's HTTPS API (``url`` with ``{digits}`` and ``{caller}``), reads
  fields of the answer back (``say``) and runs ``on_found``, ``on_not_found``, ``on_error`` or
  ``on_timeout``. None of these is a caller choice: they belong to the failure graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from callcenter.errors import InvalidInput
from callcenter.routing.schedule import _obj, check_display_name
from callcenter.routing.sounds import check_sound

# dnc: "do not call me again": the caller's number goes on the tenant's do-not-call list
# (the control plane adds it), the caller hears a thank-you and the call ends.
ActionKind = Literal[
    "submenu", "queue", "agent", "voicemail", "external", "repeat", "hangup", "dnc"
]
ACTION_KINDS: frozenset[str] = frozenset(get_args(ActionKind))
TERMINAL_KINDS: frozenset[str] = frozenset(
    {"queue", "agent", "voicemail", "external", "hangup", "dnc"}
)
FAILURE_FIELDS = ("on_timeout", "on_invalid", "on_max_tries")
LOOKUP_FIELDS = ("on_found", "on_not_found", "on_error", "on_timeout")
MenuType = Literal["menu", "digits", "lookup"]
SayAs = Literal["text", "number", "digits", "date"]
SAY_AS: frozenset[str] = frozenset(get_args(SayAs))
MAX_MENUS = 100
MAX_SAY = 5
# A JSON field of the lookup's answer: letters, digits, _ and dots for nested objects.
FIELD_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}(\.[A-Za-z_][A-Za-z0-9_]{0,39}){0,3}$")
# The only placeholders a URL template may hold; each is replaced by digits, URL-encoded.
PLACEHOLDER_RE = re.compile(r"\{([a-z]*)\}")
PLACEHOLDERS = frozenset({"digits", "caller"})
HOST_RE = re.compile(r"^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$")

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
    "dnc": re.compile(r"^$"),
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
class Say:
    """One field of a lookup's answer read back to the caller, and how."""

    field: str
    say_as: SayAs


@dataclass(frozen=True)
class Lookup:
    """A lookup node's request: the URL template, its timeout and what is read back."""

    url: str
    timeout_ms: int
    say: tuple[Say, ...]
    on_found: Action
    on_not_found: Action
    on_error: Action


@dataclass(frozen=True)
class Menu:
    """One node: a key menu (prompt, options, fallbacks), a digit collection or a lookup."""

    name: str
    prompt: str
    timeout_s: int
    max_tries: int
    options: Mapping[str, Action]
    on_timeout: Action
    on_invalid: Action
    on_max_tries: Action
    type: MenuType = "menu"
    min_digits: int = 1
    max_digits: int = 1
    terminator: str = ""
    next: Action | None = None
    lookup: Lookup | None = None

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
                self.type,
                self.min_digits,
                self.max_digits,
                self.terminator,
                self.next,
                self.lookup,
            )
        )

    def actions(self) -> Iterator[tuple[str, Action]]:
        """Each action with its field path inside the menu, e.g. ``("options.1", action)``."""
        for key, action in self.options.items():
            yield f"options.{key}", action
        if self.next is not None:
            yield "next", self.next
        if self.lookup is not None:
            yield "on_found", self.lookup.on_found
            yield "on_not_found", self.lookup.on_not_found
            yield "on_error", self.lookup.on_error
            yield "on_timeout", self.on_timeout
            return
        for attr in FAILURE_FIELDS:
            yield attr, getattr(self, attr)

    def failure_actions(self) -> Iterator[tuple[str, Action]]:
        """The actions no caller choice leads to (edges of the failure graph)."""
        for path, action in self.actions():
            if not path.startswith("options.") and path != "next":
                yield path, action


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
    if menu.prompt or menu.type != "lookup":
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
    if menu.type == "digits":
        _check_digits(base, menu)
    if menu.lookup is not None:
        _check_lookup(base, menu.lookup)
        for path, action in menu.actions():
            if action.kind == "repeat":
                raise InvalidInput("a lookup cannot repeat", field=f"{base}.{path}")


def _check_digits(base: str, menu: Menu) -> None:
    if not 1 <= menu.min_digits <= 20:
        raise InvalidInput("min_digits must be 1..20", field=f"{base}.min_digits")
    if not menu.min_digits <= menu.max_digits <= 20:
        raise InvalidInput("max_digits must be min_digits..20", field=f"{base}.max_digits")
    if menu.terminator not in ("", "#", "*"):
        raise InvalidInput("terminator is #, * or empty", field=f"{base}.terminator")
    if menu.next is None or menu.next.kind == "repeat":
        raise InvalidInput("next must lead on (not repeat)", field=f"{base}.next")


def check_lookup_url(url: str, field: str) -> str:
    """The template's host (``host[:port]``): https only, ``{digits}``/``{caller}`` only."""
    if not isinstance(url, str) or len(url) > 500 or not url.startswith("https://"):
        raise InvalidInput("url must be an https:// URL template", field=field)
    rest = url.removeprefix("https://")
    host, _, tail = rest.partition("/")
    if not HOST_RE.match(host):
        raise InvalidInput("url needs a host name (no user, no placeholder)", field=field)
    for m in PLACEHOLDER_RE.finditer(tail):
        if m.group(1) not in PLACEHOLDERS:
            raise InvalidInput("url placeholders are {digits} and {caller}", field=field)
    bare = PLACEHOLDER_RE.sub("", tail)
    if re.search(r"[{}\s#\\]", bare) or any(ord(c) < 0x21 or ord(c) > 0x7E for c in bare):
        raise InvalidInput("url has characters a URL may not hold", field=field)
    return host


def _check_lookup(base: str, lookup: Lookup) -> None:
    check_lookup_url(lookup.url, f"{base}.url")
    if not 100 <= lookup.timeout_ms <= 5000:
        raise InvalidInput("timeout_ms must be 100..5000", field=f"{base}.timeout_ms")
    if len(lookup.say) > MAX_SAY:
        raise InvalidInput(f"at most {MAX_SAY} fields are read back", field=f"{base}.say")
    for i, say in enumerate(lookup.say):
        if not FIELD_RE.match(say.field):
            raise InvalidInput("field is a JSON key (a.b for nested)", field=f"{base}.say.{i}")
        if say.say_as not in SAY_AS:
            raise InvalidInput(f"as is one of {sorted(SAY_AS)}", field=f"{base}.say.{i}.as")


def _check_no_silent_loop(ivr: Ivr) -> None:
    """Reject a cycle in the failure graph (see the module docstring)."""
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        path.append(name)
        menu = ivr.menus[name]
        for attr, action in menu.failure_actions():
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
    data = _obj(data, "", {"entry", "menus", "greeting", "display_name", "language"})
    check_display_name(data.get("display_name"))
    entry, raw_menus = data.get("entry"), data.get("menus")
    # The language callers of this IVR hear (system prompts, numbers); the number's otherwise.
    if data.get("language", "zh") not in ("zh", "en"):
        raise InvalidInput("language must be zh or en", field="language")
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
        kind = raw.get("type", "menu") if isinstance(raw, dict) else "menu"
        if kind == "digits":
            menus[key] = _parse_digits(key, raw)
            continue
        if kind == "lookup":
            menus[key] = _parse_lookup(key, raw)
            continue
        if kind != "menu":
            raise InvalidInput("type is menu, digits or lookup", field=f"{base}.type")
        m = _obj(raw, base, allowed | {"type"})
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


def _prompt(m: dict[str, Any], base: str, default: str | None = None) -> str:
    prompt = m.get("prompt", default)
    if not isinstance(prompt, str):
        raise InvalidInput("prompt must be a sound file name", field=f"{base}.prompt")
    return prompt


def _parse_digits(key: str, raw: Any) -> Menu:
    """``{"type": "digits", "prompt": ..., "min_digits": 6, "max_digits": 10,
    "terminator": "#", "timeout_s": 8, "max_tries": 3, "next": {...}, "on_max_tries": {...}}``."""
    base = f"menus.{key}"
    fields = {"type", "prompt", "min_digits", "max_digits", "terminator", "timeout_s"}
    m = _obj(raw, base, fields | {"max_tries", "next", "on_max_tries"})
    terminator = m.get("terminator", "#")
    if not isinstance(terminator, str):
        raise InvalidInput("terminator is #, * or empty", field=f"{base}.terminator")
    if "next" not in m:
        raise InvalidInput("next is required", field=f"{base}.next")
    min_digits = _int(m, "min_digits", 1, base)
    repeat = Action("repeat")
    return Menu(
        name=key,
        prompt=_prompt(m, base),
        timeout_s=_int(m, "timeout_s", 8, base),
        max_tries=_int(m, "max_tries", 3, base),
        options={},
        on_timeout=repeat,
        on_invalid=repeat,
        on_max_tries=_action(m.get("on_max_tries", {"kind": "hangup"}), f"{base}.on_max_tries"),
        type="digits",
        min_digits=min_digits,
        max_digits=_int(m, "max_digits", max(min_digits, 20), base),
        terminator=terminator,
        next=_action(m["next"], f"{base}.next"),
    )


def _parse_lookup(key: str, raw: Any) -> Menu:
    """``{"type": "lookup", "url": "https://api.example.com/orders/{digits}?from={caller}",
    "timeout_ms": 1500, "say": [{"field": "status", "as": "text"}], "on_found": {...},
    "on_not_found": {...}, "on_error": {...}, "on_timeout": {...}}``; ``prompt`` (optional)
    plays before the answer is read back."""
    base = f"menus.{key}"
    fields = {"type", "prompt", "url", "timeout_ms", "say", *LOOKUP_FIELDS}
    m = _obj(raw, base, fields)
    for name in LOOKUP_FIELDS:
        if name not in m:
            raise InvalidInput(f"{name} is required", field=f"{base}.{name}")
    raw_say = m.get("say", [])
    if not isinstance(raw_say, list):
        raise InvalidInput("say is a list of {field, as}", field=f"{base}.say")
    say = []
    for i, item in enumerate(raw_say):
        entry = _obj(item, f"{base}.say.{i}", {"field", "as"})
        field, say_as = entry.get("field"), entry.get("as", "text")
        if not isinstance(field, str) or say_as not in SAY_AS:
            raise InvalidInput("say entries are {field, as}", field=f"{base}.say.{i}")
        say.append(Say(field, say_as))
    url = m.get("url")
    if not isinstance(url, str):
        raise InvalidInput("url must be an https:// URL template", field=f"{base}.url")
    timeout = _action(m["on_timeout"], f"{base}.on_timeout")
    return Menu(
        name=key,
        prompt=_prompt(m, base, ""),
        timeout_s=1,
        max_tries=1,
        options={},
        on_timeout=timeout,
        on_invalid=Action("hangup"),
        on_max_tries=Action("hangup"),
        type="lookup",
        lookup=Lookup(
            url=url,
            timeout_ms=_int(m, "timeout_ms", 1500, base),
            say=tuple(say),
            on_found=_action(m["on_found"], f"{base}.on_found"),
            on_not_found=_action(m["on_not_found"], f"{base}.on_not_found"),
            on_error=_action(m["on_error"], f"{base}.on_error"),
        ),
    )


def lookup_hosts(ivr: Ivr) -> frozenset[str]:
    """The hosts every lookup node of ``ivr`` calls (each must be the tenant's API host)."""
    return frozenset(
        check_lookup_url(m.lookup.url, f"menus.{m.name}.url")
        for m in ivr.menus.values()
        if m.lookup is not None
    )
