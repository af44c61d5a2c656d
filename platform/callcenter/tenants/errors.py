"""Tenant errors callers catch by type."""

from __future__ import annotations

from callcenter.errors import Conflict


class TenantExists(Conflict):
    """A tenant with this id exists already."""

    slug = "tenant-exists"


class UsernameTaken(Conflict):
    """A user (of any tenant) has this username already."""

    slug = "username-taken"


class TenantClosed(Conflict):
    """The tenant is closed: it cannot be reopened, suspended or closed again."""

    slug = "tenant-closed"
