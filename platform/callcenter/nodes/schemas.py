"""Input of the nodes API."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NODE_NAME = r"^[a-z][a-z0-9-]{0,31}$"
IPV4 = r"^[0-9]{1,3}(\.[0-9]{1,3}){3}$"


class NodeIn(BaseModel):
    """A platform Asterisk node: where the edge reaches its SIP and we reach its AMI."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=NODE_NAME)
    sip_host: str = Field(pattern=IPV4)
    sip_port: int = Field(default=5060, ge=1, le=65535)
    ami_host: str = Field(pattern=IPV4)
    ami_port: int = Field(default=5038, ge=1, le=65535)
    capacity: int = Field(ge=1, le=100000, description="concurrent calls")

    @field_validator("sip_host", "ami_host")
    @classmethod
    def _ipv4(cls, value: str) -> str:
        ipaddress.IPv4Address(value)  # ValueError: "... does not appear to be an IPv4 address"
        return value


class NodePatch(BaseModel):
    """Operator: a node's capacity, or draining it (no new tenants) and back."""

    model_config = ConfigDict(extra="forbid")
    capacity: int | None = Field(default=None, ge=1, le=100000)
    state: Literal["active", "draining"] | None = None


class MoveIn(BaseModel):
    """Operator: the node a tenant's new calls go to."""

    model_config = ConfigDict(extra="forbid")
    node: str = Field(pattern=NODE_NAME)
