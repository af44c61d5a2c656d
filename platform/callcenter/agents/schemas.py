"""Input of the agents API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from callcenter.numbers.parsing import dialable
from callcenter.seats.schemas import EXTENSION

Device = Literal["browser", "sip", "mobile"]
USERNAME = r"^[a-z0-9][a-z0-9._-]{2,63}$"
REASON = r"^[a-z][a-z0-9_]{0,31}$"
DISPOSITION = r"^[a-z][a-z0-9_]{0,31}$"
NUMBER = r"^[0-9]{3,20}$"


class AgentIn(BaseModel):
    """A new agent user, bound to an existing seat of the tenant."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=USERNAME)
    password: str = Field(min_length=10, max_length=256)
    extension: str = Field(pattern=EXTENSION)
    name: str = Field(default="", max_length=64, pattern=r"^[^\"<>\\\r\n\x00;,]*$")
    device: Device = "browser"


class AgentEdit(BaseModel):
    """An agent user's name, seat and device, changed by the tenant admin (its username and
    password are changed on the users page)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=64, pattern=r"^[^\"<>\\\x00-\x1f\x7f-\x9f;,]*$")
    extension: str = Field(pattern=EXTENSION)
    device: Device = "browser"
    mobile_number: Annotated[str | None, BeforeValidator(dialable)] = Field(
        default=None, pattern=r"^[0-9]{5,20}$"
    )


class DeviceIn(BaseModel):
    """How the agent takes calls."""

    model_config = ConfigDict(extra="forbid")
    device: Device
    mobile_number: Annotated[str | None, BeforeValidator(dialable)] = Field(
        default=None, pattern=r"^[0-9]{5,20}$"
    )


class PauseIn(BaseModel):
    """A pause and its reason (``lunch``, ``training``...)."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(default="break", pattern=REASON)


class NoteIn(BaseModel):
    """An agent's note and disposition for a call."""

    model_config = ConfigDict(extra="forbid")
    note: str = Field(default="", max_length=4000)
    disposition: str = Field(default="", pattern=r"^([a-z][a-z0-9_]{0,31})?$")


class DialIn(BaseModel):
    """Click-to-call: the platform rings the agent, then dials ``number``."""

    model_config = ConfigDict(extra="forbid")
    number: str = Field(pattern=NUMBER)


class TransferIn(BaseModel):
    """Transfer the agent's current call."""

    model_config = ConfigDict(extra="forbid")
    mode: Literal["blind", "attended"] = "blind"
    target_type: Literal["agent", "queue", "number"]
    target: str = Field(pattern=r"^[a-z0-9_]{1,32}$")
