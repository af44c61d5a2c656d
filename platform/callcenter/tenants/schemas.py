"""Input of the tenants API."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from callcenter.numbers.parsing import dialable

TENANT_ID = r"^[a-z][a-z0-9]{1,15}$"
USERNAME = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{2,63}$"


class AdminIn(BaseModel):
    """The tenant's first administrator."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=USERNAME)
    password: str = Field(min_length=8, max_length=256)


class TenantIn(BaseModel):
    """A new tenant."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=TENANT_ID, description="short lowercase id, used in SIP names")
    name: str = Field(min_length=1, max_length=200)
    admin: AdminIn


class LimitsIn(BaseModel):
    """Operator-set limits: concurrent calls (0 = no cap), outside calls and where to."""

    model_config = ConfigDict(extra="forbid")
    max_calls: int = Field(default=100, ge=0, le=100000)
    max_outbound: int = Field(default=10, ge=0, le=100000)
    outbound_patterns: list[str] = Field(
        default_factory=lambda: ["1[3-9]XXXXXXXXX", "0ZXXXXXXXX", "0ZXXXXXXXXX", "0ZXXXXXXXXXX"],
        max_length=20,
    )
    caller_number: Annotated[str | None, BeforeValidator(dialable)] = Field(
        default=None, pattern=r"^[0-9]{5,20}$"
    )
    # Open callback requests (waiting for an agent) the tenant accepts at once; each caller
    # number has at most one. Enforced by the database where the dialplan stores them.
    max_open_callbacks: int = Field(default=20, ge=0, le=10000)


class StatusIn(BaseModel):
    """Operator: a suspended tenant's numbers answer with an announcement, its phones reach
    nothing outside; active restores service."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["active", "suspended"]


class LanguageIn(BaseModel):
    """What the tenant's callers hear: Mandarin (``zh``) or English system prompts and
    numbers read out, unless a number or an IVR says otherwise."""

    model_config = ConfigDict(extra="forbid")
    language: Literal["zh", "en"]
