"""Trunk errors callers catch by type."""

from __future__ import annotations

from callcenter.errors import Conflict, NotFound


class NoSuchTrunk(NotFound):
    """No trunk by this name."""

    slug = "no-such-trunk"


class TrunkExists(Conflict):
    """A trunk by this name exists already."""

    slug = "trunk-exists"


class HostIsNode(Conflict):
    """The address is a platform node's: every request from it would count as the carrier's."""

    slug = "host-is-node"
