"""Asterisk object names: every one carries its tenant, every one is globally unique. Pure."""

from __future__ import annotations


def endpoint_id(tenant_id: str, extension: str) -> str:
    """PJSIP endpoint, auth and AOR id of a seat: ``acme-1001``."""
    return f"{tenant_id}-{extension}"


def queue_name(tenant_id: str, name: str) -> str:
    """app_queue queue name: ``acme-support``."""
    return f"{tenant_id}-{name}"


def tenant_context(tenant_id: str) -> str:
    """The dialplan context a tenant's phones live in."""
    return f"tenant-{tenant_id}"


def device(endpoint: str) -> str:
    """The custom device whose state app_queue watches for a seat."""
    return f"Custom:{endpoint}"


def tenant_of_queue(queue: str) -> str:
    """``acme-support`` -> ``acme`` (tenant ids never contain ``-``)."""
    return queue.split("-", 1)[0]
