"""Input of the mailboxes API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MailboxIn(BaseModel):
    """A new mailbox."""

    model_config = ConfigDict(extra="forbid")
    mailbox: str = Field(pattern=r"^[0-9]{2,10}$")
    name: str = Field(default="", max_length=64, pattern=r"^[^\"<>\\\r\n\x00;,|&$`{}\[\]]*$")
    email: str = Field(default="", max_length=200, pattern=r"^([^@\s,;|]+@[^@\s,;|]+)?$")
