"""Input of the numbers API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AssignIn(BaseModel):
    """A number the operator assigns to a tenant, as written by a person."""

    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=3, max_length=40)


class RouteIn(BaseModel):
    """Where calls to a number go, when; and how many at once (0 = no cap)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal[
        "queue", "ivr", "agent", "seat", "voicemail", "external", "announcement", "hangup"
    ]
    target: str = Field(default="", max_length=64)
    schedule: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_]{0,31}$")
    max_calls: int = Field(default=0, ge=0, le=100000)
    priority: int = Field(default=0, ge=0, le=100)
    # What callers of this number hear (system prompts, numbers read out); None: the tenant's.
    language: Literal["zh", "en"] | None = None
