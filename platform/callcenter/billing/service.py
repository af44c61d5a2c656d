"""Billing: plans per tenant, period runs producing invoices, metering and cost figures.

A run rates one calendar month (UTC) for every tenant inside one transaction: it claims the
month's billable calls (and late calls of closed months) in ``billing_rated_calls``, so a
call is rated once, then writes one invoice per tenant. Re-running an open month gives the
same result; a closed month is never changed again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.billing import rating, repo
from callcenter.billing.schemas import PlanIn, parse_period, period_text, plan_from_json, to_plan
from callcenter.db.pool import connection, transaction
from callcenter.errors import NotFound

# How far back a run looks for CDRs of closed months that arrived late.
LOOKBACK_DAYS = 92

# The command line acts as a platform operator.
SYSTEM = Principal(0, "system", "operator", None)

Usages = dict[str, dict[date, rating.Usage]]


def bounds(period: rating.Period) -> tuple[date, date]:
    """First day of the month and first day of the next one."""
    return period.first, period.last + timedelta(days=1)


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _money(value: Decimal) -> str:
    return str(value)


# ---------------------------------------------------------------- plans


async def set_plan(pool: Any, who: Principal, tenant_id: str, data: PlanIn) -> dict[str, Any]:
    """Set a tenant's plan (operators); it applies from the next run of an open period."""
    who.require_operator()
    to_plan(data)  # the rating core's range checks, naming the field
    stored = data.model_dump(mode="json", exclude_none=True)
    async with transaction(pool) as conn:
        if not await conn.fetchval("SELECT 1 FROM tenants WHERE id = $1", tenant_id):
            raise NotFound("no such tenant", field="tenant_id")
        await repo.put_plan(conn, tenant_id, json.dumps(stored, sort_keys=True))
    return {"tenant_id": tenant_id, "plan": stored}


async def get_plan(pool: Any, who: Principal, tenant_id: str) -> dict[str, Any]:
    """A tenant's plan (its admins and operators)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        row = await repo.get_plan(conn, tenant_id)
    if row is None:
        raise NotFound("no plan set for this tenant", field="tenant_id")
    return {
        "tenant_id": tenant_id,
        "plan": json.loads(row["plan"]),
        "updated_at": row["updated_at"].isoformat(),
    }


# ---------------------------------------------------------------- runs


def _usage_by_tenant(
    usage_rows: list[Any], disposition_rows: list[Any], campaign_rows: list[Any]
) -> Usages:
    directions: dict[tuple[str, date], dict[str, rating.DirectionUsage]] = defaultdict(dict)
    dispositions: dict[tuple[str, date], dict[str, int]] = defaultdict(dict)
    campaigns: dict[tuple[str, date], dict[int, rating.CampaignUsage]] = defaultdict(dict)
    for r in usage_rows:
        directions[r["tenant_id"], r["call_period"]][r["direction"]] = _direction_usage(r)
    for r in disposition_rows:
        dispositions[r["tenant_id"], r["call_period"]][r["disposition"]] = int(r["n"])
    for r in campaign_rows:
        own = campaigns[r["tenant_id"], r["call_period"]]
        one = rating.CampaignUsage(
            r["name"], {r["direction"]: int(r["calls"])}, int(r["successes"])
        )
        own[r["campaign"]] = own[r["campaign"]] + one if r["campaign"] in own else one
    out: Usages = defaultdict(dict)
    for key in directions.keys() | dispositions.keys():
        out[key[0]][key[1]] = rating.Usage(
            directions.get(key, {}), dispositions.get(key, {}), campaigns.get(key, {})
        )
    return out


def _direction_usage(r: Any) -> rating.DirectionUsage:
    return rating.DirectionUsage(
        int(r["calls"]),
        int(r["seconds"]),
        int(r["seconds_per_minute"]),
        int(r["seconds_per_6s"]),
    )


def _period_of(day: date) -> rating.Period:
    return rating.Period(day.year, day.month)


async def _adjustments(
    conn: Any, tenant_id: str, invoice_period: date, late: dict[date, rating.Usage], plan_json: str
) -> list[rating.LineItem]:
    """One line per closed month that late calls of this tenant belong to."""
    lines = []
    for call_period in sorted(late):
        plans = await repo.invoice_plans(conn, call_period)
        plan = plan_from_json(json.loads(plans.get(tenant_id, plan_json)))
        period = _period_of(call_period)
        first, after = bounds(period)
        seats = [
            rating.SeatInterval(r["extension"], r["start"], r["end"])
            for r in await repo.seat_intervals(conn, tenant_id, first, after)
        ]
        usage_rows, disposition_rows = await repo.usage_billed_before(
            conn, tenant_id, call_period, invoice_period
        )
        billed = rating.Usage(
            {r["direction"]: _direction_usage(r) for r in usage_rows},
            {r["disposition"]: int(r["n"]) for r in disposition_rows},
        )
        line = rating.adjustment(
            plan, period, rating.seat_days(seats, period), billed, late[call_period]
        )
        if line is not None:
            lines.append(line)
    return lines


async def run_period(
    pool: Any, who: Principal, period: rating.Period, *, close: bool = False
) -> dict[str, Any]:
    """Rate ``period`` for every tenant: one invoice each, idempotent; ``close`` freezes it."""
    who.require_operator()
    first, after = bounds(period)
    async with transaction(pool) as conn:
        row = await repo.lock_period(conn, first)
        if row is not None and row["closed_at"] is not None:
            return await _summary(conn, period, changed=False)
        await repo.open_period(conn, first)
        await repo.claim_calls(conn, first, first - timedelta(days=LOOKBACK_DAYS), after)
        usages = _usage_by_tenant(
            await repo.usage_of_invoice(conn, first),
            await repo.dispositions_of_invoice(conn, first),
            await repo.campaigns_of_invoices(conn, first),
        )
        seats: dict[str, list[rating.SeatInterval]] = defaultdict(list)
        for r in await repo.all_seat_intervals(conn, first, after):
            seats[r["tenant_id"]].append(rating.SeatInterval(r["extension"], r["start"], r["end"]))
        plans = {r["tenant_id"]: r["plan"] or "{}" for r in await repo.tenants_and_plans(conn)}
        for tenant_id in usages.keys() - plans.keys():
            plans[tenant_id] = "{}"  # a deleted tenant's calls are still invoiced
        await repo.delete_invoices(conn, first)
        heads: list[tuple[Any, ...]] = []
        line_rows: list[tuple[Any, ...]] = []
        for tenant_id in sorted(plans):
            plan_json = plans[tenant_id]
            plan = plan_from_json(json.loads(plan_json))
            own = usages.get(tenant_id, {})
            used_days = rating.seat_days(seats.get(tenant_id, []), period)
            lines = list(
                rating.rate_usage(plan, period, used_days, own.get(first, rating.Usage())).lines
            )
            late = {p: u for p, u in own.items() if p != first}
            if late:
                lines += await _adjustments(conn, tenant_id, first, late, plan_json)
            invoice = rating.invoice_of(plan, period, lines)
            heads.append(
                (
                    tenant_id,
                    first,
                    plan_json,
                    used_days,
                    invoice.subtotal,
                    invoice.tax,
                    invoice.total,
                    invoice.currency,
                )
            )
            for position, line in enumerate(invoice.lines, start=1):
                line_rows.append(
                    (
                        tenant_id,
                        first,
                        position,
                        line.code,
                        line.description,
                        line.quantity,
                        line.unit_price,
                        line.amount,
                    )
                )
        await repo.insert_invoices(conn, heads)
        await repo.insert_lines(conn, line_rows)
        if close:
            await repo.close_period(conn, first)
        return await _summary(conn, period, changed=True)


async def _summary(conn: Any, period: rating.Period, *, changed: bool) -> dict[str, Any]:
    row = await repo.period_summary(conn, period.first)
    return {
        "period": period_text(period),
        "closed": row["closed_at"] is not None,
        "rated": changed,
        "invoices": int(row["invoices"]),
        "calls": int(row["calls"]),
        "total": _money(row["total"]),
    }


# ---------------------------------------------------------------- reading


async def list_invoices(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """A tenant's invoices (its admins and operators)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.list_invoices(conn, tenant_id)
    return [
        {
            "period": r["period"].strftime("%Y-%m"),
            "subtotal": _money(r["subtotal"]),
            "tax": _money(r["tax"]),
            "total": _money(r["total"]),
            "currency": r["currency"],
            "closed": r["closed_at"] is not None,
        }
        for r in rows
    ]


async def get_invoice(pool: Any, who: Principal, tenant_id: str, period: str) -> dict[str, Any]:
    """One invoice with its lines."""
    who.require_tenant(tenant_id, "tenant_admin")
    p = parse_period(period)
    async with connection(pool) as conn:
        head, lines = await repo.get_invoice(conn, tenant_id, p.first)
        calls = await conn.fetchval(
            "SELECT count(*) FROM billing_rated_calls WHERE tenant_id = $1 AND invoice_period = $2",
            tenant_id,
            p.first,
        )
        campaigns = await repo.campaigns_of_invoice(conn, tenant_id, p.first)
    if head is None:
        raise NotFound("no invoice for this period", field="period")
    return {
        "tenant_id": tenant_id,
        "period": period_text(p),
        "closed": head["closed_at"] is not None,
        "plan": json.loads(head["plan_json"]),
        "seat_days": head["seat_days"],
        "rated_calls": int(calls),
        "lines": [
            {
                "code": r["code"],
                "description": r["description"],
                "quantity": _money(r["quantity"]),
                "unit_price": _money(r["unit_price"].normalize()),
                "amount": _money(r["amount"]),
            }
            for r in lines
        ],
        "subtotal": _money(head["subtotal"]),
        "tax": _money(head["tax"]),
        "total": _money(head["total"]),
        "currency": head["currency"],
        # The campaign calls among the rated calls, per campaign (docs/outbound.md).
        "campaigns": [
            {
                "campaign": r["campaign"],
                "name": r["name"],
                "calls": int(r["calls"]),
                "seconds": int(r["seconds"]),
                "successes": int(r["successes"]),
            }
            for r in campaigns
        ],
    }


async def metering(pool: Any, who: Principal, tenant_id: str, period: str) -> dict[str, Any]:
    """A tenant's metered usage of a month, live from CDRs and the seat/registration history."""
    who.require_tenant(tenant_id, "tenant_admin")
    p = parse_period(period)
    first, after = bounds(p)
    start, end = _moment(first), _moment(after)
    async with connection(pool) as conn:
        seats = [
            rating.SeatInterval(r["extension"], r["start"], r["end"])
            for r in await repo.seat_intervals(conn, tenant_id, first, after)
        ]
        calls = await repo.metered_usage(conn, tenant_id, start, end)
        peak_calls = await repo.peak_concurrent_calls(conn, tenant_id, start, end)
        reg = await repo.registrations(conn, tenant_id, start, end)
        sessions = await repo.agent_sessions(conn, tenant_id, start, end)
    return {
        "tenant_id": tenant_id,
        "period": period_text(p),
        "seat_days": rating.seat_days(seats, p),
        "peak_concurrent_calls": peak_calls,
        "peak_registered_agents": int(reg["peak"]),
        "registered_seconds": int(reg["seconds"]),
        "peak_logged_in_agents": int(sessions["peak"]),
        "logged_in_seconds": int(sessions["seconds"]),
        "answered_calls": {r["direction"]: int(r["calls"]) for r in calls},
        "talk_seconds": {r["direction"]: int(r["seconds"]) for r in calls},
    }


async def cost(
    pool: Any, who: Principal, tenant_id: str, period: str, standard_talk_seconds: int = 43
) -> dict[str, Any]:
    """Cost accounting of a tenant's month: per answered call, per minute, utilisation.

    The cost is the invoice subtotal (net of tax); calls and talk time are the rated calls
    that belong to the month (including late ones adjusted in a later invoice).
    """
    who.require_tenant(tenant_id, "tenant_admin")
    p = parse_period(period)
    first, after = bounds(p)
    async with connection(pool) as conn:
        head, _ = await repo.get_invoice(conn, tenant_id, first)
        if head is None:
            raise NotFound("no invoice for this period: run billing first", field="period")
        talk = await repo.talk_of_period(conn, tenant_id, first)
        reg = await repo.registrations(conn, tenant_id, _moment(first), _moment(after))
    metrics = rating.cost_metrics_of(
        head["subtotal"], int(talk["answered"]), int(talk["seconds"]), standard_talk_seconds
    )
    util = rating.utilisation(metrics.talk_seconds, int(reg["seconds"]))

    def opt(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {
        "tenant_id": tenant_id,
        "period": period_text(p),
        "total_cost": _money(head["subtotal"]),
        "answered_calls": metrics.answered_calls,
        "talk_seconds": metrics.talk_seconds,
        "logged_in_seconds": int(reg["seconds"]),
        "cost_per_answered_call": opt(metrics.cost_per_answered_call),
        "cost_per_talk_minute": opt(metrics.cost_per_talk_minute),
        "standard_talk_seconds": standard_talk_seconds,
        "standard_calls": opt(metrics.standard_calls),
        "agent_utilisation": opt(util),
    }
