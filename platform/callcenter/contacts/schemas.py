"""Input of the contacts API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from callcenter.numbers.parsing import dialable

_TEXT = r"^[^\x00]*$"


class ContactIn(BaseModel):
    """A contact of the tenant's hosted CRM."""

    model_config = ConfigDict(extra="forbid")
    phone: Annotated[str, BeforeValidator(dialable)] = Field(pattern=r"^[0-9]{3,20}$")
    name: str = Field(min_length=1, max_length=200, pattern=_TEXT)
    company: str = Field(default="", max_length=200, pattern=_TEXT)
    email: str = Field(default="", max_length=200, pattern=_TEXT)
    notes: str = Field(default="", max_length=4000, pattern=_TEXT)
