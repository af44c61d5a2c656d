"""Input of the seats API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from callcenter.numbers.parsing import dialable

EXTENSION = r"^[1-9][0-9]{2,5}$"


class SeatIn(BaseModel):
    """A new seat."""

    model_config = ConfigDict(extra="forbid")
    extension: str = Field(pattern=EXTENSION)
    name: str = Field(default="", max_length=64, pattern=r"^[^\"<>\\\r\n\x00;,|&$`{}\[\]]*$")


class SeatUpdate(BaseModel):
    """A seat's changeable settings: its display name and where its calls are forwarded."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(
        default=None, max_length=64, pattern=r"^[^\"<>\\\r\n\x00;,|&$`{}\[\]]*$"
    )
    forward_to: Annotated[str | None, BeforeValidator(dialable)] = Field(
        default=None, pattern=r"^[0-9]{5,20}$"
    )
    supervisor: bool | None = Field(default=None, description="may supervise calls")
