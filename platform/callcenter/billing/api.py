"""Billing HTTP API: plans (operators set, tenants read), runs, invoices, metering, cost, export."""

from __future__ import annotations

from aiohttp import web

from callcenter import keys
from callcenter.billing import export, service
from callcenter.billing.schemas import PlanIn, RunIn, parse_period
from callcenter.db.pool import connection
from callcenter.errors import InvalidInput
from callcenter.web.io import parse_body, principal_of

routes = web.RouteTableDef()


@routes.put("/api/v1/tenants/{tenant_id}/billing/plan")
async def put_plan(request: web.Request) -> web.Response:
    """Set a tenant's plan (operators)."""
    who = principal_of(request)
    who.require_operator()
    body = await parse_body(request, PlanIn)
    return web.json_response(
        await service.set_plan(request.app[keys.POOL], who, request.match_info["tenant_id"], body)
    )


@routes.get("/api/v1/tenants/{tenant_id}/billing/plan")
async def get_plan(request: web.Request) -> web.Response:
    """A tenant's plan."""
    return web.json_response(
        await service.get_plan(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.post("/api/v1/billing/runs")
async def run(request: web.Request) -> web.Response:
    """Rate a period for every tenant (operators); ``close: true`` makes it immutable."""
    who = principal_of(request)
    who.require_operator()
    body = await parse_body(request, RunIn)
    summary = await service.run_period(
        request.app[keys.POOL], who, parse_period(body.period), close=body.close
    )
    return web.json_response(summary)


@routes.get("/api/v1/tenants/{tenant_id}/invoices")
async def list_invoices(request: web.Request) -> web.Response:
    """A tenant's invoices."""
    return web.json_response(
        await service.list_invoices(
            request.app[keys.POOL], principal_of(request), request.match_info["tenant_id"]
        )
    )


@routes.get("/api/v1/tenants/{tenant_id}/invoices/{period}")
async def get_invoice(request: web.Request) -> web.Response:
    """One invoice with its lines."""
    return web.json_response(
        await service.get_invoice(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            request.match_info["period"],
        )
    )


def _period_param(request: web.Request) -> str:
    value = request.query.get("period")
    if value is None:
        raise InvalidInput("period is required, e.g. 2026-11", field="period")
    return value


@routes.get("/api/v1/tenants/{tenant_id}/billing/usage")
async def usage(request: web.Request) -> web.Response:
    """Metered usage of a month: seat-days, peaks, answered calls and talk time."""
    return web.json_response(
        await service.metering(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _period_param(request),
        )
    )


@routes.get("/api/v1/tenants/{tenant_id}/billing/cost")
async def cost(request: web.Request) -> web.Response:
    """Cost accounting of a month (``?standard_talk_seconds=43``)."""
    raw = request.query.get("standard_talk_seconds", "43")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 3600:
        raise InvalidInput("standard_talk_seconds must be 1..3600", field="standard_talk_seconds")
    return web.json_response(
        await service.cost(
            request.app[keys.POOL],
            principal_of(request),
            request.match_info["tenant_id"],
            _period_param(request),
            int(raw),
        )
    )


async def _export(request: web.Request, tenant_id: str | None) -> web.StreamResponse:
    q = export.parse_query(
        request.query.get("kind", "calls"),
        request.query.get("format", "csv"),
        request.query.get("period"),
        tenant_id,
        request.query.get("after"),
    )
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8" if q.fmt == "csv" else "application/x-ndjson",
            "Content-Disposition": f'attachment; filename="{q.kind}.{q.fmt}"',
        }
    )
    async with connection(request.app[keys.POOL]) as conn:
        # Validate before the headers go out, so bad input is still a JSON 4xx.
        await conn.fetchval("SELECT 1")
        await response.prepare(request)
        await export.stream(conn, q, response.write)
    await response.write_eof()
    return response


@routes.get("/api/v1/billing/export")
async def export_all(request: web.Request) -> web.StreamResponse:
    """Export every tenant's (or ``?tenant=``'s) invoices or rated calls (operators)."""
    principal_of(request).require_operator()
    return await _export(request, request.query.get("tenant"))


@routes.get("/api/v1/tenants/{tenant_id}/billing/export")
async def export_tenant(request: web.Request) -> web.StreamResponse:
    """Export a tenant's own invoices or rated calls."""
    tenant_id = request.match_info["tenant_id"]
    principal_of(request).require_tenant(tenant_id, "tenant_admin")
    return await _export(request, tenant_id)
