"""How many customers to dial now. Pure: the dialer's runtime measures, this decides.

Symbols: F free agents (logged in, not paused, not on a call), I calls in flight (dialled,
not answered or ended yet), N people answered so far (connected to an agent or abandoned),
A of them abandoned, p the measured answer rate, c the abandon cap (0.03 for 3 %).

* **progressive**: dial so that every call in flight has a free agent: ``D = F``.
* **predictive**: aim at ``D* = ceil((F + S + B) / p)`` calls in flight (S: agents expected to
  be free within a ring time, from the measured ring and handle times; B the abandons the
  campaign has earned and not spent, ``c*(N + N0) - A``: an answered call beyond the agents
  waits up to 8 s in the queue and is often taken), but never more than the cap allows in
  the worst case. If all D calls in flight were answered, at most F would find
  an agent and ``D - F`` would be abandoned; dialling is allowed only while
  ``A + max(0, D - F) <= c * (N + D)``, i.e.
  ``D <= (c*N + F - A) / (1 - c)``; ``D <= F`` is always allowed (no call can be abandoned).

Why the cap then holds at every moment, whatever the answers turn out to be (the property
test drives a simulated day): let W = A + max(0, I - F) - c(N + I). Dialling keeps W <= 0
whenever I > F. An answered call that finds an agent leaves I - F and N + I unchanged; one
that finds none (F = 0) moves one unit from I to both N and A, also leaving W unchanged; a
call that ends unanswered and an agent becoming free only lower it. An abandon happens only
with F = 0 < I, where W <= 0 gives A + I <= c(N + I), hence after it A <= c * N. So the
abandon rate A / N never exceeds c. The assumption: an agent counted free takes no other
call (inbound calls to the same queue break it; docs/outbound.md).

Warm-up allowance: early in a campaign N is small, so the bound alone makes predictive
start as progressive and earn its headroom (about c * N extra calls) as people are reached.
``prior_reached`` (N0, default ``WARMUP_REACHED``) counts the campaign as if N0 people had
already been reached without an abandon: the bound becomes ``D <= (c*(N + N0) + F - A) / (1 - c)``
and the same proof (with A - c*N0 in place of A) gives ``A <= c * (N + N0)`` at every moment:
at most ``c * N0`` abandons more than the strict cap allows, i.e. the rate is <= c once the
campaign's own reached count outweighs the allowance (A / N <= c * (1 + N0 / N)).
``prior_reached = 0`` is the strict "never above the cap" bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

PacedMode = Literal["progressive", "predictive"]
PRIOR_RATE = 0.5  # an unknown list is assumed to answer often: fewer dials, no early abandons
PRIOR_WEIGHT = 10.0
MIN_RATE = 0.05
WARMUP_REACHED = 100  # the allowance: c * 100 = 3 abandons at a 3 % cap
MAX_RATIO = 20.0  # never more than 20 calls in flight per agent free, soon free or busy


@dataclass(frozen=True, slots=True)
class PacingInput:
    """What the dialer knows at one decision."""

    free_agents: int
    in_flight: int
    answered: int  # people reached so far: connected + abandoned
    abandoned: int
    dials_ended: int  # dials whose outcome is known (for the answer rate)
    answers: int  # of those, answered by a person
    cap: float  # abandon cap as a fraction (0.03)
    busy_agents: int = 0  # on a campaign call now
    mean_ring_s: float = 0.0  # measured: dial to answer
    mean_handle_s: float = 0.0  # measured: answer to the agent free again
    prior_reached: int = WARMUP_REACHED  # warm-up allowance N0 (0: never above the cap)


def soon_free(s: PacingInput) -> float:
    """Agents expected to be free by the time a call dialled now is answered: each busy
    agent's call ends within the next ring time with probability ~ ring / handle time."""
    if s.busy_agents <= 0 or s.mean_handle_s <= 0 or s.mean_ring_s <= 0:
        return 0.0
    window = s.mean_ring_s
    return s.busy_agents * min(1.0, window / s.mean_handle_s)


def answer_rate(answers: int, dials_ended: int) -> float:
    """The measured answer rate, smoothed towards ``PRIOR_RATE`` while few dials ended."""
    rate = (answers + PRIOR_RATE * PRIOR_WEIGHT) / (dials_ended + PRIOR_WEIGHT)
    return min(1.0, max(MIN_RATE, rate))


def allowed_in_flight(
    free: int, answered: int, abandoned: int, cap: float, prior_reached: int = 0
) -> int:
    """The most calls in flight such that, even if all are answered, abandons stay at or
    under ``cap * (answered + prior_reached)``."""
    if cap <= 0:
        return free
    if cap >= 1:
        return 10**9
    bound = math.floor((cap * (answered + prior_reached) + free - abandoned) / (1 - cap) + 1e-9)
    return max(free, bound)


def dials_now(mode: PacedMode, s: PacingInput) -> int:
    """How many new calls to place now (never negative)."""
    free = max(0, s.free_agents)
    soon = soon_free(s)
    if mode == "progressive" or free + soon <= 0:
        return max(0, free - s.in_flight)
    p = answer_rate(s.answers, s.dials_ended)
    # Expected-value targeting: enough calls that the expected answers cover the agents free
    # now or soon, plus the abandons the campaign has earned and not spent (each answered
    # call beyond an agent may still find one within the queue wait).
    spare = max(0.0, s.cap * (s.answered + s.prior_reached) - s.abandoned)
    want = free + soon + spare
    target = min(math.ceil(want / p), math.ceil((free + max(soon, s.busy_agents)) * MAX_RATIO))
    ceiling = allowed_in_flight(free, s.answered, s.abandoned, s.cap, s.prior_reached)
    return max(0, min(target, ceiling) - s.in_flight)
