"""Where a call can be sent, and the shape of each kind's target.

One vocabulary for numbers, schedules' closed destinations, IVR actions and queue overflow.
Targets are checked here by shape (they reach the dialplan, so the character sets are
tight), then by the destinations service for existence inside the tenant.
"""

from __future__ import annotations

import re
from typing import Literal, get_args

from callcenter.errors import InvalidInput
from callcenter.routing.sounds import HINT, SOUND_REF_RE

Kind = Literal["queue", "ivr", "agent", "voicemail", "external", "announcement", "hangup"]
KINDS: frozenset[str] = frozenset(get_args(Kind))

TARGET_RE: dict[str, re.Pattern[str]] = {
    "queue": re.compile(r"^[a-z][a-z0-9_]{0,31}$"),
    "ivr": re.compile(r"^[a-z][a-z0-9_]{0,31}$"),
    "agent": re.compile(r"^[1-9][0-9]{2,5}$"),
    "voicemail": re.compile(r"^[0-9]{2,10}$"),
    "external": re.compile(r"^[0-9]{5,20}$"),
    "announcement": SOUND_REF_RE,
    "hangup": re.compile(r"^$"),
}
TARGET_HINT = {
    "queue": "a queue name",
    "ivr": "an IVR name",
    "agent": "a seat extension",
    "voicemail": "a mailbox number",
    "external": "an outside number, digits only",
    "announcement": HINT,
    "hangup": "empty",
}


def check_shape(kind: str, target: str, field: str) -> tuple[str, str]:
    """Validate ``kind`` and ``target``'s shape; errors name ``{field}.kind|target``."""
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(sorted(KINDS))}", field=f"{field}.kind")
    if not isinstance(target, str) or not TARGET_RE[kind].match(target):
        raise InvalidInput(
            f"target of a {kind} destination must be {TARGET_HINT[kind]}", field=f"{field}.target"
        )
    return kind, target
