"""Errors of the supervisor board, caught by type."""

from __future__ import annotations

from callcenter.errors import Conflict, Forbidden, NotFound


class NoSuchAgent(NotFound):
    """No agent of the tenant has this extension."""

    slug = "no-such-agent"


class NotSupervised(Forbidden):
    """The agent or queue is outside the supervisor's queues."""

    slug = "not-supervised"


class NoSuchQueue(NotFound):
    """The tenant has no queue of this name."""

    slug = "no-such-queue"


class NoSuchSupervisor(NotFound):
    """The tenant has no supervisor user of this name."""

    slug = "no-such-supervisor"


class NoSuchCall(NotFound):
    """No recorded call of the tenant has this linkedid (or it is outside the scope)."""

    slug = "no-such-call"


class NoSuchForm(NotFound):
    """The tenant has no QA form of this name."""

    slug = "no-such-form"


class NoSuchReview(NotFound):
    """The tenant has no review with this id (or not one this user may see)."""

    slug = "no-such-review"


class WrongReviewState(Conflict):
    """The review is not in a state for this (already appealed, not scored yet...)."""

    slug = "wrong-review-state"


class SameReviewer(Forbidden):
    """An appeal is decided by another reviewer than the one who scored the call."""

    slug = "same-reviewer"
