"""``/api/v1/tenants/{tenant_id}/schedules`` and ``/api/v1/calendar/national``."""

from __future__ import annotations

import re

from aiohttp import web

from callcenter.errors import InvalidInput
from callcenter.routing.schedule import national_days
from callcenter.schedules import service
from callcenter.web.documents import document_routes

routes = document_routes(
    __name__,
    "/api/v1/tenants/{tenant_id}/schedules",
    service.SCHEDULES,
    ("schedule", "schedules"),
    service.put_schedule,
    service.delete_schedule,
    {
        "put": "Create or replace a schedule (tenant admins).",
        "list": "The tenant's schedules.",
        "get": "One schedule.",
        "delete": "Remove a schedule no number uses.",
    },
)


@routes.get("/api/v1/calendar/national")
async def national_calendar(request: web.Request) -> web.Response:
    """The Chinese statutory holidays and make-up workdays (调休) of a year, as schedules with
    ``follow_national_calendar`` apply them; ``holiday`` is a stable English key. Public
    data: no token needed."""
    year = request.query.get("year", "")
    if not re.fullmatch(r"20\d\d", year):
        raise InvalidInput("year is YYYY", field="year")
    return web.json_response(
        [
            {"date": d.isoformat(), "kind": kind, "holiday": name}
            for d, kind, name in national_days(int(year))
        ]
    )
