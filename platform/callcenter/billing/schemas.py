"""Input of the billing API: a tenant's plan, runs, periods and export queries."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from callcenter.billing import rating
from callcenter.errors import InvalidInput

# Money and rates are decimal strings in JSON (a JSON number would pass through float).
Money = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,10}(\.[0-9]{1,6})?$")]
Disposition = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:-]{1,40}$")]
Count = Annotated[int, Field(ge=0, le=10_000_000, strict=True)]

PERIOD = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"  # years 2000-2999: dates around stay in range
TENANT = r"^[a-z][a-z0-9]{1,15}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PerSeatIn(_Strict):
    """Per seat per month, prorated by day, with a minimum number of seats."""

    monthly_price: Money
    minimum_seats: Count = 0


class PackageIn(_Strict):
    """A base fee including N answered calls or N minutes, plus overage prices."""

    base_fee: Money
    included_calls: Count | None = None
    included_minutes: Count | None = None
    price_per_extra_call: Money = "0"
    price_per_extra_minute: Money = "0"

    @model_validator(mode="after")
    def _one_allowance(self) -> PackageIn:
        if (self.included_calls is None) == (self.included_minutes is None):
            raise ValueError("give exactly one of included_calls and included_minutes")
        return self


class PerCallIn(_Strict):
    """A base fee plus a price per answered call; outbound with a minimum charge."""

    base_fee: Money = "0"
    price_per_inbound_call: Money = "0"
    price_per_outbound_call: Money = "0"
    minimum_outbound_charge: Money = "0"


class PerMinuteIn(_Strict):
    """A price per minute with its rounding rule; forwarded legs use the outbound price."""

    price_per_minute: Money
    rounding: Literal["per_minute", "per_6s", "per_second"] = "per_minute"
    outbound_price_per_minute: Money | None = None


class CommissionIn(_Strict):
    """A fee per answered call with a successful agent disposition."""

    fee_per_success: Money
    success_dispositions: list[Disposition] = Field(min_length=1, max_length=20)


class CampaignCommissionIn(_Strict):
    """A percentage of a base amount when the campaign's success rate reaches a threshold."""

    base_amount: Money
    rate_percent: Money
    threshold_percent: Money
    success_dispositions: list[Disposition] = Field(min_length=1, max_length=20)


class PlanIn(_Strict):
    """A tenant's plan: any combination of components, a platform fee and a tax rate."""

    per_seat: PerSeatIn | None = None
    package: PackageIn | None = None
    per_call: PerCallIn | None = None
    per_minute: PerMinuteIn | None = None
    commission: CommissionIn | None = None
    campaign_commission: CampaignCommissionIn | None = None
    platform_fee: Money = "0"
    tax_rate: Money = "0"


class RunIn(_Strict):
    """Rate a period for every tenant; ``close`` makes it immutable afterwards."""

    period: str = Field(pattern=PERIOD)
    close: bool = False


def parse_period(text: str, field: str = "period") -> rating.Period:
    """``2026-11`` -> Period(2026, 11); InvalidInput naming ``field`` otherwise."""
    if not isinstance(text, str) or not re.fullmatch(PERIOD, text):
        raise InvalidInput("period must look like 2026-11", field=field)
    year, month = text.split("-")
    return rating.Period(int(year), int(month))


def period_text(period: rating.Period) -> str:
    """Period(2026, 11) -> ``2026-11``."""
    return f"{period.year:04d}-{period.month:02d}"


def _dec(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def to_plan(data: PlanIn) -> rating.Plan:
    """The rating core's Plan; its own checks (ranges) raise InvalidInput naming the field."""
    plan_kwargs: dict[str, Any] = {
        "platform_fee": Decimal(data.platform_fee),
        "tax_rate": Decimal(data.tax_rate),
    }
    if data.per_seat:
        plan_kwargs["per_seat"] = rating.PerSeat(
            Decimal(data.per_seat.monthly_price), data.per_seat.minimum_seats
        )
    if data.package:
        p = data.package
        plan_kwargs["package"] = rating.Package(
            Decimal(p.base_fee),
            p.included_calls,
            p.included_minutes,
            Decimal(p.price_per_extra_call),
            Decimal(p.price_per_extra_minute),
        )
    if data.per_call:
        c = data.per_call
        plan_kwargs["per_call"] = rating.PerCall(
            Decimal(c.base_fee),
            Decimal(c.price_per_inbound_call),
            Decimal(c.price_per_outbound_call),
            Decimal(c.minimum_outbound_charge),
        )
    if data.per_minute:
        m = data.per_minute
        plan_kwargs["per_minute"] = rating.PerMinute(
            Decimal(m.price_per_minute), m.rounding, _dec(m.outbound_price_per_minute)
        )
    if data.commission:
        plan_kwargs["commission"] = rating.Commission(
            Decimal(data.commission.fee_per_success),
            frozenset(data.commission.success_dispositions),
        )
    if data.campaign_commission:
        k = data.campaign_commission
        plan_kwargs["campaign_commission"] = rating.CampaignCommission(
            Decimal(k.base_amount),
            Decimal(k.rate_percent),
            Decimal(k.threshold_percent),
            frozenset(k.success_dispositions),
        )
    return rating.Plan(**plan_kwargs)


def plan_from_json(stored: Any) -> rating.Plan:
    """A plan stored as JSON (already validated when it was set)."""
    return to_plan(PlanIn.model_validate(stored))
