"""Input of the prompts API: the name (the audio itself is checked by ``audio.check_wav``)."""

from __future__ import annotations

import re

from callcenter.errors import InvalidInput

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def check_name(name: str) -> str:
    """A prompt name is lowercase letters, digits, ``_`` and ``-``."""
    if not NAME_RE.match(name):
        raise InvalidInput("a prompt name is lowercase letters, digits, _ and -", field="name")
    return name
