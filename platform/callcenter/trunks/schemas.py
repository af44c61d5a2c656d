"""Input of the trunks API. Every value reaches the edge's SQL and SIP headers, so each is
held to a tight character set here (and again by the database's checks)."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TRUNK_NAME = r"^[a-z][a-z0-9-]{0,31}$"
USERNAME = r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$"
# Printable ASCII without quotes, backslash or semicolon.
PASSWORD_PATTERN = r"^[!#-&(-:<-\[\]-~]{8,128}$"  # noqa: S105 (a pattern, not a password)
_NOT_NULL = (
    "host",
    "port",
    "transport",
    "max_channels",
    "priority",
    "prefixes",
    "inbound_prefixes",
    "enabled",
    "registers",
    "register_expires",
)


# Model field -> trunks column, where they differ.
_COLUMN = {"registers": "register", "tenant": "tenant_id"}


def columns(model: BaseModel, names: set[str] | None = None) -> dict[str, Any]:
    """The model's fields (or ``names`` of them) keyed by the trunks column they set."""
    return {
        _COLUMN.get(n, n): getattr(model, n)
        for n in (type(model).model_fields if names is None else names)
    }


def _ipv4(value: str) -> str:
    try:
        address = ipaddress.IPv4Address(value)
    except ValueError as exc:
        raise ValueError("must be an IPv4 address") from exc
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        raise ValueError("must be a unicast IPv4 address")
    return str(address)


# A dialled-number prefix: up to 20 digits, '' = any number.
Prefix = Annotated[str, Field(pattern=r"^[0-9]{0,20}$")]


def _prefixes(value: list[str]) -> list[str]:
    return list(dict.fromkeys(value))  # once each, first occurrence's order


class TrunkIn(BaseModel):
    """A new trunk: a name, where it is, how many calls it carries at once, which numbers."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(pattern=TRUNK_NAME)
    host: str = Field(max_length=15, description="IPv4 address: identifies its calls to us")
    port: int = Field(default=5060, ge=1, le=65535)
    transport: Literal["udp", "tcp", "tls"] = "udp"
    max_channels: int = Field(ge=1, le=100000, description="calls at once, both directions")
    priority: int = Field(default=100, ge=0, le=1000, description="lower is tried first")
    prefixes: list[Prefix] = Field(default_factory=lambda: [""], min_length=1, max_length=100)
    inbound_prefixes: list[Prefix] = Field(
        default_factory=lambda: [""], min_length=1, max_length=100
    )
    enabled: bool = True
    # "register" would shadow ABCMeta.register on the model class.
    registers: bool = Field(default=False, alias="register")
    auth_username: str | None = Field(default=None, pattern=USERNAME)
    auth_password: str | None = Field(default=None, pattern=PASSWORD_PATTERN)
    register_expires: int = Field(default=300, ge=60, le=3600)
    # Hybrid hosting (issue 20): the tenant whose own PBX this is. Its calls reach that
    # tenant's numbers only; `prefixes` are then the PBX's extensions agents transfer to.
    tenant: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9]{1,15}$")

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        return _ipv4(value)

    @field_validator("prefixes", "inbound_prefixes")
    @classmethod
    def _ranges(cls, value: list[str]) -> list[str]:
        return _prefixes(value)


class TrunkPatch(BaseModel):
    """A change: only the fields present change; ``null`` clears a credential."""

    model_config = ConfigDict(extra="forbid")
    host: str | None = Field(default=None, max_length=15)
    port: int | None = Field(default=None, ge=1, le=65535)
    transport: Literal["udp", "tcp", "tls"] | None = None
    max_channels: int | None = Field(default=None, ge=1, le=100000)
    priority: int | None = Field(default=None, ge=0, le=1000)
    prefixes: list[Prefix] | None = Field(default=None, min_length=1, max_length=100)
    inbound_prefixes: list[Prefix] | None = Field(default=None, min_length=1, max_length=100)
    enabled: bool | None = None
    registers: bool | None = Field(default=None, alias="register")
    auth_username: str | None = Field(default=None, pattern=USERNAME)
    auth_password: str | None = Field(default=None, pattern=PASSWORD_PATTERN)
    register_expires: int | None = Field(default=None, ge=60, le=3600)

    @field_validator(*_NOT_NULL, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null")
        return value

    @field_validator("host")
    @classmethod
    def _host(cls, value: str | None) -> str | None:
        return None if value is None else _ipv4(value)

    @field_validator("prefixes", "inbound_prefixes")
    @classmethod
    def _ranges(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _prefixes(value)

    def changes(self) -> dict[str, Any]:
        """The fields the request named, with their new values."""
        return columns(self, self.model_fields_set)
