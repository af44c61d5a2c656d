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


class DestinationIn(BaseModel):
    """Where an overflowing call goes; checked against the tenant's objects on save."""

    model_config = ConfigDict(extra="forbid")
    kind: Literal["queue", "ivr", "agent", "voicemail", "external", "announcement", "hangup"]
    target: str = Field(default="", max_length=64)


class OverflowIn(BaseModel):
    """Overflow destinations: after max wait, when nobody is logged in, when the queue is full."""

    model_config = ConfigDict(extra="forbid")
    timeout: DestinationIn | None = None
    empty: DestinationIn | None = None
    full: DestinationIn | None = None


class QueueOptions(BaseModel):
    """Everything about a queue but its name, extension and members."""

    model_config = ConfigDict(extra="forbid")
    strategy: Strategy = "rrmemory"
    ring_timeout: int = Field(default=15, ge=5, le=120)
    retry: int = Field(default=2, ge=0, le=60)
    wrapup_time: int = Field(default=0, ge=0, le=600)
    max_len: int = Field(default=0, ge=0, le=1000)
    max_wait: int = Field(default=0, ge=0, le=7200)
    music_class: str = Field(default="default", pattern=r"^[a-z][a-z0-9_]{0,31}$")
    announce_position: bool = False
    announce_holdtime: bool = False
    announce_frequency: int = Field(default=0, ge=0, le=600)
    service_level: int = Field(default=20, ge=1, le=600)
    callback_key: str | None = Field(default=None, pattern=r"^[0-9]$")
    # After the agent hangs up, the caller is asked for a score (1-5), stored on the call.
    survey: bool = False
    overflow: OverflowIn = Field(default_factory=OverflowIn)
    # Any script (销售), next to the Latin name the dialplan needs; None: the name alone.
    display_name: str | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[^\x00-\x1f\x7f-\x9f]+$"
    )


class QueueIn(QueueOptions):
    """A new queue."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    extension: str = Field(pattern=EXTENSION)
    members: list[MemberIn] = Field(default_factory=list, max_length=500)


class MembersIn(BaseModel):
    """The full member list of a queue."""

    model_config = ConfigDict(extra="forbid")
    members: list[MemberIn] = Field(max_length=500)
