"""Domain errors: a stable slug and details, no HTTP. The web layer maps slugs to statuses."""

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
