"""Input of the supervision API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from callcenter.seats.schemas import EXTENSION


class SuperviseIn(BaseModel):
    """Who supervises whom, and how."""

    model_config = ConfigDict(extra="forbid")
    supervisor: str = Field(pattern=EXTENSION, description="the supervisor's seat")
    agent: str = Field(pattern=EXTENSION, description="the agent's seat")
    mode: Literal["listen", "whisper", "barge"] = "listen"
