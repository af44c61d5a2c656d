"""What the dialer decides about one call, and what happens to its contact next. Pure.

An attempt's outcome comes from two halves of the campaign call: the customer leg's
``DIALSTATUS`` (BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL, ANSWER) and, when the
customer answered, what the answered half did (an agent took it; nobody was free and the
customer heard the abandon message; the answering-machine detector said MACHINE).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

Outcome = Literal["answered", "busy", "no_answer", "failed", "machine", "abandoned"]
RETRIED: tuple[Outcome, ...] = ("busy", "no_answer", "failed", "machine", "abandoned")


def dial_outcome(dial_status: str) -> Outcome | None:
    """The outcome of an unanswered customer leg; None when the customer answered."""
    status = dial_status.strip().upper()
    if status == "ANSWER":
        return None
    if status == "BUSY":
        return "busy"
    if status in ("NOANSWER", "CANCEL"):
        return "no_answer"
    return "failed"  # CONGESTION, CHANUNAVAIL, DONTCALL, refused by the outbound rules


def answered_outcome(leg_outcome: str, connected: bool) -> Outcome:
    """The outcome of an answered call from what its answered half reported (``connected``:
    an agent took it, set by the dialplan; ``connected`` here: an AgentConnect was seen)."""
    if leg_outcome == "machine":
        return "machine"
    if connected or leg_outcome in ("connected", "agentless", "survey"):
        return "answered"
    return "abandoned"  # no agent free, or the customer hung up while waiting for one


@dataclass(frozen=True, slots=True)
class NextStep:
    """The contact after an attempt: done, dialled again at ``next_at``, or out of attempts."""

    status: Literal["done", "pending", "exhausted"]
    next_at: datetime | None


def next_step(
    outcome: Outcome, attempts: int, max_attempts: int, delays: dict[str, int], now: datetime
) -> NextStep:
    """Retry per outcome until ``max_attempts``; an answered call is done."""
    if outcome == "answered":
        return NextStep("done", None)
    if attempts >= max_attempts:
        return NextStep("exhausted", None)
    return NextStep("pending", now + timedelta(seconds=max(0, int(delays.get(outcome, 0)))))


def abandon_rate(abandoned: int, answered: int) -> float:
    """Abandoned calls / calls answered by a person (connected or abandoned), in percent."""
    total = answered + abandoned
    return 0.0 if total == 0 else round(100.0 * abandoned / total, 2)
