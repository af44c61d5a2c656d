"""Input of the recordings API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PolicyIn(BaseModel):
    """Which calls are recorded, and how long recordings are kept."""

    model_config = ConfigDict(extra="forbid")
    policy: Literal["none", "all", "on_demand"]
    retention_days: int = Field(default=90, ge=1, le=3650)


class StartIn(BaseModel):
    """Whose call to record now."""

    model_config = ConfigDict(extra="forbid")
    extension: str = Field(pattern=r"^[1-9][0-9]{2,5}$")
