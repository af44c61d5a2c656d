"""Asterisk object names: every one carries its tenant, every one is globally unique. Pure."""

from __future__ import annotations


def endpoint_id(tenant_id: str, extension: str) -> str:
    """PJSIP endpoint, auth and AOR id of a seat: ``acme-1001``."""
    return f"{tenant_id}-{extension}"


def queue_name(tenant_id: str, name: str) -> str:
    """app_queue queue name: ``acme-support``."""
    return f"{tenant_id}-{name}"


# The static dialplan context every seat's calls enter (extensions.conf); the tenant comes
# from the endpoint row (``set_var`` ``__TENANT``), not from a per-tenant context.
PHONE_CONTEXT = "cc-phone-entry"


def phone_vars(tenant_id: str) -> str:
    """``ps_endpoints.set_var`` of a tenant's seat (res_config_pgsql splits it on ``;``)."""
    return f"TRANSFER_CONTEXT={PHONE_CONTEXT};__TENANT={tenant_id}"


def device(endpoint: str) -> str:
    """The custom device whose state app_queue watches for a seat."""
    return f"Custom:{endpoint}"


def tenant_of_queue(queue: str) -> str:
    """``acme-support`` -> ``acme`` (tenant ids never contain ``-``)."""
    return queue.split("-", 1)[0]
