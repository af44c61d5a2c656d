"""Node errors callers catch by type."""

from __future__ import annotations

from callcenter.errors import Conflict, NotFound


class NodeExists(Conflict):
    """A node with this name (or SIP address) is registered already."""

    slug = "node-exists"


class NoSuchNode(NotFound):
    """No node of this name."""

    slug = "no-such-node"


class NodeNotActive(Conflict):
    """The node takes no tenants now (down or draining)."""

    slug = "node-not-active"
