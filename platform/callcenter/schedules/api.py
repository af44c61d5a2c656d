"""``/api/v1/tenants/{tenant_id}/schedules``."""

from __future__ import annotations

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
