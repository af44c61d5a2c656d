"""Pure billing rating: plans, seat history and call usage in, an exact CNY invoice out.

No I/O. Money is ``decimal.Decimal`` and every line amount is quantised once to 0.01 with
ROUND_HALF_UP from its exact value; tax is computed on the subtotal and rounded once.
See docs/billing.md for the plans and formulas.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal, get_args

from callcenter.errors import InvalidInput

Direction = Literal["inbound", "outbound", "forwarded"]
Rounding = Literal["per_minute", "per_6s", "per_second"]

DIRECTIONS: tuple[Direction, ...] = get_args(Direction)
ROUNDING_STEP_SECONDS: dict[str, int] = {"per_minute": 60, "per_6s": 6, "per_second": 1}
CURRENCY = "CNY"
CENT = Decimal("0.01")
QUANTITY_STEP = Decimal("0.0001")
ZERO = Decimal(0)
STANDARD_TALK_SECONDS = 43


# --- parsing and validation helpers -------------------------------------------------------


def parse_money(value: object, field: str = "amount") -> Decimal:
    """Parse a price or rate from ``str``, ``int`` or ``Decimal``; floats are refused."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise InvalidInput(
            f"{field} must be a decimal string, int or Decimal, not {type(value).__name__}",
            field=field,
        )
    try:
        result = Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise InvalidInput(f"{field} is not a number: {value!r}", field=field) from None
    if not result.is_finite():
        raise InvalidInput(f"{field} must be finite", field=field)
    return result


def quantize_money(amount: Decimal) -> Decimal:
    """Round an exact amount to 0.01 CNY, half up."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _money_fields(obj: object, prefix: str, *names: str, maximum: Decimal | None = None) -> None:
    """Coerce the named fields of a frozen dataclass to non-negative Decimals, in place."""
    for name in names:
        value = getattr(obj, name)
        if value is None:
            continue
        path = f"{prefix}.{name}"
        parsed = parse_money(value, path)
        if parsed < 0:
            raise InvalidInput(f"{path} must not be negative", field=path)
        if maximum is not None and parsed > maximum:
            raise InvalidInput(f"{path} must be at most {maximum}", field=path)
        object.__setattr__(obj, name, parsed)


def _count(value: object, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(f"{field} must be a non-negative integer", field=field)


def _dispositions(obj: Commission | CampaignCommission, prefix: str) -> None:
    value = obj.success_dispositions
    if isinstance(value, str):
        raise InvalidInput(
            "give a set of dispositions, not a string", field=f"{prefix}.success_dispositions"
        )
    object.__setattr__(obj, "success_dispositions", frozenset(value))


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Period:
    """A calendar billing month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise InvalidInput("month must be 1..12", field="period.month")
        if not 1 <= self.year <= 9999:
            raise InvalidInput("year must be 1..9999", field="period.year")

    @property
    def days(self) -> int:
        """Number of days in the month."""
        return calendar.monthrange(self.year, self.month)[1]

    @property
    def first(self) -> date:
        """First day of the month."""
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        """Last day of the month (inclusive)."""
        return date(self.year, self.month, self.days)

    def contains(self, moment: date | datetime) -> bool:
        """Whether a day (or the calendar date of a datetime, in its own timezone) is in it."""
        day = moment.date() if isinstance(moment, datetime) else moment
        return self.first <= day <= self.last


@dataclass(frozen=True)
class SeatInterval:
    """A seat active from ``start`` (inclusive) to ``end`` (exclusive; None = still active)."""

    seat_id: str
    start: date
    end: date | None = None

    def __post_init__(self) -> None:
        if self.end is not None and self.end < self.start:
            raise InvalidInput("seat interval ends before it starts", field="seats.end")


@dataclass(frozen=True)
class CallUsage:
    """One rated call record (a CDR reduced to what billing needs)."""

    call_id: str
    direction: Direction
    answered: bool
    billsec: int
    disposition: str | None
    started_at: datetime

    def __post_init__(self) -> None:
        if self.direction not in DIRECTIONS:
            raise InvalidInput(f"unknown direction {self.direction!r}", field="calls.direction")
        _count(self.billsec, "calls.billsec")


# --- plan components ----------------------------------------------------------------------


@dataclass(frozen=True)
class PerSeat:
    """Seats prorated by day, billed at no less than ``minimum_seats`` seat-months."""

    monthly_price: Decimal
    minimum_seats: int = 0

    def __post_init__(self) -> None:
        _money_fields(self, "per_seat", "monthly_price")
        _count(self.minimum_seats, "per_seat.minimum_seats")


@dataclass(frozen=True)
class Package:
    """A base fee with an allowance of answered calls *or* minutes, overage priced per unit."""

    base_fee: Decimal
    included_calls: int | None = None
    included_minutes: int | None = None
    price_per_extra_call: Decimal = ZERO
    price_per_extra_minute: Decimal = ZERO

    def __post_init__(self) -> None:
        _money_fields(self, "package", "base_fee", "price_per_extra_call", "price_per_extra_minute")
        if (self.included_calls is None) == (self.included_minutes is None):
            raise InvalidInput(
                "a package includes either calls or minutes", field="package.included_calls"
            )
        for name in ("included_calls", "included_minutes"):
            if getattr(self, name) is not None:
                _count(getattr(self, name), f"package.{name}")


@dataclass(frozen=True)
class PerCall:
    """A base fee plus a price per answered call; outbound legs cost at least the minimum."""

    base_fee: Decimal = ZERO
    price_per_inbound_call: Decimal = ZERO
    price_per_outbound_call: Decimal = ZERO
    minimum_outbound_charge: Decimal = ZERO

    def __post_init__(self) -> None:
        _money_fields(
            self,
            "per_call",
            "base_fee",
            "price_per_inbound_call",
            "price_per_outbound_call",
            "minimum_outbound_charge",
        )


@dataclass(frozen=True)
class PerMinute:
    """Talk time of answered calls, each call rounded up to the rounding step.

    Inbound calls use ``price_per_minute``; outbound calls and forwarded legs use
    ``outbound_price_per_minute`` (defaults to ``price_per_minute``).
    """

    price_per_minute: Decimal
    rounding: Rounding = "per_minute"
    outbound_price_per_minute: Decimal | None = None

    def __post_init__(self) -> None:
        _money_fields(self, "per_minute", "price_per_minute", "outbound_price_per_minute")
        if self.rounding not in ROUNDING_STEP_SECONDS:
            raise InvalidInput(f"unknown rounding {self.rounding!r}", field="per_minute.rounding")


@dataclass(frozen=True)
class Commission:
    """A fee per answered call whose disposition is one of ``success_dispositions``."""

    fee_per_success: Decimal
    success_dispositions: frozenset[str]

    def __post_init__(self) -> None:
        _money_fields(self, "commission", "fee_per_success")
        _dispositions(self, "commission")


@dataclass(frozen=True)
class CampaignCommission:
    """``rate_percent`` of ``base_amount`` when the success rate reaches ``threshold_percent``.

    Success rate = answered calls with a success disposition / answered calls, in percent.
    """

    base_amount: Decimal
    rate_percent: Decimal
    threshold_percent: Decimal
    success_dispositions: frozenset[str]

    def __post_init__(self) -> None:
        _money_fields(self, "campaign_commission", "base_amount")
        hundred = Decimal(100)
        _money_fields(
            self, "campaign_commission", "rate_percent", "threshold_percent", maximum=hundred
        )
        _dispositions(self, "campaign_commission")


@dataclass(frozen=True)
class Plan:
    """A tenant's combinable plan: any subset of components, a platform fee and a tax rate."""

    per_seat: PerSeat | None = None
    package: Package | None = None
    per_call: PerCall | None = None
    per_minute: PerMinute | None = None
    commission: Commission | None = None
    campaign_commission: CampaignCommission | None = None
    platform_fee: Decimal = ZERO
    tax_rate: Decimal = ZERO

    def __post_init__(self) -> None:
        _money_fields(self, "plan", "platform_fee")
        _money_fields(self, "plan", "tax_rate", maximum=Decimal(1))


# --- outputs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineItem:
    """One invoice line; ``quantity`` is shown to 4 dp, ``amount`` comes from the exact value."""

    code: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Invoice:
    """The rated period: lines in a fixed order, subtotal, tax (rounded once) and total."""

    period: Period
    lines: tuple[LineItem, ...]
    subtotal: Decimal
    tax: Decimal
    total: Decimal
    currency: str = CURRENCY


@dataclass(frozen=True)
class CostMetrics:
    """Cost accounting figures; None where the denominator would be zero."""

    answered_calls: int
    talk_seconds: int
    cost_per_answered_call: Decimal | None
    cost_per_talk_minute: Decimal | None
    standard_calls: Decimal | None


# --- rating -------------------------------------------------------------------------------


def billed_seconds(billsec: int, rounding: Rounding) -> int:
    """Round a call's talk seconds up to the next multiple of the rounding step (0 stays 0)."""
    step = ROUNDING_STEP_SECONDS[rounding]
    return -(-billsec // step) * step


def seat_days(seats: Iterable[SeatInterval], period: Period) -> int:
    """Distinct (seat, day) pairs inside the period; overlapping intervals of a seat count once."""
    stop = period.last.toordinal() + 1
    days: set[tuple[str, int]] = set()
    for seat in seats:
        start = max(seat.start, period.first).toordinal()
        end = stop if seat.end is None else min(seat.end.toordinal(), stop)
        days.update((seat.seat_id, day) for day in range(start, end))
    return len(days)


def _line(code: str, description: str, unit_price: Decimal, units: int, per: int = 1) -> LineItem:
    """A line for ``units / per`` of ``unit_price``; the amount is rounded once, exactly."""
    quantity = (Decimal(units) / per).quantize(QUANTITY_STEP, rounding=ROUND_HALF_UP)
    amount = quantize_money(Decimal(units) * unit_price / per)
    return LineItem(code, description, quantity, unit_price, amount)


def _rate_seats(plan: PerSeat, period: Period, seats: Iterable[SeatInterval]) -> LineItem:
    used = seat_days(seats, period)
    floor = plan.minimum_seats * period.days
    if used < floor:
        desc = f"Seats: minimum of {plan.minimum_seats} ({used} seat-days used)"
        return _line("seats", desc, plan.monthly_price, floor, period.days)
    desc = f"Seats: {used} seat-days / {period.days} days"
    return _line("seats", desc, plan.monthly_price, used, period.days)


def _rate_package(plan: Package, answered: Sequence[CallUsage]) -> list[LineItem]:
    lines = [_line("package-base", "Package base fee", plan.base_fee, 1)]
    if plan.included_calls is not None:
        extra = max(0, len(answered) - plan.included_calls)
        desc = f"Answered calls beyond {plan.included_calls} included"
        lines.append(_line("package-extra-calls", desc, plan.price_per_extra_call, extra))
    if plan.included_minutes is not None:
        minutes = sum(billed_seconds(c.billsec, "per_minute") for c in answered) // 60
        extra = max(0, minutes - plan.included_minutes)
        desc = f"Started minutes beyond {plan.included_minutes} included"
        lines.append(_line("package-extra-minutes", desc, plan.price_per_extra_minute, extra))
    return lines


def _rate_per_call(plan: PerCall, answered: Sequence[CallUsage]) -> list[LineItem]:
    outbound = max(plan.price_per_outbound_call, plan.minimum_outbound_charge)
    prices = {"inbound": plan.price_per_inbound_call, "outbound": outbound, "forwarded": outbound}
    lines = [_line("per-call-base", "Per-call plan base fee", plan.base_fee, 1)]
    for direction in DIRECTIONS:
        count = sum(1 for c in answered if c.direction == direction)
        desc = f"Answered {direction} calls"
        lines.append(_line(f"calls-{direction}", desc, prices[direction], count))
    return lines


def _rate_per_minute(plan: PerMinute, answered: Sequence[CallUsage]) -> list[LineItem]:
    outbound = plan.outbound_price_per_minute
    outbound = plan.price_per_minute if outbound is None else outbound
    prices = {"inbound": plan.price_per_minute, "outbound": outbound, "forwarded": outbound}
    lines = []
    for direction in DIRECTIONS:
        seconds = sum(
            billed_seconds(c.billsec, plan.rounding) for c in answered if c.direction == direction
        )
        desc = f"{direction.capitalize()} minutes, rounded {plan.rounding}"
        lines.append(_line(f"minutes-{direction}", desc, prices[direction], seconds, 60))
    return lines


def _successes(answered: Sequence[CallUsage], dispositions: frozenset[str]) -> int:
    return sum(1 for c in answered if c.disposition in dispositions)


def _rate_campaign(plan: CampaignCommission, answered: Sequence[CallUsage]) -> list[LineItem]:
    wins = _successes(answered, plan.success_dispositions)
    # success rate >= threshold, compared without division: wins * 100 >= threshold * answered
    if not answered or wins * 100 < plan.threshold_percent * len(answered):
        return []
    desc = f"{plan.rate_percent}% of {plan.base_amount} ({wins}/{len(answered)} successful)"
    return [_line("campaign-commission", desc, plan.base_amount * plan.rate_percent / 100, 1)]


def rate_period(
    plan: Plan, period: Period, seats: Iterable[SeatInterval], calls: Iterable[CallUsage]
) -> Invoice:
    """Rate one month of a tenant's usage under ``plan``.

    Calls whose ``started_at`` date falls outside the period are ignored; only answered calls are
    charged. Lines come in a fixed order (platform fee, seats, package, per-call, per-minute,
    commission, campaign commission) and lines with a zero amount are left out.
    """
    answered = [c for c in calls if c.answered and period.contains(c.started_at)]
    lines = [_line("platform-fee", "Platform fee", plan.platform_fee, 1)]
    if plan.per_seat is not None:
        lines.append(_rate_seats(plan.per_seat, period, seats))
    if plan.package is not None:
        lines += _rate_package(plan.package, answered)
    if plan.per_call is not None:
        lines += _rate_per_call(plan.per_call, answered)
    if plan.per_minute is not None:
        lines += _rate_per_minute(plan.per_minute, answered)
    if plan.commission is not None:
        wins = _successes(answered, plan.commission.success_dispositions)
        fee = plan.commission.fee_per_success
        lines.append(_line("commission", "Successful calls", fee, wins))
    if plan.campaign_commission is not None:
        lines += _rate_campaign(plan.campaign_commission, answered)
    kept = tuple(line for line in lines if line.amount)
    subtotal = sum((line.amount for line in kept), ZERO)
    tax = quantize_money(subtotal * plan.tax_rate)
    return Invoice(period, kept, subtotal, tax, subtotal + tax)


def cost_metrics(
    total_cost: Decimal,
    calls: Iterable[CallUsage],
    standard_talk_seconds: int = STANDARD_TALK_SECONDS,
) -> CostMetrics:
    """Cost per answered call, per talk minute, and answered calls normalised to a standard length.

    Standard calls = answered calls x average talk seconds / ``standard_talk_seconds``
    (= total talk seconds / ``standard_talk_seconds``). Money is rounded to 0.01, the standard
    call count to 0.01; values that would divide by zero are None.
    """
    cost = parse_money(total_cost, "total_cost")
    if isinstance(standard_talk_seconds, bool) or standard_talk_seconds <= 0:
        raise InvalidInput(
            "standard_talk_seconds must be a positive integer", field="standard_talk_seconds"
        )
    talk = [c.billsec for c in calls if c.answered]
    answered, seconds = len(talk), sum(talk)
    return CostMetrics(
        answered_calls=answered,
        talk_seconds=seconds,
        cost_per_answered_call=quantize_money(cost / answered) if answered else None,
        cost_per_talk_minute=quantize_money(cost * 60 / seconds) if seconds else None,
        standard_calls=(
            quantize_money(Decimal(seconds) / standard_talk_seconds) if answered else None
        ),
    )
