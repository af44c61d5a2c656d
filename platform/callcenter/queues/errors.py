"""Queue errors callers catch by type."""

from __future__ import annotations

from callcenter.errors import Conflict


class QueueExists(Conflict):
    """The tenant already has a queue of this name."""

    slug = "queue-exists"
