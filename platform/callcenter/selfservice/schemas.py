"""Input of the self-service API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from callcenter.routing.ivr import HOST_RE


class LookupApiIn(BaseModel):
    """The one host the tenant's lookup nodes call (https) and the signing secret; an absent
    secret keeps the stored one."""

    model_config = ConfigDict(extra="forbid")
    host: str = Field(max_length=260, pattern=HOST_RE.pattern)
    secret: str | None = Field(default=None, min_length=16, max_length=128)
