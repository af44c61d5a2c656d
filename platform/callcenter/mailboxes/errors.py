"""Mailbox errors callers catch by type."""

from __future__ import annotations

from callcenter.errors import Conflict


class MailboxExists(Conflict):
    """The tenant already has a mailbox with this number."""

    slug = "mailbox-exists"
