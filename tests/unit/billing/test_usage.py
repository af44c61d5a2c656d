"""The aggregate path of the rating core (used by billing runs) against the per-call path."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.billing.rating import (
    CallUsage,
    CampaignCommission,
    Commission,
    Package,
    PerCall,
    Period,
    PerMinute,
    PerSeat,
    Plan,
    SeatInterval,
    Usage,
    adjustment,
    cost_metrics,
    cost_metrics_of,
    rate_period,
    rate_usage,
    seat_days,
    utilisation,
)

D = Decimal
JUNE = Period(2025, 6)
PLAN = Plan(
    per_seat=PerSeat(D("99"), 2),
    package=Package(D("300"), included_minutes=10, price_per_extra_minute=D("0.15")),
    per_call=PerCall(D("5"), D("0.10"), D("0.20"), D("0.50")),
    per_minute=PerMinute(D("0.20"), "per_6s", D("0.35")),
    commission=Commission(D("3"), frozenset({"sale"})),
    campaign_commission=CampaignCommission(D("1000"), D("5"), D("20"), frozenset({"sale"})),
    platform_fee=D("50"),
    tax_rate=D("0.06"),
)

calls = st.lists(
    st.builds(
        CallUsage,
        st.just("c"),
        st.sampled_from(["inbound", "outbound", "forwarded"]),
        st.booleans(),
        st.integers(0, 4000),
        st.sampled_from([None, "sale", "no-sale"]),
        st.datetimes(datetime(2025, 5, 25), datetime(2025, 7, 5)),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(calls)
def test_rating_aggregates_gives_the_same_invoice_as_rating_calls(cs: list[CallUsage]) -> None:
    seats = [SeatInterval("1001", date(2025, 6, 10))]
    assert rate_usage(PLAN, JUNE, seat_days(seats, JUNE), Usage.from_calls(cs, JUNE)) == (
        rate_period(PLAN, JUNE, seats, cs)
    )


@settings(max_examples=100, deadline=None)
@given(calls, calls)
def test_an_adjustment_is_what_the_late_calls_would_have_added(
    on_time: list[CallUsage], late: list[CallUsage]
) -> None:
    billed, extra = Usage.from_calls(on_time, JUNE), Usage.from_calls(late, JUNE)
    line = adjustment(PLAN, JUNE, 30, billed, extra)
    before = rate_period(PLAN, JUNE, [SeatInterval("1", JUNE.first)], on_time).subtotal
    after = rate_period(PLAN, JUNE, [SeatInterval("1", JUNE.first)], on_time + late).subtotal
    assert (line.amount if line else D(0)) == after - before


def test_a_late_call_beyond_the_package_allowance_is_charged_as_overage() -> None:
    plan = Plan(package=Package(D("100"), included_calls=1, price_per_extra_call=D("2")))
    at = datetime(2025, 6, 3)
    billed = Usage.from_calls([CallUsage("a", "inbound", True, 10, None, at)])
    late = Usage.from_calls([CallUsage("b", "inbound", True, 10, None, at)])
    line = adjustment(plan, JUNE, 0, billed, late)
    assert line is not None and line.code == "adjustment-2025-06" and line.amount == D("2.00")
    assert adjustment(plan, JUNE, 0, Usage(), late) is None  # inside the allowance


def test_cost_metrics_from_aggregates_and_utilisation() -> None:
    at = datetime(2025, 6, 3)
    cs = [
        CallUsage("a", "inbound", True, 40, None, at),
        CallUsage("b", "inbound", True, 46, None, at),
    ]
    assert cost_metrics(D("10"), cs) == cost_metrics_of(D("10"), 2, 86)
    assert utilisation(1800, 3600) == D("0.5000")
    assert utilisation(10, 0) is None
