"""Reading and writing a tenant's contacts (agents and tenant admins of that tenant)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.contacts import repo
from callcenter.contacts.schemas import ContactIn
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, InvalidInput, NotFound


def contact_view(row: Mapping[str, Any]) -> dict[str, Any]:
    """A hosted contact row as the console shows it."""
    return {
        "id": row["id"],
        "name": row["name"],
        "phone": row["phone"],
        "company": row["company"],
        "email": row["email"],
        "notes": row["notes"],
        "source": "hosted",
    }


async def add_contact(pool: Any, who: Principal, tenant_id: str, data: ContactIn) -> dict[str, Any]:
    """Create a contact (the console's new-contact form)."""
    who.require_tenant(tenant_id, "tenant_admin", "agent")
    try:
        async with transaction(pool) as conn:
            row = await repo.insert_contact(
                conn, tenant_id, data.phone, data.name, data.company, data.email, data.notes
            )
    except Conflict as exc:
        raise Conflict("a contact with this phone exists", field="phone") from exc
    return contact_view(row)


async def find_contact(pool: Any, who: Principal, tenant_id: str, phone: str) -> dict[str, Any]:
    """The contact for a phone number."""
    who.require_tenant(tenant_id, "tenant_admin", "agent")
    if not phone.isdigit() or not 3 <= len(phone) <= 20:
        raise InvalidInput("phone must be 3-20 digits", field="phone")
    async with connection(pool) as conn:
        row = await repo.find_by_phone(conn, tenant_id, phone)
    if row is None:
        raise NotFound("no such contact", field="phone")
    return contact_view(row)


async def list_contacts(
    pool: Any, who: Principal, tenant_id: str, limit: int = 100
) -> list[dict[str, Any]]:
    """The tenant's contacts."""
    who.require_tenant(tenant_id, "tenant_admin", "agent")
    async with connection(pool) as conn:
        return [contact_view(r) for r in await repo.list_contacts(conn, tenant_id, limit)]
