"""Contacts in PostgreSQL."""

from __future__ import annotations

from typing import Any

_COLUMNS = "id, tenant_id, phone, name, company, email, notes, created_at"


async def insert_contact(
    conn: Any, tenant_id: str, phone: str, name: str, company: str, email: str, notes: str
) -> Any:
    """Create a contact; a phone already known raises UniqueViolation."""
    return await conn.fetchrow(
        "INSERT INTO contacts (tenant_id, phone, name, company, email, notes)"  # noqa: S608
        f" VALUES ($1, $2, $3, $4, $5, $6) RETURNING {_COLUMNS}",
        tenant_id,
        phone,
        name,
        company,
        email,
        notes,
    )


async def find_by_phone(conn: Any, tenant_id: str, phone: str) -> Any:
    """The tenant's contact for a phone number, or None."""
    return await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM contacts WHERE tenant_id = $1 AND phone = $2",  # noqa: S608
        tenant_id,
        phone,
    )


async def list_contacts(conn: Any, tenant_id: str, limit: int) -> list[Any]:
    """The tenant's contacts, newest first."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_COLUMNS} FROM contacts WHERE tenant_id = $1"  # noqa: S608
        " ORDER BY id DESC LIMIT $2",
        tenant_id,
        limit,
    )
    return rows
