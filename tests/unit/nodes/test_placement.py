"""Placement: the least-loaded active node by seats over capacity, ties by name."""

from __future__ import annotations

from callcenter.nodes.placement import NodeLoad, least_loaded, rehome


def test_no_node_means_no_home() -> None:
    assert least_loaded([]) is None
    assert rehome({"a": 3}, []) == {}


def test_the_lowest_seats_per_capacity_wins_and_ties_go_to_the_name() -> None:
    assert least_loaded([NodeLoad("b", 10, 0), NodeLoad("a", 10, 0)]) == "a"
    assert least_loaded([NodeLoad("a", 10, 5), NodeLoad("b", 20, 9)]) == "b"
    assert least_loaded([NodeLoad("a", 10, 5), NodeLoad("b", 20, 10)]) == "a"


def test_rehoming_spreads_the_biggest_tenants_first() -> None:
    moves = rehome({"big": 10, "mid": 6, "small": 1}, [NodeLoad("x", 10, 0), NodeLoad("y", 10, 2)])
    # big -> x (0 < 0.2); then x at 1.0, y at 0.2: mid -> y (0.8); small -> y (0.8 < 1.0).
    assert moves == {"big": "x", "mid": "y", "small": "y"}
