"""Errors of agent administration and console actions, caught by type."""

from __future__ import annotations

from callcenter.errors import Conflict, Forbidden, NotFound


class NoSuchSeat(NotFound):
    """The seat an agent would be bound to does not exist in the tenant."""


class SeatHasAgent(Conflict):
    """The seat is already bound to an agent."""


class UsernameTaken(Conflict):
    """Another user already has this username."""


class NotAnAgent(Forbidden):
    """Console actions are for agents only."""


class NoAgentProfile(NotFound):
    """The user is an agent without an agent profile."""


class NoSuchCall(NotFound):
    """No call of the tenant (or of the agent) has this linkedid."""


class NoCall(Conflict):
    """The agent has no call to act on (transfer)."""


class NotYourQueue(NotFound):
    """The queue is not one the agent's seat is assigned to."""


class NoSuchTarget(NotFound):
    """A transfer names a seat, queue or number the tenant does not have."""


class NoSuchAgent(NotFound):
    """The tenant has no agent user of this username."""
