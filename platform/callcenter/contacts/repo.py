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


async def search_contacts(conn: Any, tenant_id: str, query: str, limit: int) -> list[Any]:
    """The tenant's contacts whose name, phone, company or e-mail contains ``query``."""
    like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows: list[Any] = await conn.fetch(
        f"SELECT {_COLUMNS} FROM contacts WHERE tenant_id = $1"  # noqa: S608
        " AND (name ILIKE $2 OR phone LIKE $2 OR company ILIKE $2 OR email ILIKE $2)"
        " ORDER BY name, id LIMIT $3",
        tenant_id,
        like,
        limit,
    )
    return rows


async def get_contact(conn: Any, tenant_id: str, contact_id: int) -> Any:
    """One of the tenant's contacts, or None."""
    return await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM contacts WHERE tenant_id = $1 AND id = $2",  # noqa: S608
        tenant_id,
        contact_id,
    )


async def update_contact(
    conn: Any,
    tenant_id: str,
    contact_id: int,
    phone: str,
    name: str,
    company: str,
    email: str,
    notes: str,
) -> Any:
    """Replace a contact's fields; None if the tenant has no such contact."""
    return await conn.fetchrow(
        f"UPDATE contacts SET phone = $3, name = $4, company = $5, email = $6, notes = $7"  # noqa: S608
        f" WHERE tenant_id = $1 AND id = $2 RETURNING {_COLUMNS}",
        tenant_id,
        contact_id,
        phone,
        name,
        company,
        email,
        notes,
    )


async def delete_contact(conn: Any, tenant_id: str, contact_id: int) -> bool:
    """Remove a contact; False if the tenant has no such contact."""
    status: str = await conn.execute(
        "DELETE FROM contacts WHERE tenant_id = $1 AND id = $2", tenant_id, contact_id
    )
    return status.endswith(" 1")


async def upsert_contact(
    conn: Any, tenant_id: str, phone: str, name: str, company: str, email: str, notes: str
) -> bool:
    """Create or update the contact of ``phone``; True when it was new."""
    inserted: bool = await conn.fetchval(
        "INSERT INTO contacts (tenant_id, phone, name, company, email, notes)"
        " VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (tenant_id, phone) DO UPDATE SET name = EXCLUDED.name,"
        " company = EXCLUDED.company, email = EXCLUDED.email, notes = EXCLUDED.notes"
        " RETURNING (xmax = 0)",
        tenant_id,
        phone,
        name,
        company,
        email,
        notes,
    )
    return inserted


async def all_contacts(conn: Any, tenant_id: str) -> list[Any]:
    """Every contact of the tenant (export)."""
    rows: list[Any] = await conn.fetch(
        f"SELECT {_COLUMNS} FROM contacts WHERE tenant_id = $1 ORDER BY id",  # noqa: S608
        tenant_id,
    )
    return rows


async def calls_with(conn: Any, tenant_id: str, phone: str, limit: int) -> list[Any]:
    """The tenant's calls from or to ``phone``, newest first: one row per call (linkedid),
    with whether anyone answered, the talk time, the queue and the agent's note."""
    rows: list[Any] = await conn.fetch(
        "SELECT c.linkedid, min(c.start) AS start,"
        " bool_or(c.disposition = 'ANSWERED' AND c.dstchannel <> '') AS answered,"
        " max(c.billsec) FILTER (WHERE c.disposition = 'ANSWERED') AS talk_s,"
        " max(c.direction) AS direction, max(c.queue) AS queue, max(c.did) AS did,"
        " max(n.note) AS note, max(n.disposition) AS outcome, max(n.agent_extension) AS agent"
        " FROM cdr c LEFT JOIN call_notes n ON n.tenant_id = c.tenantid AND n.linkedid = c.linkedid"
        " WHERE c.tenantid = $1 AND (c.src = $2 OR c.dst = $2)"
        " GROUP BY c.linkedid ORDER BY min(c.start) DESC LIMIT $3",
        tenant_id,
        phone,
        limit,
    )
    return rows
