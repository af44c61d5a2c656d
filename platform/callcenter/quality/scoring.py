"""Scorecards as pure functions: a review's score from its form and item scores, which calls
sampling picks, and the state a review may move to. No I/O."""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FormItem:
    """One item of a QA form."""

    key: str
    label: str
    weight: float
    critical: bool = False


def score(items: Sequence[FormItem], given: Mapping[str, float]) -> float:
    """0..100: the weighted mean of the item scores (each 0..1); 0 when a critical item
    scored 0. Every item of the form must be scored (callers check)."""
    if any(item.critical and given[item.key] <= 0 for item in items):
        return 0.0
    weights = sum(item.weight for item in items)
    if weights <= 0:
        return 0.0
    return round(100 * sum(item.weight * given[item.key] for item in items) / weights, 2)


@dataclass(frozen=True, slots=True)
class SamplingRules:
    """What picks a recorded call for review."""

    weekly_share: float = 0.0  # of each agent's recorded calls each ISO week
    long_call_s: int | None = None  # every call at least this long
    talk_flags: frozenset[str] = frozenset()  # every call with one of these talk flags
    low_survey_max: int | None = None  # every call the caller scored at most this (1-5)


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What sampling knows of a recorded call."""

    linkedid: str
    agent: str
    queue: str
    at: datetime
    seconds: int
    flags: frozenset[str]
    survey: int | None = None  # the caller's after-call score, if it gave one


def _order(linkedid: str) -> str:
    # A stable, unpredictable order: the same calls are picked on every run.
    return hashlib.sha256(linkedid.encode()).hexdigest()


def pick(calls: Iterable[CallFacts], rules: SamplingRules) -> list[tuple[CallFacts, str]]:
    """The calls to review and why (``low_survey``, ``long_call``, ``talk_flag:<flag>``,
    ``weekly_share``); each call once, by its first reason."""
    chosen: dict[str, tuple[CallFacts, str]] = {}
    by_week: dict[tuple[str, int, int], list[CallFacts]] = defaultdict(list)
    for call in calls:
        if not call.agent:
            continue
        if (
            rules.low_survey_max is not None
            and call.survey is not None
            and call.survey <= rules.low_survey_max
        ):
            chosen.setdefault(call.linkedid, (call, "low_survey"))
        if rules.long_call_s is not None and call.seconds >= rules.long_call_s:
            chosen.setdefault(call.linkedid, (call, "long_call"))
        for flag in sorted(call.flags & rules.talk_flags):
            chosen.setdefault(call.linkedid, (call, f"talk_flag:{flag}"))
        year, week, _ = call.at.isocalendar()
        by_week[(call.agent, year, week)].append(call)
    if rules.weekly_share > 0:
        for week_calls in by_week.values():
            want = math.ceil(rules.weekly_share * len(week_calls))
            for call in sorted(week_calls, key=lambda c: _order(c.linkedid))[:want]:
                chosen.setdefault(call.linkedid, (call, "weekly_share"))
    return sorted(chosen.values(), key=lambda x: (x[0].at, x[0].linkedid))


# Who may move a review where: (status now, action) -> status after.
TRANSITIONS = {
    ("pending", "score"): "scored",
    ("scored", "score"): "scored",  # the reviewer corrects the score before any appeal
    ("scored", "appeal"): "appealed",
    ("appealed", "decide"): "final",
}


def next_status(status: str, action: str) -> str | None:
    """The status after ``action``, or None when the review is not in a state for it."""
    return TRANSITIONS.get((status, action))
