"""How many customers to dial now. Pure: the dialer's runtime measures, this decides.

Symbols: F free agents (logged in, not paused, not on a call), I calls in flight (dialled,
no agent and no outcome yet), W of them answered and waiting in the queue, N people
answered so far (connected to an agent or abandoned), A of them abandoned, c the abandon
cap (0.03 for 3 %), N0 the warm-up allowance (the campaign starts as if N0 people had been
reached without an abandon).

* **progressive**: dial so that every call in flight has a free agent: ``D = F``.
* **predictive**: the abandons the campaign may still spend are ``B = 0.9*c*(N + N0) - A``
  (it plans with nine tenths of the cap; the rest absorbs bad luck). Each call ringing has
  its own chance of being answered, from its age: a fresh one has the answer rate p
  (counted high while few dials ended), one that has rung longer than most answered calls
  do is mostly one that will ring out (``answer_chance``, from the recent ring times of
  answered and unanswered dials). With E and V the mean and variance of the answers of the
  calls ringing, n new calls are placed when ``E + n*p <= F + S - W`` (on average an agent
  for every answer; S the busy agents who will be free by the time an answer arrives, half
  a ring time away, or while it waits 8 s in the queue; W callers already waiting) and
  ``E + n*p + Z*sqrt(V + n*p*(1-p)) <= F + S_low + B - W`` (the answers counted Z = 3
  standard deviations high against the agents counted low fit in the abandons earned).
  Once B is spent it falls back to the worst-case bound
  ``D <= (c*(N + N0) + F - A) / (1 - c)``: if every call in flight were answered at once,
  abandons would still stay under ``c*(N + N0)`` (the proof: ``A + max(0, I - F) <=
  c*(N + I + N0)`` is kept by every event), so the campaign earns its headroom back before
  it overdials again.

What that guarantees: the worst-case bound alone would hold the cap at every moment, but it
lets a young campaign (N small) dial only a few calls beyond its free agents and keeps real
calls near progressive for thousands of reached people. The planned budget is statistical:
the property test drives simulated days over random answer rates, talk times, team sizes
and caps and checks that ``A <= c*(N + N0)`` at the end of every day (the rate is then at
most ``c*(1 + N0/N)``) and that no moment overshoots by a whole abandon; docs/outbound.md
has the figures. The assumption: an agent counted free takes no other call (inbound calls to
the same queue break it).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

PacedMode = Literal["progressive", "predictive"]
PRIOR_RATE = 0.5  # an unknown list is assumed to answer often: fewer dials, no early abandons
PRIOR_WEIGHT = 10.0
MIN_RATE = 0.05
WARMUP_REACHED = 100  # the allowance: c * 100 = 3 abandons at a 3 % cap
QUEUE_WAIT_S = 8.0  # cc-campaign's Queue() timeout
AIM = 0.9  # the share of the cap the dialler plans to spend, the rest absorbs bad luck
Z = 3.0  # how high the answers of the calls in flight are counted, in standard deviations
Z_RATE = 2.0  # and the answer rate, while few dials have ended
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
    ringing_ages: tuple[float, ...] = ()  # seconds since each call in flight was dialled
    answered_rings: tuple[float, ...] = ()  # measured, sorted: dial to answer (recent calls)
    unanswered_rings: tuple[float, ...] = ()  # measured, sorted: dial to end, nobody answered
    queue_wait_s: float = QUEUE_WAIT_S  # an answered call waits this long for an agent
    waiting: int = 0  # of the calls in flight, answered and waiting in the queue for an agent


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


def answer_chance(
    p: float, age_s: float, answered_rings: Sequence[float], unanswered_rings: Sequence[float]
) -> float:
    """The chance that a call ringing for ``age_s`` is still going to be answered: a fresh
    call's is the answer rate ``p``; once it has rung longer than most answered calls do, it
    is mostly one that will ring out. From the measured ring times (sorted): answered calls
    still ringing at that age (counted high, +1) against unanswered ones."""
    if not unanswered_rings:
        return p
    still_a = (len(answered_rings) - bisect.bisect_right(answered_rings, age_s) + 1) / (
        len(answered_rings) + 1
    )
    still_n = (len(unanswered_rings) - bisect.bisect_right(unanswered_rings, age_s)) / len(
        unanswered_rings
    )
    return p * still_a / (p * still_a + (1 - p) * still_n)


def dials_now(mode: PacedMode, s: PacingInput) -> int:
    """How many new calls to place now (never negative)."""
    free = max(0, s.free_agents)
    if mode == "progressive" or free + max(0, s.busy_agents) <= 0:
        return max(0, free - s.in_flight)
    budget = AIM * s.cap * (s.answered + s.prior_reached) - s.abandoned
    if budget <= 0:
        # The earned abandons are spent: only calls every one of which finds an agent.
        strict = allowed_in_flight(free, s.answered, s.abandoned, s.cap, s.prior_reached)
        return max(0, strict - s.in_flight)
    p = answer_rate(s.answers, s.dials_ended)
    # Counted high while few dials have ended: an unknown list may answer far more often.
    p += Z_RATE * math.sqrt(p * (1 - p) / (s.dials_ended + PRIOR_WEIGHT))
    p = min(1.0, p)
    # What the calls already ringing will bring: each by its own chance, from its age.
    chances = [
        answer_chance(p, age, s.answered_rings, s.unanswered_rings) for age in s.ringing_ages
    ]
    expected = sum(chances)
    variance = sum(c * (1 - c) for c in chances)
    # Agents the answers find: the free ones, and the busy ones whose call ends before an
    # answer arrives (on average half a ring time away) or while it waits in the queue.
    window = s.mean_ring_s / 2 + s.queue_wait_s
    soon = soon_low = 0.0
    if s.busy_agents > 0 and s.mean_handle_s > 0 and s.mean_ring_s > 0:
        q = min(1.0, window / s.mean_handle_s)
        soon = s.busy_agents * q
        soon_low = max(0.0, soon - Z * math.sqrt(s.busy_agents * q * (1 - q)))
    # Callers already answered and waiting in the queue take the first of them.
    waiting = max(0, s.waiting)
    limit = math.ceil((free + max(soon, s.busy_agents)) * MAX_RATIO) - s.in_flight
    # As many new calls as leave an agent, on average, for every answer; and the answers,
    # counted high, against the agents counted low, fit in the earned abandons.
    return min(
        largest_dials(expected, variance, p, 0.0, free + soon - waiting, limit),
        largest_dials(expected, variance, p, Z, free + soon_low + budget - waiting, limit),
    )


def largest_dials(
    expected: float, variance: float, p: float, z: float, room: float, limit: int
) -> int:
    """The most new calls n <= limit (each answered with chance p) such that the answers of
    the calls ringing and the new ones, ``expected + n*p`` plus ``z`` standard deviations,
    stay within ``room``; 0 when even none do."""

    def fits(n: int) -> bool:
        mean = expected + n * p
        return mean + z * math.sqrt(variance + n * p * (1 - p)) <= room

    lo, hi = 0, max(0, limit)
    if not fits(0):
        return 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo
