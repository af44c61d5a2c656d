"""Seat errors callers catch by type."""

from __future__ import annotations

from callcenter.errors import Conflict, NotFound


class NoSuchSeat(NotFound):
    """No seat with this extension in the tenant; ``details['field']`` names the input."""

    slug = "no-such-seat"


class ExtensionTaken(Conflict):
    """The extension is already a seat's or a queue's in this tenant."""

    slug = "extension-taken"
