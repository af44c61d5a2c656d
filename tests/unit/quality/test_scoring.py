"""Scorecards' pure core: weighted scores, critical items, sampling picks, review states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.quality.scoring import (
    CallFacts,
    FormItem,
    SamplingRules,
    next_status,
    pick,
    score,
)

FORM = [
    FormItem("greeting", "Greets the caller", 1),
    FormItem("solution", "Solves the problem", 3),
    FormItem("privacy", "Checks identity", 1, critical=True),
]


def test_a_weighted_score_and_a_critical_item_that_zeroes_it() -> None:
    assert score(FORM, {"greeting": 1, "solution": 0.5, "privacy": 1}) == 70.0
    assert score(FORM, {"greeting": 1, "solution": 1, "privacy": 1}) == 100.0
    assert score(FORM, {"greeting": 1, "solution": 1, "privacy": 0}) == 0.0


MONDAY = datetime(2026, 11, 30, 9, tzinfo=UTC)


def call(
    n: int, agent: str = "1001", seconds: int = 60, flags: str = "", day: int = 0
) -> CallFacts:
    return CallFacts(
        f"L{n}",
        agent,
        "support",
        MONDAY + timedelta(days=day, minutes=n),
        seconds,
        frozenset(f for f in flags.split(",") if f),
    )


def test_sampling_picks_a_share_per_agent_per_week_and_every_long_or_flagged_call() -> None:
    calls = [call(n) for n in range(10)] + [call(20 + n, agent="1002") for n in range(3)]
    calls += [call(30, seconds=900), call(31, flags="long_silence"), call(32, day=7)]
    rules = SamplingRules(0.2, 600, frozenset({"long_silence"}))
    picked = pick(calls, rules)
    reasons = {c.linkedid: r for c, r in picked}
    assert reasons["L30"] == "long_call" and reasons["L31"] == "talk_flag:long_silence"
    # 20 % of each agent's calls each week, rounded up: 1002 had 3 calls (1), 1001 had 12
    # in the first week (3, any already picked for another reason counting once) and 1 in
    # the next (1).
    shares = [c for c, r in picked if r == "weekly_share"]
    assert sum(1 for c in shares if c.agent == "1002") == 1
    assert reasons["L32"] == "weekly_share"
    first_week = [c for c, _ in picked if c.agent == "1001" and c.at < MONDAY + timedelta(7)]
    assert 3 <= len(first_week) <= 5
    # The same calls on every run, each once.
    assert pick(calls, rules) == picked
    assert len(reasons) == len(picked)


def test_nothing_is_picked_without_rules_or_an_agent() -> None:
    assert pick([call(1), call(2, agent="")], SamplingRules()) == []
    assert pick([call(2, agent="", seconds=9999)], SamplingRules(long_call_s=1)) == []


def test_a_review_is_appealed_once_and_decided_once() -> None:
    assert next_status("pending", "score") == "scored"
    assert next_status("pending", "appeal") is None
    assert next_status("scored", "appeal") == "appealed"
    assert next_status("appealed", "appeal") is None
    assert next_status("appealed", "decide") == "final"
    assert next_status("final", "appeal") is None and next_status("final", "score") is None


def test_a_low_survey_score_picks_a_call_first() -> None:
    def scored(n: int, survey: int | None) -> CallFacts:
        c = call(n, seconds=900)
        return CallFacts(c.linkedid, c.agent, c.queue, c.at, c.seconds, c.flags, survey)

    calls = [scored(1, 1), scored(2, 3), scored(3, None)]
    rules = SamplingRules(low_survey_max=2, long_call_s=600)
    reasons = {c.linkedid: r for c, r in pick(calls, rules)}
    assert reasons == {"L1": "low_survey", "L2": "long_call", "L3": "long_call"}
    assert pick(calls, SamplingRules(low_survey_max=2)) == [(calls[0], "low_survey")]
