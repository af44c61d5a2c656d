"""The wallboard's campaign figures: what each campaign shows, and who sees which."""

from __future__ import annotations

from callcenter.campaigns.live import figures, visible


def test_a_campaigns_figures_reached_is_people_and_the_rate_is_of_them() -> None:
    row = {
        "id": 7,
        "name": "续费",
        "queue": "sales",
        "status": "running",
        "abandon_cap": 3,
        "dialled": 10,
        "in_flight": 2,
        "answered": 5,
        "abandoned": 1,
        "success": 3,
        "agents_busy": 2,
    }
    assert figures(row) == {
        "id": 7,
        "name": "续费",
        "queue": "sales",
        "status": "running",
        "dialled": 10,
        "in_flight": 2,
        "reached": 6,
        "success": 3,
        "abandon_rate_percent": 16.67,
        "abandon_cap_percent": 3.0,
        "agents_busy": 2,
    }


def test_a_supervisor_of_some_queues_sees_their_campaigns_only() -> None:
    campaigns = [{"queue": "sales"}, {"queue": "care"}]
    assert visible(campaigns, None) == campaigns
    assert visible(campaigns, frozenset({"care"})) == [{"queue": "care"}]
