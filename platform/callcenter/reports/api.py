"""``/api/v1/tenants/{tenant_id}/reports/{queues,agents,numbers}``: JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from callcenter import keys
from callcenter.auth.principal import Principal
from callcenter.errors import InvalidInput
from callcenter.reports import service
from callcenter.reports.schemas import ReportQuery
from callcenter.selfservice import service as selfservice_service
from callcenter.web.io import field_path, principal_of

routes = web.RouteTableDef()
Builder = Callable[[Any, Principal, str, ReportQuery], Awaitable[list[dict[str, Any]]]]


def _query(request: web.Request) -> ReportQuery:
    try:
        return ReportQuery.model_validate(dict(request.query))
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(first["msg"], field=field_path(tuple(first["loc"]))) from exc


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: json.dumps(v) if isinstance(v, dict) else v for k, v in row.items()}
            )
    return out.getvalue()


async def _report(request: web.Request, build: Builder, name: str) -> web.Response:
    who = principal_of(request)
    q = _query(request)
    tenant_id = request.match_info["tenant_id"]
    rows = await build(request.app[keys.POOL], who, tenant_id, q)
    if q.format == "csv":
        return web.Response(
            text=_csv(rows),
            content_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{tenant_id}-{name}.csv"'},
        )
    return web.json_response(rows)


@routes.get("/api/v1/tenants/{tenant_id}/reports/queues")
async def queues(request: web.Request) -> web.Response:
    """Queue figures per interval."""
    return await _report(request, service.queue_report, "queues")


@routes.get("/api/v1/tenants/{tenant_id}/reports/agents")
async def agents(request: web.Request) -> web.Response:
    """Agent figures per interval."""
    return await _report(request, service.agent_report, "agents")


@routes.get("/api/v1/tenants/{tenant_id}/reports/numbers")
async def numbers(request: web.Request) -> web.Response:
    """Calls and minutes per number dialled, per interval."""
    return await _report(request, service.number_report, "numbers")


@routes.get("/api/v1/tenants/{tenant_id}/reports/ivr-keys")
async def ivr_keys(request: web.Request) -> web.Response:
    """Calls per path of IVR keys pressed in the period."""
    return await _report(request, service.ivr_key_report, "ivr-keys")


@routes.get("/api/v1/tenants/{tenant_id}/reports/survey-queues")
async def survey_queues(request: web.Request) -> web.Response:
    """After-call survey answers and average score per queue and interval."""
    return await _report(request, service.survey_queue_report, "survey-queues")


@routes.get("/api/v1/tenants/{tenant_id}/reports/survey-agents")
async def survey_agents(request: web.Request) -> web.Response:
    """After-call survey answers and average score per agent and interval."""
    return await _report(request, service.survey_agent_report, "survey-agents")


@routes.get("/api/v1/tenants/{tenant_id}/reports/agent-states")
async def agent_states(request: web.Request) -> web.Response:
    """Each agent's state timeline (available, paused, talk, wrap-up) in the period."""
    return await _report(request, service.agent_state_report, "agent-states")


@routes.get("/api/v1/tenants/{tenant_id}/reports/selfservice")
async def selfservice(request: web.Request) -> web.Response:
    """Per IVR lookup node: containment, lookups by outcome, failure rate and latency."""
    return await _report(request, selfservice_service.selfservice_report, "selfservice")
