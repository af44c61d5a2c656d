"""Input of the tenants API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

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
