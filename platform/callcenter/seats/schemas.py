"""Input of the seats API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

EXTENSION = r"^[1-9][0-9]{2,5}$"


class SeatIn(BaseModel):
    """A new seat."""

    model_config = ConfigDict(extra="forbid")
    extension: str = Field(pattern=EXTENSION)
    name: str = Field(default="", max_length=64, pattern=r"^[^\"<>\\\r\n\x00;,]*$")
