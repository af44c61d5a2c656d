"""Unit tests for the pure billing rating core: hand-computed invoices and properties."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from callcenter.billing.rating import (
    CAMPAIGN_SUCCESS,
    CallUsage,
    CampaignCommission,
    CampaignUsage,
    Commission,
    Direction,
    DirectionUsage,
    Invoice,
    Package,
    PerCall,
    Period,
    PerMinute,
    PerSeat,
    Plan,
    Rounding,
    SeatInterval,
    Usage,
    billed_seconds,
    cost_metrics,
    parse_money,
    rate_period,
    rate_usage,
    seat_days,
)
from callcenter.errors import InvalidInput

D = Decimal
JUNE = Period(2025, 6)  # 30 days
JAN = Period(2025, 1)  # 31 days


def call(
    direction: Direction = "inbound",
    billsec: int = 60,
    *,
    answered: bool = True,
    disposition: str | None = None,
    at: datetime = datetime(2025, 6, 10, 12, 0),
) -> CallUsage:
    return CallUsage("call-1", direction, answered, billsec, disposition, at)


def lines(invoice: Invoice) -> dict[str, Decimal]:
    return {line.code: line.amount for line in invoice.lines}


# --- period and seats ---------------------------------------------------------------------


def test_period_helpers() -> None:
    leap = Period(2024, 2)
    assert (leap.days, leap.first, leap.last) == (29, date(2024, 2, 1), date(2024, 2, 29))
    assert JUNE.contains(datetime(2025, 6, 30, 23, 59)) and not JUNE.contains(date(2025, 7, 1))
    with pytest.raises(InvalidInput) as err:
        Period(2025, 13)
    assert err.value.details["field"] == "period.month"


def test_seat_prorated_added_and_removed_mid_month() -> None:
    seats = [
        SeatInterval("a", date(2025, 5, 1)),  # whole June: 30 days
        SeatInterval("b", date(2025, 6, 16)),  # added 16 Jun: 16..30 = 15 days
        SeatInterval("c", date(2025, 1, 1), date(2025, 6, 11)),  # removed 11 Jun: 1..10 = 10 days
        SeatInterval("d", date(2025, 7, 1)),  # starts after June: 0 days
    ]
    assert seat_days(seats, JUNE) == 55
    # 55 seat-days / 30 days = 1.8333 seat-months; 55 * 300 / 30 = 550.00
    inv = rate_period(Plan(per_seat=PerSeat(D("300"))), JUNE, seats, [])
    (line,) = inv.lines
    assert (line.code, line.quantity, line.amount) == ("seats", D("1.8333"), D("550.00"))


def test_seat_proration_rounds_once_half_up() -> None:
    # 17 days (15..31 Jan) of a 99.00 seat: 17 * 99 / 31 = 1683 / 31 = 54.2903... -> 54.29
    seats = [SeatInterval("a", date(2025, 1, 15))]
    assert lines(rate_period(Plan(per_seat=PerSeat(D("99.00"))), JAN, seats, [])) == {
        "seats": D("54.29")
    }


def test_overlapping_intervals_of_one_seat_count_once() -> None:
    seats = [
        SeatInterval("a", date(2025, 6, 1), date(2025, 6, 21)),  # 20 days
        SeatInterval("a", date(2025, 6, 11)),  # 11..30, overlaps 11..20: adds 21..30 = 10 days
    ]
    assert seat_days(seats, JUNE) == 30


def test_minimum_seats() -> None:
    # 1 full seat + 1 seat for 15 days = 1.5 seat-months < minimum 5 -> 5 * 100 = 500.00
    seats = [SeatInterval("a", date(2025, 6, 1)), SeatInterval("b", date(2025, 6, 16))]
    inv = rate_period(Plan(per_seat=PerSeat(D("100"), minimum_seats=5)), JUNE, seats, [])
    (line,) = inv.lines
    assert (line.quantity, line.amount) == (D(5), D("500.00"))
    # 6 full seats = 6 seat-months >= 5 -> 6 * 100 = 600.00
    six = [SeatInterval(str(i), date(2025, 1, 1)) for i in range(6)]
    assert rate_period(Plan(per_seat=PerSeat(D("100"), 5)), JUNE, six, []).subtotal == D("600.00")


# --- package ------------------------------------------------------------------------------


def test_package_call_overage() -> None:
    plan = Plan(package=Package(D("199"), included_calls=2, price_per_extra_call=D("0.35")))
    calls = [call() for _ in range(5)] + [call(answered=False)]
    # 5 answered - 2 included = 3 extra * 0.35 = 1.05; the unanswered call does not count
    inv = rate_period(plan, JUNE, [], calls)
    assert lines(inv) == {"package-base": D("199.00"), "package-extra-calls": D("1.05")}
    assert inv.total == D("200.05")


def test_package_minute_overage_counts_started_minutes() -> None:
    plan = Plan(package=Package(D("50"), included_minutes=2, price_per_extra_minute=D("0.12")))
    # started minutes: 61 s -> 2, 59 s -> 1, 0 s -> 0; 3 - 2 included = 1 extra * 0.12
    calls = [call(billsec=61), call(billsec=59), call(billsec=0)]
    assert lines(rate_period(plan, JUNE, [], calls)) == {
        "package-base": D("50.00"),
        "package-extra-minutes": D("0.12"),
    }
    # within the allowance: no overage line at all
    assert lines(rate_period(plan, JUNE, [], calls[:1])) == {"package-base": D("50.00")}


def test_package_needs_exactly_one_allowance() -> None:
    with pytest.raises(InvalidInput):
        Package(D(1))
    with pytest.raises(InvalidInput):
        Package(D(1), included_calls=1, included_minutes=1)


# --- per call -----------------------------------------------------------------------------


def test_per_call_charges_answered_calls_with_outbound_minimum() -> None:
    plan = Plan(
        per_call=PerCall(
            base_fee=D("50"),
            price_per_inbound_call=D("0.10"),
            price_per_outbound_call=D("0.20"),
            minimum_outbound_charge=D("0.25"),
        )
    )
    calls = [
        *[call("inbound") for _ in range(3)],  # 3 * 0.10 = 0.30
        *[call("outbound") for _ in range(2)],  # 2 * max(0.20, 0.25) = 0.50
        call("forwarded"),  # forwarded legs are outbound: 1 * 0.25 = 0.25
        call("outbound", answered=False),  # unanswered: free
    ]
    inv = rate_period(plan, JUNE, [], calls)
    assert [(line.code, line.amount) for line in inv.lines] == [
        ("per-call-base", D("50.00")),
        ("calls-inbound", D("0.30")),
        ("calls-outbound", D("0.50")),
        ("calls-forwarded", D("0.25")),
    ]
    assert inv.subtotal == D("51.05")


# --- per minute ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("billsec", "per_minute", "per_6s", "per_second"),
    [
        (0, 0, 0, 0),
        (1, 60, 6, 1),
        (6, 60, 6, 6),
        (59, 60, 60, 59),
        (60, 60, 60, 60),
        (61, 120, 66, 61),
    ],
)
def test_rounding_boundaries(billsec: int, per_minute: int, per_6s: int, per_second: int) -> None:
    assert billed_seconds(billsec, "per_minute") == per_minute
    assert billed_seconds(billsec, "per_6s") == per_6s
    assert billed_seconds(billsec, "per_second") == per_second


@pytest.mark.parametrize(
    ("rounding", "amount"),
    [
        ("per_minute", D("1.20")),  # 61 s -> 120 s: 2 min * 0.60 = 1.20
        ("per_6s", D("0.66")),  # 61 s -> 66 s: 66 * 0.60 / 60 = 0.66
        ("per_second", D("0.61")),  # 61 s: 61 * 0.60 / 60 = 0.61
    ],
)
def test_per_minute_rounding_rules(rounding: Rounding, amount: Decimal) -> None:
    plan = Plan(per_minute=PerMinute(D("0.60"), rounding))
    assert lines(rate_period(plan, JUNE, [], [call(billsec=61)])) == {"minutes-inbound": amount}


def test_per_minute_directions_and_half_up() -> None:
    plan = Plan(per_minute=PerMinute(D("0.12"), "per_6s", outbound_price_per_minute=D("0.15")))
    calls = [
        call("inbound", 61),  # 66 s * 0.12 / 60 = 0.132 -> 0.13
        call("outbound", 30),  # 30 s
        call("outbound", 7),  # 12 s; outbound 42 s * 0.15 / 60 = 0.105 -> 0.11 (half up)
        call("forwarded", 60),  # 60 s * 0.15 / 60 = 0.15 (outbound price)
        call("inbound", 300, answered=False),  # unanswered: free
    ]
    inv = rate_period(plan, JUNE, [], calls)
    assert [(line.code, line.quantity, line.amount) for line in inv.lines] == [
        ("minutes-inbound", D("1.1"), D("0.13")),
        ("minutes-outbound", D("0.7"), D("0.11")),
        ("minutes-forwarded", D("1"), D("0.15")),
    ]


def test_calls_from_the_tenants_own_pbx_are_outsourced_overflow_on_a_line_of_their_own() -> None:
    # Hybrid hosting (issue 20): priced like inbound calls, shown apart on the invoice.
    plan = Plan(per_minute=PerMinute(D("0.12"), "per_minute", outbound_price_per_minute=D("1")))
    inv = rate_period(plan, JUNE, [], [call("inbound", 60), call("overflow", 61)])
    assert [(line.code, line.quantity, line.amount) for line in inv.lines] == [
        ("minutes-inbound", D("1"), D("0.12")),
        ("minutes-overflow", D("2"), D("0.24")),
    ]
    overflow = next(line for line in inv.lines if line.code == "minutes-overflow")
    assert "overflow" in overflow.description.lower()
    per_call = Plan(per_call=PerCall(price_per_inbound_call=D("0.50")))
    assert lines(rate_period(per_call, JUNE, [], [call("overflow", 5)])) == {
        "calls-overflow": D("0.50")
    }


def test_calls_outside_period_are_ignored() -> None:
    plan = Plan(per_minute=PerMinute(D("1")))
    calls = [
        call(billsec=60, at=datetime(2025, 5, 31, 23, 59, 59)),
        call(billsec=60, at=datetime(2025, 6, 1, 0, 0)),  # the only one in June: 1.00
        call(billsec=60, at=datetime(2025, 7, 1, 0, 0)),
    ]
    assert rate_period(plan, JUNE, [], calls).subtotal == D("1.00")


# --- commissions --------------------------------------------------------------------------


def test_commission_per_success() -> None:
    plan = Plan(commission=Commission(D("20"), frozenset({"sale", "appointment"})))
    calls = [
        call(disposition="sale"),
        call(disposition="sale"),
        call(disposition="appointment"),
        call(disposition="sale", answered=False),  # not answered: no commission
        call(disposition="no-interest"),
        call(disposition=None),
    ]
    # 3 successes * 20 = 60.00
    assert lines(rate_period(plan, JUNE, [], calls)) == {"commission": D("60.00")}


def test_campaign_commission_threshold() -> None:
    plan = Plan(
        campaign_commission=CampaignCommission(D("10000"), D("5"), D("20"), frozenset({"sale"}))
    )
    two_of_ten = [call(disposition="sale") for _ in range(2)] + [call() for _ in range(8)]
    # success rate 2/10 = 20% >= 20%: 5% of 10000 = 500.00
    assert lines(rate_period(plan, JUNE, [], two_of_ten)) == {"campaign-commission": D("500.00")}
    # 1/10 = 10% < 20%: nothing; no answered calls: nothing
    assert rate_period(plan, JUNE, [], [*two_of_ten[1:], call()]).lines == ()
    assert rate_period(plan, JUNE, [], []).total == D("0")


# --- tax, fees, ordering ------------------------------------------------------------------


def test_tax_rounded_once_on_subtotal_half_up() -> None:
    plan = Plan(per_call=PerCall(price_per_inbound_call=D("0.25")), tax_rate=D("0.06"))
    # subtotal 3 * 0.25 = 0.75; tax 0.75 * 0.06 = 0.045 -> 0.05 (half up; half-even gives 0.04,
    # and rounding 0.015 per call would give 0.06)
    inv = rate_period(plan, JUNE, [], [call(), call(), call()])
    assert (inv.subtotal, inv.tax, inv.total) == (D("0.75"), D("0.05"), D("0.80"))


def test_combined_plan_line_order_and_totals() -> None:
    plan = Plan(
        per_seat=PerSeat(D("200")),
        per_call=PerCall(price_per_outbound_call=D("0.50")),
        per_minute=PerMinute(D("0.10")),
        commission=Commission(D("10"), frozenset({"sale"})),
        platform_fee=D("99"),
        tax_rate=D("0.06"),
    )
    seats = [SeatInterval("a", date(2025, 6, 1))]
    calls = [call("outbound", 90, disposition="sale"), call("inbound", 30)]
    inv = rate_period(plan, JUNE, seats, calls)
    # 99 + 200 + 0.50 + inbound 1 min 0.10 + outbound 2 min 0.20 + 10 = 309.80
    assert [line.code for line in inv.lines] == [
        "platform-fee",
        "seats",
        "calls-outbound",
        "minutes-inbound",
        "minutes-outbound",
        "commission",
    ]
    # tax 309.80 * 0.06 = 18.588 -> 18.59
    assert (inv.subtotal, inv.tax, inv.total) == (D("309.80"), D("18.59"), D("328.39"))
    assert inv.currency == "CNY"


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PerSeat(D("-1")), "per_seat.monthly_price"),
        (lambda: PerSeat(D("1"), minimum_seats=-1), "per_seat.minimum_seats"),
        (lambda: PerMinute(D("1"), "per_hour"), "per_minute.rounding"),  # type: ignore[arg-type]
        (lambda: PerCall(price_per_inbound_call=0.1), "per_call.price_per_inbound_call"),  # type: ignore[arg-type]
        (lambda: Plan(platform_fee="abc"), "plan.platform_fee"),  # type: ignore[arg-type]
        (lambda: Plan(tax_rate=D("1.5")), "plan.tax_rate"),
        (lambda: Commission(D(1), "sale"), "commission.success_dispositions"),  # type: ignore[arg-type]
        (lambda: call(billsec=-1), "calls.billsec"),
    ],
)
def test_bad_values_raise_invalid_input(build: object, field: str) -> None:
    assert callable(build)
    with pytest.raises(InvalidInput) as err:
        build()
    assert err.value.details["field"] == field


def test_prices_parse_from_strings() -> None:
    assert PerSeat(" 99.90 ").monthly_price == D("99.90")  # type: ignore[arg-type]
    assert parse_money(5) == D(5)


# --- cost metrics -------------------------------------------------------------------------


def test_cost_metrics() -> None:
    calls = [call(billsec=s) for s in (30, 60, 90, 0)] + [call(billsec=99, answered=False)]
    m = cost_metrics(D("100"), calls)
    # 4 answered, 180 s talk: 100 / 4 = 25.00; 100 / 3 min = 33.33; 180 / 43 = 4.186 -> 4.19
    assert (m.answered_calls, m.talk_seconds) == (4, 180)
    assert (m.cost_per_answered_call, m.cost_per_talk_minute, m.standard_calls) == (
        D("25.00"),
        D("33.33"),
        D("4.19"),
    )
    # standard call of 60 s: 180 / 60 = 3 standard calls
    assert cost_metrics(D("100"), calls, standard_talk_seconds=60).standard_calls == D("3.00")


def test_cost_metrics_none_on_zero_denominators() -> None:
    none = cost_metrics(D("10"), [call(answered=False)])
    assert (none.cost_per_answered_call, none.cost_per_talk_minute, none.standard_calls) == (
        None,
        None,
        None,
    )
    silent = cost_metrics(D("10"), [call(billsec=0)])
    assert (silent.cost_per_answered_call, silent.cost_per_talk_minute) == (D("10.00"), None)
    assert silent.standard_calls == D("0.00")
    with pytest.raises(InvalidInput):
        cost_metrics(D("10"), [], standard_talk_seconds=0)


# --- properties ---------------------------------------------------------------------------

prices = st.decimals(min_value=0, max_value=10_000, places=2)
calls_st = st.lists(
    st.builds(
        CallUsage,
        call_id=st.just("c"),
        direction=st.sampled_from(["inbound", "outbound", "forwarded"]),
        answered=st.booleans(),
        billsec=st.integers(min_value=0, max_value=7200),
        disposition=st.sampled_from([None, "sale", "no-interest"]),
        started_at=st.datetimes(datetime(2025, 5, 25), datetime(2025, 7, 5)),
    ),
    max_size=40,
)
seats_st = st.lists(
    st.builds(
        lambda seat, start, length: SeatInterval(seat, start, start + timedelta(days=length)),
        st.sampled_from("abc"),
        st.dates(date(2025, 5, 1), date(2025, 7, 31)),
        st.integers(min_value=0, max_value=60),
    ),
    max_size=6,
)
plans = st.builds(
    Plan,
    per_seat=st.none() | st.builds(PerSeat, prices, st.integers(0, 5)),
    package=st.none()
    | st.builds(Package, prices, included_calls=st.integers(0, 20), price_per_extra_call=prices),
    per_call=st.none() | st.builds(PerCall, prices, prices, prices, prices),
    per_minute=st.none()
    | st.builds(PerMinute, prices, st.sampled_from(["per_minute", "per_6s", "per_second"]), prices),
    commission=st.none() | st.builds(Commission, prices, st.just(frozenset({"sale"}))),
    platform_fee=prices,
    tax_rate=st.decimals(min_value=0, max_value=1, places=4),
)


@settings(deadline=None, database=None)
@given(plan=plans, seats=seats_st, calls=calls_st)
def test_invoice_invariants(plan: Plan, seats: list[SeatInterval], calls: list[CallUsage]) -> None:
    inv = rate_period(plan, JUNE, seats, calls)
    assert inv.total == inv.subtotal + inv.tax
    assert inv.subtotal == sum((line.amount for line in inv.lines), D(0))
    assert inv.tax >= 0 and inv.tax == inv.tax.quantize(D("0.01"))
    for line in inv.lines:  # zero-amount lines are dropped, so every line is positive
        assert line.amount > 0 and line.amount == line.amount.quantize(D("0.01"))
    assert inv == rate_period(plan, JUNE, list(seats), list(calls))  # deterministic


@settings(deadline=None, database=None)
@given(price=prices, calls=calls_st)
def test_finer_rounding_never_costs_more(price: Decimal, calls: list[CallUsage]) -> None:
    def total(rounding: Rounding) -> Decimal:
        return rate_period(Plan(per_minute=PerMinute(price, rounding)), JUNE, [], calls).total

    assert total("per_second") <= total("per_6s") <= total("per_minute")


def test_campaign_calls_and_successes_are_priced_on_lines_of_their_own() -> None:
    plan = Plan(
        per_call=PerCall(price_per_outbound_call=D("0.10"), minimum_outbound_charge=D("0.50")),
        commission=Commission(D("10"), frozenset({"sale"})),
    )
    usage = Usage(
        {"outbound": DirectionUsage(6, 300), "inbound": DirectionUsage(2, 100)},
        {"sale": 1, CAMPAIGN_SUCCESS: 3},
        {
            7: CampaignUsage("续费", {"outbound": 3}, 2),
            9: CampaignUsage("回访", {"outbound": 2}, 1),
        },
    )
    inv = rate_usage(plan, JUNE, 0, usage)
    # 1 outbound call of no campaign, then 3 and 2 campaign calls, each at max(0.10, 0.50);
    # the inbound calls are free here; 1 success of no campaign, 2 and 1 campaign successes.
    assert [(line.code, line.description, line.quantity, line.amount) for line in inv.lines] == [
        ("calls-outbound", "Answered outbound calls", D("1"), D("0.50")),
        ("campaign-7-calls", "Campaign 续费: answered calls", D("3"), D("1.50")),
        ("campaign-9-calls", "Campaign 回访: answered calls", D("2"), D("1.00")),
        ("commission", "Successful calls", D("1"), D("10.00")),
        ("campaign-7-commission", "Campaign 续费: successful calls", D("2"), D("20.00")),
        ("campaign-9-commission", "Campaign 回访: successful calls", D("1"), D("10.00")),
    ]
    # Splitting changes no total: the same usage without the campaigns costs the same.
    flat = rate_usage(plan, JUNE, 0, Usage(usage.by_direction, usage.dispositions))
    assert flat.total == inv.total == D("43.00")
    # Usage of two halves of the month adds up per campaign.
    half = Usage(
        {"outbound": DirectionUsage(3, 150)}, {CAMPAIGN_SUCCESS: 2}, {7: usage.campaigns[7]}
    )
    with pytest.raises(InvalidInput):
        Usage({"outbound": DirectionUsage(1, 10)}, {}, {7: CampaignUsage("x", {"outbound": 2})})
    assert (half + half).campaigns[7] == CampaignUsage("续费", {"outbound": 6}, 4)
