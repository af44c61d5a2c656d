"""Input of the mailboxes API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# A mailbox's display name, in any script (前台留言): one line (no C0/C1 controls, which the
# table refuses too) and none of the characters voicemail.conf-style values treat specially.
MAILBOX_NAME = r"^[^\"<>\\\x00-\x1f\x7f-\x9f;,|&$`{}\[\]]*$"


class MailboxIn(BaseModel):
    """A new mailbox."""

    model_config = ConfigDict(extra="forbid")
    mailbox: str = Field(pattern=r"^[0-9]{2,10}$")
    name: str = Field(default="", max_length=64, pattern=MAILBOX_NAME)
    email: str = Field(default="", max_length=200, pattern=r"^([^@\s,;|]+@[^@\s,;|]+)?$")


class MailboxEdit(BaseModel):
    """A mailbox's name and e-mail address (its number is its identity)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=64, pattern=MAILBOX_NAME)
    email: str = Field(default="", max_length=200, pattern=r"^([^@\s,;|]+@[^@\s,;|]+)?$")


class HeardIn(BaseModel):
    """Whether a voicemail message has been listened to."""

    model_config = ConfigDict(extra="forbid")
    heard: bool = True
