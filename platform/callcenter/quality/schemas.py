"""Input of the supervisor board API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter.agents.schemas import REASON, USERNAME

QUEUE = r"^[a-z][a-z0-9_]{0,31}$"


class SupervisorIn(BaseModel):
    """A new supervisor user of the tenant, optionally restricted to some queues."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=USERNAME)
    password: str = Field(min_length=10, max_length=256)
    queues: list[str] = Field(default_factory=list, max_length=200)


class SupervisedQueuesIn(BaseModel):
    """The queues a supervisor is restricted to (empty: the whole tenant)."""

    model_config = ConfigDict(extra="forbid")
    queues: list[str] = Field(max_length=200)


class ThresholdIn(BaseModel):
    """When a queue's figures raise an alert; null: no alert on that figure."""

    model_config = ConfigDict(extra="forbid")
    min_service_level: float | None = Field(default=None, ge=0, le=1)
    max_longest_wait_s: int | None = Field(default=None, ge=1, le=86400)


class ForcePauseIn(BaseModel):
    """A supervisor pauses an agent, with a reason."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="supervisor", pattern=REASON)


KEY = r"^[a-z][a-z0-9_]{0,31}$"
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"  # printable text, new lines allowed
TalkFlag = Literal["long_silence", "agent_dominates", "overtalk"]


class FormItemIn(BaseModel):
    """One item of a QA form."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=KEY)
    label: str = Field(min_length=1, max_length=100, pattern=TEXT)
    weight: float = Field(gt=0, le=100)
    critical: bool = False


class FormIn(BaseModel):
    """A QA form: its items, their weights, the critical ones."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field(default="", max_length=100, pattern=TEXT)
    items: list[FormItemIn] = Field(min_length=1, max_length=50)


class SamplingIn(BaseModel):
    """Which recorded calls are picked for review."""

    model_config = ConfigDict(extra="forbid")
    weekly_share: float = Field(default=0, ge=0, le=1)
    long_call_s: int | None = Field(default=None, ge=1, le=86400)
    talk_flags: list[TalkFlag] = Field(default_factory=list, max_length=3)
    # Every call whose caller scored it at most this in the after-call survey (1-5).
    low_survey_max: int | None = Field(default=None, ge=1, le=5)
    # Seconds are kept to a tenth (numeric(6, 1)): the least is 0.1.
    flag_silence_s: float = Field(default=10, ge=0.1, le=3600)
    flag_agent_share: float = Field(default=0.8, ge=0, le=1)
    flag_overtalk_s: float = Field(default=3, ge=0.1, le=3600)


class SamplingRunIn(BaseModel):
    """Pick the last ``days`` days' calls for review with ``form``."""

    model_config = ConfigDict(extra="forbid")
    form: str = Field(pattern=KEY)
    days: int = Field(default=7, ge=1, le=90)


class ItemScoreIn(BaseModel):
    """One item's score (0..1), the moment of the recording it refers to, a note."""

    model_config = ConfigDict(extra="forbid")
    key: str = Field(pattern=KEY)
    score: float = Field(ge=0, le=1)
    moment_s: float | None = Field(default=None, ge=0, le=86400)
    note: str = Field(default="", max_length=500, pattern=TEXT)


class ScoreIn(BaseModel):
    """A reviewer's scores of every item, and a comment."""

    model_config = ConfigDict(extra="forbid")
    items: list[ItemScoreIn] = Field(min_length=1, max_length=50)
    comment: str = Field(default="", max_length=2000, pattern=TEXT)


class AppealIn(BaseModel):
    """An agent's appeal of a scored review (once)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=2000, pattern=TEXT)
