"""Input of the auth API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class TokenRequest(BaseModel):
    """Credentials exchanged for an access token."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class PasswordIn(BaseModel):
    """A tenant admin (or operator) sets a user's password."""

    model_config = ConfigDict(extra="forbid")
    password: str = Field(min_length=8, max_length=256)


class PasswordChangeIn(BaseModel):
    """A signed-in user changes its own password."""

    model_config = ConfigDict(extra="forbid")
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=8, max_length=256)


class UserStatusIn(BaseModel):
    """Disable a user (every token refused, websockets closed) or enable it again."""

    model_config = ConfigDict(extra="forbid")
    status: Literal["active", "disabled"]
