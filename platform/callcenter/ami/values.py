"""Validation of every value that reaches AMI: no CR/LF, no NUL, bounded, named keys only."""

from __future__ import annotations

import re

from callcenter.errors import InvalidInput

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
_MAX_VALUE = 1024


def check_key(key: str) -> str:
    """An AMI header name."""
    if not _KEY.match(key):
        raise InvalidInput("not an AMI header name", field="ami.key", value=key[:64])
    return key


def check_value(value: object, *, field: str = "ami.value") -> str:
    """An AMI header value: CR, LF and NUL would start a new header or action."""
    text = str(value)
    if any(c in text for c in "\r\n\x00") or len(text) > _MAX_VALUE:
        raise InvalidInput("value not allowed in an AMI action", field=field)
    return text
