"""Input of the prompts API: the name (the audio itself is checked by ``audio.check_wav``)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter.errors import InvalidInput

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def check_name(name: str) -> str:
    """A prompt name is lowercase letters, digits, ``_`` and ``-``."""
    if not NAME_RE.match(name):
        raise InvalidInput("a prompt name is lowercase letters, digits, _ and -", field="name")
    return name


# A display name in any script (欢迎语) next to the Latin id: one line, no C0/C1 controls
# (the table's CHECK refuses them too).
DISPLAY_NAME = r"^[^\x00-\x1f\x7f-\x9f]+$"


def check_display_name(value: str | None) -> str | None:
    """A display name from a query string: None when empty, else one line of 1-64 (checked
    before any trimming: str.strip() would drop C1 controls such as U+0085)."""
    if value is None or value == "":
        return None
    if len(value) > 64 or not re.fullmatch(DISPLAY_NAME, value):
        raise InvalidInput("a display name is one line of 1 to 64 characters", field="display_name")
    return value.strip(" ") or None


class SpeechIn(BaseModel):
    """A prompt made from text: what to say, in which language."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=500)
    language: Literal["zh", "en"] = "zh"
    display_name: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=DISPLAY_NAME
    )


class PromptNameIn(BaseModel):
    """A prompt's display name (None: the id alone)."""

    model_config = ConfigDict(extra="forbid")
    display_name: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=DISPLAY_NAME
    )
