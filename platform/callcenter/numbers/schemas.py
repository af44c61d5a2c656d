"""Input of the numbers API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AssignIn(BaseModel):
    """A number the operator assigns to a tenant, as written by a person."""

    model_config = ConfigDict(extra="forbid")
    number: str = Field(min_length=3, max_length=40)


class RouteIn(BaseModel):
    """Where calls to a number go."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["queue", "seat"]
    target: str = Field(pattern=r"^[a-z0-9_]{1,32}$")
