"""``/api/v1/tenants/{tenant_id}/ivrs``."""

from __future__ import annotations

from callcenter.ivrs import service
from callcenter.web.documents import document_routes

routes = document_routes(
    __name__,
    "/api/v1/tenants/{tenant_id}/ivrs",
    service.IVRS,
    ("ivr", "ivrs"),
    service.put_ivr,
    service.delete_ivr,
    {
        "put": "Create or replace an IVR (tenant admins).",
        "list": "The tenant's ivrs.",
        "get": "One ivr.",
        "delete": "Remove an IVR no number uses.",
    },
)
