"""Mailboxes in PostgreSQL (app_voicemail reads them through the ``cc_voicemail`` view)."""

from __future__ import annotations

from typing import Any


async def insert_mailbox(conn: Any, tenant_id: str, mailbox: str, name: str, email: str) -> None:
    """Add a mailbox; a duplicate number breaks the table's key."""
    await conn.execute(
        "INSERT INTO mailboxes (tenant_id, mailbox, name, email) VALUES ($1, $2, $3, $4)",
        tenant_id,
        mailbox,
        name,
        email,
    )


async def list_mailboxes(conn: Any, tenant_id: str) -> list[Any]:
    """A tenant's mailboxes, by number."""
    rows: list[Any] = await conn.fetch(
        "SELECT mailbox, name, email FROM mailboxes WHERE tenant_id = $1 ORDER BY mailbox",
        tenant_id,
    )
    return rows
