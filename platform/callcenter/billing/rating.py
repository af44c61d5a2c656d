"""Pure billing rating: plans, seat history and call usage in, an exact CNY invoice out.

No I/O. Money is ``decimal.Decimal`` and every line amount is quantised once to 0.01 with
ROUND_HALF_UP from its exact value; tax is computed on the subtotal and rounded once.
See docs/billing.md for the plans and formulas.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal, get_args

from callcenter.errors import InvalidInput

# overflow: calls from the tenant's own PBX (hybrid hosting, issue 20), outsourced to us;
# priced like inbound calls, on a line of their own.
Direction = Literal["inbound", "outbound", "forwarded", "overflow"]
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


# The disposition of a campaign call whose contact got one of its campaign's success
# dispositions: the campaign, not the plan, says what success is.
CAMPAIGN_SUCCESS = "campaign-success"


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


@dataclass(frozen=True)
class DirectionUsage:
    """Answered calls of one direction: count, raw seconds and seconds rounded per rule."""

    calls: int = 0
    seconds: int = 0
    seconds_per_minute: int = 0
    seconds_per_6s: int = 0

    def __post_init__(self) -> None:
        for name in ("calls", "seconds", "seconds_per_minute", "seconds_per_6s"):
            _count(getattr(self, name), f"usage.{name}")

    def __add__(self, other: DirectionUsage) -> DirectionUsage:
        return DirectionUsage(
            self.calls + other.calls,
            self.seconds + other.seconds,
            self.seconds_per_minute + other.seconds_per_minute,
            self.seconds_per_6s + other.seconds_per_6s,
        )


@dataclass(frozen=True)
class CampaignUsage:
    """One outbound campaign's answered calls (per direction) and its successes
    (``CAMPAIGN_SUCCESS`` calls); already counted in the period's ``Usage`` as well."""

    name: str
    calls: Mapping[str, int] = field(default_factory=dict)
    successes: int = 0

    def __post_init__(self) -> None:
        for direction, n in self.calls.items():
            if direction not in DIRECTIONS:
                raise InvalidInput(f"unknown direction {direction!r}", field="usage.direction")
            _count(n, "usage.campaign.calls")
        _count(self.successes, "usage.campaign.successes")

    def __add__(self, other: CampaignUsage) -> CampaignUsage:
        calls = dict(self.calls)
        for d, n in other.calls.items():
            calls[d] = calls.get(d, 0) + n
        return CampaignUsage(self.name or other.name, calls, self.successes + other.successes)


@dataclass(frozen=True)
class Usage:
    """A period's answered calls reduced to what the plans need (summable, SQL-computable).

    ``dispositions`` counts answered calls per (agent) disposition; ``campaigns`` the share
    of them made by each outbound campaign (by campaign id), priced on lines of their own.
    """

    by_direction: Mapping[str, DirectionUsage] = field(default_factory=dict)
    dispositions: Mapping[str, int] = field(default_factory=dict)
    campaigns: Mapping[int, CampaignUsage] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for direction in self.by_direction:
            if direction not in DIRECTIONS:
                raise InvalidInput(f"unknown direction {direction!r}", field="usage.direction")
        for campaign in self.campaigns.values():
            for direction, n in campaign.calls.items():
                if n > self.by_direction.get(direction, DirectionUsage()).calls:
                    raise InvalidInput(
                        "a campaign has more calls than the period", field="usage.campaigns"
                    )
        if sum(c.successes for c in self.campaigns.values()) > self.dispositions.get(
            CAMPAIGN_SUCCESS, 0
        ):
            raise InvalidInput(
                "a campaign has more successes than the period", field="usage.campaigns"
            )

    def of(self, direction: Direction) -> DirectionUsage:
        """Usage of one direction (zero when absent)."""
        return self.by_direction.get(direction, DirectionUsage())

    @property
    def answered_calls(self) -> int:
        """Answered calls, all directions."""
        return sum(u.calls for u in self.by_direction.values())

    @property
    def talk_seconds(self) -> int:
        """Raw talk seconds of answered calls, all directions."""
        return sum(u.seconds for u in self.by_direction.values())

    def billed(self, direction: Direction, rounding: Rounding) -> int:
        """Seconds of one direction, each call rounded up by ``rounding`` then summed."""
        u = self.of(direction)
        if rounding == "per_minute":
            return u.seconds_per_minute
        if rounding == "per_6s":
            return u.seconds_per_6s
        return u.seconds

    def successes(self, dispositions: frozenset[str]) -> int:
        """Answered calls whose disposition is one of ``dispositions``, and campaign calls
        their campaign counts as a success (``CAMPAIGN_SUCCESS``)."""
        return sum(
            n for d, n in self.dispositions.items() if d in dispositions or d == CAMPAIGN_SUCCESS
        )

    def __add__(self, other: Usage) -> Usage:
        directions = {**self.by_direction}
        for d, u in other.by_direction.items():
            directions[d] = directions.get(d, DirectionUsage()) + u
        dispositions = dict(self.dispositions)
        for d, n in other.dispositions.items():
            dispositions[d] = dispositions.get(d, 0) + n
        campaigns = dict(self.campaigns)
        for k, c in other.campaigns.items():
            campaigns[k] = campaigns[k] + c if k in campaigns else c
        return Usage(directions, dispositions, campaigns)

    @classmethod
    def from_calls(cls, calls: Iterable[CallUsage], period: Period | None = None) -> Usage:
        """Aggregate the answered calls (of ``period`` if given)."""
        directions: dict[str, DirectionUsage] = {}
        dispositions: dict[str, int] = {}
        for c in calls:
            if not c.answered or (period is not None and not period.contains(c.started_at)):
                continue
            one = DirectionUsage(
                1,
                c.billsec,
                billed_seconds(c.billsec, "per_minute"),
                billed_seconds(c.billsec, "per_6s"),
            )
            directions[c.direction] = directions.get(c.direction, DirectionUsage()) + one
            if c.disposition is not None:
                dispositions[c.disposition] = dispositions.get(c.disposition, 0) + 1
        return cls(directions, dispositions)


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


def _rate_seats(plan: PerSeat, period: Period, used: int) -> LineItem:
    floor = plan.minimum_seats * period.days
    if used < floor:
        desc = f"Seats: minimum of {plan.minimum_seats} ({used} seat-days used)"
        return _line("seats", desc, plan.monthly_price, floor, period.days)
    desc = f"Seats: {used} seat-days / {period.days} days"
    return _line("seats", desc, plan.monthly_price, used, period.days)


def _rate_package(plan: Package, usage: Usage) -> list[LineItem]:
    lines = [_line("package-base", "Package base fee", plan.base_fee, 1)]
    if plan.included_calls is not None:
        extra = max(0, usage.answered_calls - plan.included_calls)
        desc = f"Answered calls beyond {plan.included_calls} included"
        lines.append(_line("package-extra-calls", desc, plan.price_per_extra_call, extra))
    if plan.included_minutes is not None:
        minutes = sum(usage.billed(d, "per_minute") for d in DIRECTIONS) // 60
        extra = max(0, minutes - plan.included_minutes)
        desc = f"Started minutes beyond {plan.included_minutes} included"
        lines.append(_line("package-extra-minutes", desc, plan.price_per_extra_minute, extra))
    return lines


def _rate_per_call(plan: PerCall, usage: Usage) -> list[LineItem]:
    """Calls per direction; each campaign's outbound (and forwarded) calls on a line of its
    own at the outbound price with its minimum, taken out of the direction's line."""
    outbound = max(plan.price_per_outbound_call, plan.minimum_outbound_charge)
    inbound = plan.price_per_inbound_call
    prices = {"inbound": inbound, "outbound": outbound, "forwarded": outbound, "overflow": inbound}
    lines = [_line("per-call-base", "Per-call plan base fee", plan.base_fee, 1)]
    priced_apart = ("outbound", "forwarded")
    for direction in DIRECTIONS:
        count = usage.of(direction).calls
        if direction in priced_apart:
            count -= sum(c.calls.get(direction, 0) for c in usage.campaigns.values())
        desc = (
            "Answered outsourced-overflow calls (from the tenant's PBX)"
            if direction == "overflow"
            else f"Answered {direction} calls"
        )
        lines.append(_line(f"calls-{direction}", desc, prices[direction], count))
    for campaign_id in sorted(usage.campaigns):
        c = usage.campaigns[campaign_id]
        count = sum(c.calls.get(d, 0) for d in priced_apart)
        desc = f"Campaign {c.name}: answered calls"
        lines.append(_line(f"campaign-{campaign_id}-calls", desc, outbound, count))
    return lines


def _rate_commission(plan: Commission, usage: Usage) -> list[LineItem]:
    """Successful calls; each campaign's successes on a line of its own."""
    wins = usage.successes(plan.success_dispositions)
    wins -= sum(c.successes for c in usage.campaigns.values())
    lines = [_line("commission", "Successful calls", plan.fee_per_success, wins)]
    for campaign_id in sorted(usage.campaigns):
        c = usage.campaigns[campaign_id]
        desc = f"Campaign {c.name}: successful calls"
        lines.append(
            _line(f"campaign-{campaign_id}-commission", desc, plan.fee_per_success, c.successes)
        )
    return lines


def _rate_per_minute(plan: PerMinute, usage: Usage) -> list[LineItem]:
    outbound = plan.outbound_price_per_minute
    outbound = plan.price_per_minute if outbound is None else outbound
    inbound = plan.price_per_minute
    prices = {"inbound": inbound, "outbound": outbound, "forwarded": outbound, "overflow": inbound}
    lines = []
    for direction in DIRECTIONS:
        seconds = usage.billed(direction, plan.rounding)
        desc = (
            f"Outsourced-overflow minutes (from the tenant's PBX), rounded {plan.rounding}"
            if direction == "overflow"
            else f"{direction.capitalize()} minutes, rounded {plan.rounding}"
        )
        lines.append(_line(f"minutes-{direction}", desc, prices[direction], seconds, 60))
    return lines


def _rate_campaign(plan: CampaignCommission, usage: Usage) -> list[LineItem]:
    wins = usage.successes(plan.success_dispositions)
    answered = usage.answered_calls
    # success rate >= threshold, compared without division: wins * 100 >= threshold * answered
    if not answered or wins * 100 < plan.threshold_percent * answered:
        return []
    desc = f"{plan.rate_percent}% of {plan.base_amount} ({wins}/{answered} successful)"
    return [_line("campaign-commission", desc, plan.base_amount * plan.rate_percent / 100, 1)]


def rate_period(
    plan: Plan, period: Period, seats: Iterable[SeatInterval], calls: Iterable[CallUsage]
) -> Invoice:
    """Rate one month of a tenant's usage under ``plan``.

    Calls whose ``started_at`` date falls outside the period are ignored; only answered calls are
    charged. Lines come in a fixed order (platform fee, seats, package, per-call, per-minute,
    commission, campaign commission) and lines with a zero amount are left out.
    """
    return rate_usage(plan, period, seat_days(seats, period), Usage.from_calls(calls, period))


def _usage_lines(plan: Plan, period: Period, used_seat_days: int, usage: Usage) -> list[LineItem]:
    lines = [_line("platform-fee", "Platform fee", plan.platform_fee, 1)]
    if plan.per_seat is not None:
        lines.append(_rate_seats(plan.per_seat, period, used_seat_days))
    if plan.package is not None:
        lines += _rate_package(plan.package, usage)
    if plan.per_call is not None:
        lines += _rate_per_call(plan.per_call, usage)
    if plan.per_minute is not None:
        lines += _rate_per_minute(plan.per_minute, usage)
    if plan.commission is not None:
        lines += _rate_commission(plan.commission, usage)
    if plan.campaign_commission is not None:
        lines += _rate_campaign(plan.campaign_commission, usage)
    return [line for line in lines if line.amount]


def invoice_of(plan: Plan, period: Period, lines: Iterable[LineItem]) -> Invoice:
    """Total ``lines`` (amounts already rounded) and add tax, rounded once on the subtotal."""
    kept = tuple(line for line in lines if line.amount)
    subtotal = sum((line.amount for line in kept), ZERO)
    tax = quantize_money(subtotal * plan.tax_rate)
    return Invoice(period, kept, subtotal, tax, subtotal + tax)


def rate_usage(plan: Plan, period: Period, used_seat_days: int, usage: Usage) -> Invoice:
    """Rate one month from aggregates: seat-days used and the answered calls' ``Usage``.

    Gives the same invoice as ``rate_period`` on the calls and seats the aggregates came from;
    callers that aggregate in SQL (millions of calls) use this directly.
    """
    _count(used_seat_days, "seat_days")
    return invoice_of(plan, period, _usage_lines(plan, period, used_seat_days, usage))


def adjustment(
    plan: Plan, period: Period, used_seat_days: int, billed: Usage, late: Usage
) -> LineItem | None:
    """The charge for calls of ``period`` that arrived after it was invoiced.

    The closed period is re-rated with the late calls added; the line is the difference of the
    subtotals, so allowances, minimums and campaign thresholds apply as if the calls had been on
    time. None when the late calls change nothing.
    """
    before = invoice_of(plan, period, _usage_lines(plan, period, used_seat_days, billed))
    after = invoice_of(plan, period, _usage_lines(plan, period, used_seat_days, billed + late))
    amount = after.subtotal - before.subtotal
    if not amount:
        return None
    desc = (
        f"Adjustment for {period.year:04d}-{period.month:02d}: "
        f"{late.answered_calls} late answered call(s)"
    )
    return LineItem(
        f"adjustment-{period.year:04d}-{period.month:02d}",
        desc,
        Decimal(1).quantize(QUANTITY_STEP),
        amount,
        amount,
    )


def utilisation(talk_seconds: int, logged_in_seconds: int) -> Decimal | None:
    """Agent utilisation = talk time / logged-in time, as a fraction to 4 dp (None if 0)."""
    _count(talk_seconds, "talk_seconds")
    _count(logged_in_seconds, "logged_in_seconds")
    if not logged_in_seconds:
        return None
    return (Decimal(talk_seconds) / logged_in_seconds).quantize(
        QUANTITY_STEP, rounding=ROUND_HALF_UP
    )


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
    talk = [c.billsec for c in calls if c.answered]
    return cost_metrics_of(total_cost, len(talk), sum(talk), standard_talk_seconds)


def cost_metrics_of(
    total_cost: Decimal,
    answered: int,
    talk_seconds: int,
    standard_talk_seconds: int = STANDARD_TALK_SECONDS,
) -> CostMetrics:
    """``cost_metrics`` from aggregates: answered calls and their total talk seconds."""
    cost = parse_money(total_cost, "total_cost")
    _count(answered, "answered_calls")
    _count(talk_seconds, "talk_seconds")
    if isinstance(standard_talk_seconds, bool) or standard_talk_seconds <= 0:
        raise InvalidInput(
            "standard_talk_seconds must be a positive integer", field="standard_talk_seconds"
        )
    seconds = talk_seconds
    return CostMetrics(
        answered_calls=answered,
        talk_seconds=seconds,
        cost_per_answered_call=quantize_money(cost / answered) if answered else None,
        cost_per_talk_minute=quantize_money(cost * 60 / seconds) if seconds else None,
        standard_calls=(
            quantize_money(Decimal(seconds) / standard_talk_seconds) if answered else None
        ),
    )
