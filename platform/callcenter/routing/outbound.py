"""Which outside numbers a tenant may call: Asterisk-style dial patterns, checked twice.

The control plane checks configured destinations (IVR, overflow, forwarding) when they are
saved; the dialplan checks every outside call again with one regular expression compiled
here from the same patterns and read from PostgreSQL at call time. Patterns are a strict
subset of Asterisk's: digits, ``X`` (0-9), ``Z`` (1-9), ``N`` (2-9), a class of digits and
ranges such as ``[3-9]``, and a final ``.`` (one or more digits) or ``!`` (zero or more).
The regular expression uses no comma, quote or ``$``-brace, so it passes through the
dialplan's ``REGEX()`` unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from callcenter.errors import InvalidInput

MAX_PATTERNS = 20
_PATTERN_RE = re.compile(r"^(?:[0-9XZN]|\[(?:[0-9](?:-[0-9])?)+\])+[.!]?$")
_CLASS = {"X": "[0-9]", "Z": "[1-9]", "N": "[2-9]", ".": "[0-9]+", "!": "[0-9]*"}


def pattern_regex(pattern: str) -> str:
    """The regular expression (without anchors) of one dial pattern."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[":
            j = pattern.index("]", i)
            out.append(pattern[i : j + 1])
            i = j + 1
            continue
        out.append(_CLASS.get(ch, ch))
        i += 1
    return "".join(out)


def compile_patterns(patterns: Sequence[str], field: str = "outbound_patterns") -> str:
    """One anchored regular expression for all ``patterns``; a bad one is named by index."""
    if len(patterns) > MAX_PATTERNS:
        raise InvalidInput(f"at most {MAX_PATTERNS} patterns", field=field)
    parts = []
    for i, pattern in enumerate(patterns):
        if not isinstance(pattern, str) or len(pattern) > 32 or not _PATTERN_RE.match(pattern):
            raise InvalidInput(
                "a pattern is digits, X, Z, N, [0-9 ranges] and a final . or !",
                field=f"{field}[{i}]",
            )
        parts.append(pattern_regex(pattern))
    if not parts:
        return "^$"  # nothing outside is reachable; an empty number never gets this far
    return "^(" + "|".join(parts) + ")$"


def allowed(number: str, patterns: Sequence[str]) -> bool:
    """Whether ``number`` (digits) matches one of ``patterns``."""
    return re.match(compile_patterns(patterns), number) is not None
