"""Domain errors: a stable slug and details, no HTTP. The web layer maps slugs to statuses.

The classes here are the families the web layer knows (``not-found``, ``conflict``, ...).
A domain names a more specific error as a subclass with its own slug in its ``errors.py``
(``seats.errors.NoSuchSeat``, slug ``no-such-seat``), so callers catch it by type; its HTTP
status is its family's.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """An error a caller can act on, named by a stable slug such as ``no-such-tenant``."""

    slug = "domain-error"

    def __init__(self, message: str, *, slug: str | None = None, **details: Any) -> None:
        super().__init__(message)
        if slug is not None:
            self.slug = slug
        self.message = message
        self.details: dict[str, Any] = details


class InvalidInput(DomainError):
    """Input failed validation; ``details['field']`` names the offending field."""

    slug = "invalid-input"


class NotFound(DomainError):
    """The object does not exist, or exists for another tenant (indistinguishable on purpose)."""

    slug = "not-found"


class Conflict(DomainError):
    """The object already exists or the change clashes with current state."""

    slug = "conflict"


class AlreadyExists(Conflict):
    """The database refused a duplicate (a unique constraint); raised by ``db/`` only."""

    slug = "already-exists"


class BrokenReference(Conflict):
    """The database refused a row that refers to nothing (a foreign key); raised by ``db/``."""

    slug = "broken-reference"


class Unauthorized(DomainError):
    """No valid credentials were presented."""

    slug = "unauthorized"


class Forbidden(DomainError):
    """Credentials are valid but do not allow this action."""

    slug = "forbidden"


class Unavailable(DomainError):
    """A backing service (PostgreSQL, Asterisk) is unreachable right now."""

    slug = "unavailable"


class TooManyAttempts(DomainError):
    """Too many attempts; ``details['retry_after_s']`` says when to try again."""

    slug = "too-many-attempts"
