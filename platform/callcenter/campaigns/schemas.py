"""Input of the campaigns and do-not-call APIs."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from callcenter.numbers.parsing import dialable

_TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
_NAME = r"^[a-z][a-z0-9_]{0,31}$"
_DISPOSITION = r"^[^\x00-\x1f\x7f,;|]{1,32}$"
Mode = Literal["preview", "progressive", "predictive", "agentless"]
DAY = 86400


class RetryDelays(BaseModel):
    """Seconds before a contact is dialled again, per outcome of its last attempt."""

    model_config = ConfigDict(extra="forbid")
    busy: int = Field(default=600, ge=0, le=7 * DAY)
    no_answer: int = Field(default=3600, ge=0, le=7 * DAY)
    failed: int = Field(default=1800, ge=0, le=7 * DAY)
    machine: int = Field(default=7200, ge=0, le=7 * DAY)
    abandoned: int = Field(default=3600, ge=0, le=7 * DAY)


class CampaignIn(BaseModel):
    """A campaign: who is called from which number, by which agents, when, how often."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=100, pattern=_TEXT)
    mode: Mode
    caller_number: Annotated[str, BeforeValidator(dialable)] = Field(pattern=r"^[0-9]{5,20}$")
    queue: str = Field(pattern=_NAME)
    schedule: str = Field(pattern=_NAME)
    script: str = Field(default="", max_length=8000, pattern=_TEXT)
    dispositions: list[Annotated[str, Field(pattern=_DISPOSITION)]] = Field(
        default_factory=list, max_length=30
    )
    success_dispositions: list[Annotated[str, Field(pattern=_DISPOSITION)]] = Field(
        default_factory=list, max_length=30
    )
    abandon_cap_percent: float = Field(default=3.0, ge=0, le=100)
    max_attempts: int = Field(default=3, ge=1, le=20)
    retry_delays: RetryDelays = Field(default_factory=RetryDelays)
    dial_timeout: int = Field(default=30, ge=5, le=120)
    amd: bool = False
    notice: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9_-]{0,39})?$")
    survey: bool = False  # agentless: the key pressed answers the notice's question


class StateIn(BaseModel):
    """Start, pause, resume or stop a campaign."""

    model_config = ConfigDict(extra="forbid")
    action: Literal["start", "pause", "resume", "stop"]


class DncIn(BaseModel):
    """Numbers to add to a do-not-call list (any common written form)."""

    model_config = ConfigDict(extra="forbid")
    numbers: list[Annotated[str, Field(min_length=1, max_length=40)]] = Field(
        min_length=1, max_length=1000
    )


class DispositionIn(BaseModel):
    """An agent's disposition of a campaign contact's call."""

    model_config = ConfigDict(extra="forbid")
    disposition: str = Field(pattern=_DISPOSITION)
