"""Predictive pacing: over a simulated working day the abandon rate never exceeds the cap,
whatever the list's answer rate, the talk time and luck; and it keeps agents busier than
progressive dialling does."""

from __future__ import annotations

import heapq
import random
from collections import deque
from dataclasses import dataclass, replace

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.campaigns.pacing import (
    WARMUP_REACHED,
    PacingInput,
    allowed_in_flight,
    answer_chance,
    answer_rate,
    dials_now,
)

DAY_S = 8 * 3600
QUEUE_WAIT_S = 8.0
RING_SAMPLES = 200  # cc-campaign's Queue() timeout: an answered call waits this long


@dataclass
class Day:
    """What a simulated day produced."""

    dials: int = 0
    reached: int = 0
    abandoned: int = 0
    talk_s: float = 0.0
    worst_excess: float = 0.0  # max over time of abandoned - cap * reached (must stay <= 0)


def simulate(
    mode: str,
    agents: int,
    p: float,
    talk_s: float,
    cap: float,
    seed: int,
    day_s: int = DAY_S,
    prior: int = WARMUP_REACHED,
    wait_s: float = QUEUE_WAIT_S,
) -> Day:
    """A day of one campaign: a decision every second; each dial is answered with
    probability ``p`` after 3-20 s of ringing (else it ends after 5-30 s); an answered call
    takes a free agent for an exponential talk time, or waits in the queue up to ``wait_s``
    (the dialplan's 8 s; still "in flight" for the pacing, as in the dialer, whose in-flight
    count is attempts with neither outcome nor agent) and is abandoned if none frees up.
    ``worst_excess`` is measured against ``cap * (reached + prior)``, the guarantee."""
    rng = random.Random(seed)
    day = Day()
    free = agents
    in_flight = 0
    ring_total = handle_total = 0.0
    rings = handles = 0
    started_sum = 0.0  # sum of the start times of the calls agents are on
    ended = answers = 0
    events: list[tuple[float, int, str, float]] = []  # (time, seq, kind, dialled at)
    seq = 0
    waiting: deque[tuple[float, float]] = deque()  # answered, queued: (give-up time, dialled)
    ringing: dict[int, float] = {}  # dialled, no answer or end yet: seq -> dialled at
    answered_rings: deque[float] = deque(maxlen=RING_SAMPLES)  # as the dialer's query
    unanswered_rings: deque[float] = deque(maxlen=RING_SAMPLES)

    def connect(now: int) -> None:
        nonlocal free, in_flight, seq, started_sum
        started_sum += now
        free -= 1
        in_flight -= 1
        day.reached += 1
        talk = rng.expovariate(1 / talk_s)
        day.talk_s += min(talk, day_s - now)
        seq += 1
        heapq.heappush(events, (now + talk, seq, "agent-free", now))

    for now in range(day_s):
        while events and events[0][0] <= now:
            at, key, kind, since = heapq.heappop(events)
            ringing.pop(key, None)
            if kind == "agent-free":
                handle_total += at - since
                handles += 1
                started_sum -= since
                free += 1
                while waiting and waiting[0][0] < at:  # gave up before this agent was free
                    waiting.popleft()
                    in_flight -= 1
                    day.reached += 1
                    day.abandoned += 1
                if waiting:
                    waiting.popleft()
                    connect(now)
                continue
            ended += 1
            if kind == "no-answer":
                in_flight -= 1
                unanswered_rings.append(at - since)
                continue
            answers += 1
            ring_total += at - since
            answered_rings.append(at - since)
            rings += 1
            if free > 0:
                connect(now)
            elif wait_s > 0:
                waiting.append((at + wait_s, since))  # in flight for the pacing, as in the dialer
            else:
                in_flight -= 1
                day.reached += 1
                day.abandoned += 1
        while waiting and waiting[0][0] <= now:
            waiting.popleft()
            in_flight -= 1
            day.reached += 1
            day.abandoned += 1
        day.worst_excess = max(day.worst_excess, day.abandoned - cap * (day.reached + prior))
        n = dials_now(
            "predictive" if mode == "predictive" else "progressive",
            PacingInput(
                free_agents=free,
                in_flight=in_flight,
                answered=day.reached,
                abandoned=day.abandoned,
                dials_ended=ended,
                answers=answers,
                cap=cap,
                busy_agents=agents - free,
                mean_ring_s=ring_total / rings if rings else 0.0,
                # Censored, as the dialer's query: the calls agents are on count so far.
                mean_handle_s=(
                    (handle_total + (agents - free) * now - started_sum) / handles
                    if handles
                    else 0.0
                ),
                prior_reached=prior,
                waiting=sum(1 for g, _ in waiting if g > now),
                # The dialer sees a queued caller as in flight too (no agent, no outcome).
                ringing_ages=tuple(now - t for t in ringing.values())
                + tuple(now - t for g, t in waiting if g > now),
                answered_rings=tuple(sorted(answered_rings)),
                unanswered_rings=tuple(sorted(unanswered_rings)),
            ),
        )
        for _ in range(n):
            day.dials += 1
            in_flight += 1
            seq += 1
            ringing[seq] = now
            if rng.random() < p:
                heapq.heappush(events, (now + rng.uniform(3, 20), seq, "answer", now))
            else:
                heapq.heappush(events, (now + rng.uniform(5, 30), seq, "no-answer", now))
    return day


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    agents=st.integers(1, 30),
    p=st.floats(0.05, 0.95),
    talk_s=st.floats(5, 300),
    cap=st.sampled_from([0.0, 0.01, 0.03, 0.05, 0.2]),
    seed=st.integers(0, 2**32),
    prior=st.sampled_from([0, 30, WARMUP_REACHED, 1000]),
)
def test_over_a_simulated_day_abandons_never_exceed_the_cap_plus_the_allowance(
    agents: int, p: float, talk_s: float, cap: float, seed: int, prior: int
) -> None:
    # At the end of the day abandoned <= cap * (reached + prior): with prior = 0 the rate is
    # under the cap, otherwise under cap * (1 + prior / reached). The planned budget is
    # statistical (pacing.py), so a moment may overshoot by a fraction of one abandon
    # (none in 100 random days while tuning; Z = 2 overshot by 4.7), never by a whole one.
    day = simulate("predictive", agents, p, talk_s, cap, seed, prior=prior)
    assert day.abandoned <= cap * (day.reached + prior) + 1e-9, day
    assert day.worst_excess < 1, day
    if prior == 0:
        assert day.reached == 0 or day.abandoned / day.reached <= cap + 1e-12
    if cap == 0:
        assert day.abandoned == 0


def test_progressive_never_abandons_and_predictive_keeps_agents_busier() -> None:
    # 20 agents, 30 % answer rate, 20 s talk: the bench figures of the issue, a working day each.
    progressive = simulate("progressive", 20, 0.3, 20.0, 0.03, seed=7)
    predictive = simulate("predictive", 20, 0.3, 20.0, 0.03, seed=7)
    assert progressive.abandoned == 0
    occupancy_prog = progressive.talk_s / (20 * DAY_S)
    occupancy_pred = predictive.talk_s / (20 * DAY_S)
    assert occupancy_pred > occupancy_prog * 2, (occupancy_prog, occupancy_pred)
    assert occupancy_pred >= 0.80, occupancy_pred  # the target (90.1 % with seed 7)
    assert predictive.abandoned <= 0.03 * predictive.reached


def test_the_worst_case_bound_and_the_answer_rate() -> None:
    # No one reached yet: no call beyond the free agents.
    assert allowed_in_flight(5, 0, 0, 0.03) == 5
    # 1000 reached, 10 abandoned, 3 %: (30 + 5 - 10) / 0.97 = 25.7 -> 25 in flight.
    assert allowed_in_flight(5, 1000, 10, 0.03) == 25
    # Over the cap already: only calls every one of which has an agent.
    assert allowed_in_flight(5, 100, 10, 0.03) == 5
    assert allowed_in_flight(3, 10**6, 0, 0.0) == 3
    assert answer_rate(0, 0) == 0.5
    assert abs(answer_rate(300, 1000) - (305 / 1010)) < 1e-12
    # Predictive never places a call when no agent is free and nothing is earned.
    start = PacingInput(0, 0, 0, 0, 0, 0, 0.03)
    assert dials_now("predictive", start) == 0
    # Ten agents busy, ring 10 s, handle 40 s: an answer comes in 5 s on average and may
    # wait 8 s, so 10 * 13 / 40 = 3.25 agents are expected free for it. The answer rate,
    # 1005 / 3343 = 0.3006 counted high: + 2 * sqrt(0.3006 * 0.6994 / 3343) = 0.3165. On
    # average 10 ringing calls bring 3.17 answers (11 would bring 3.48 > 3.25); the earned
    # 0.9 * 0.03 * 1100 = 29.7 abandons would allow 59 (their risk is not what binds).
    busy = PacingInput(0, 0, 1000, 0, 3333, 1000, 0.03, 10, 10.0, 40.0)
    assert dials_now("predictive", busy) == 10
    # Two callers already wait in the queue for those agents: fewer ringing calls.
    assert dials_now("predictive", replace(busy, waiting=2)) == 3
    # 30 calls have rung 25 s, longer than any answered call did (1-10 s), while unanswered
    # ones ring 30 s: each is still answered with chance 0.3165 * (1/11) / (0.3165 * (1/11)
    # + 0.6835) = 4.04 %, 1.21 answers together, so 6 more calls (7 would bring 3.42).
    old = replace(
        busy,
        in_flight=30,
        ringing_ages=(25.0,) * 30,
        answered_rings=tuple(float(r) for r in range(1, 11)),
        unanswered_rings=(30.0,) * 30,
    )
    assert (
        abs(answer_chance(0.3165, 25.0, old.answered_rings, old.unanswered_rings) - 0.0404) < 1e-3
    )
    assert dials_now("predictive", old) == 6
    # The same calls just dialled: each still has the full chance, 9.5 answers; none more.
    assert dials_now("predictive", replace(old, ringing_ages=(0.5,) * 30)) == 0
    # The campaign has spent its abandons: only the worst-case bound, (33 + 0 - 40) < 0 -> 0.
    assert dials_now("predictive", replace(busy, abandoned=40)) == 0
    assert dials_now("progressive", PacingInput(4, 1, 0, 0, 0, 0, 0.03)) == 3
