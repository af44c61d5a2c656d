"""Input of the queues API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter.seats.schemas import EXTENSION

Strategy = Literal[
    "ringall", "leastrecent", "fewestcalls", "random", "rrmemory", "linear", "wrandom", "rrordered"
]


class MemberIn(BaseModel):
    """A seat answering the queue; lower penalty is rung first."""

    model_config = ConfigDict(extra="forbid")
    extension: str = Field(pattern=EXTENSION)
    penalty: int = Field(default=0, ge=0, le=100)


class QueueIn(BaseModel):
    """A new queue."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    extension: str = Field(pattern=EXTENSION)
    strategy: Strategy = "rrmemory"
    ring_timeout: int = Field(default=15, ge=5, le=120)
    retry: int = Field(default=2, ge=0, le=60)
    wrapup_time: int = Field(default=0, ge=0, le=600)
    max_len: int = Field(default=0, ge=0, le=1000)
    members: list[MemberIn] = Field(default_factory=list, max_length=500)


class MembersIn(BaseModel):
    """The full member list of a queue."""

    model_config = ConfigDict(extra="forbid")
    members: list[MemberIn] = Field(max_length=500)
