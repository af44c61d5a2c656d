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


async def update_mailbox(conn: Any, tenant_id: str, mailbox: str, name: str, email: str) -> bool:
    """Change a mailbox's name and address; False when there is no such mailbox."""
    status: str = await conn.execute(
        "UPDATE mailboxes SET name = $3, email = $4 WHERE tenant_id = $1 AND mailbox = $2",
        tenant_id,
        mailbox,
        name,
        email,
    )
    return status != "UPDATE 0"


async def delete_mailbox(conn: Any, tenant_id: str, mailbox: str) -> bool:
    """Remove a mailbox; False when there was none."""
    status: str = await conn.execute(
        "DELETE FROM mailboxes WHERE tenant_id = $1 AND mailbox = $2", tenant_id, mailbox
    )
    return status != "DELETE 0"


async def list_messages(conn: Any, tenant_id: str, mailbox: str | None) -> list[Any]:
    """The tenant's voicemail (one mailbox's when named), newest first, without audio."""
    rows: list[Any] = await conn.fetch(
        "SELECT id, mailbox, caller, seconds, received_at, heard, emailed_at"
        " FROM voicemail_messages WHERE tenant_id = $1 AND ($2::text IS NULL OR mailbox = $2)"
        " ORDER BY received_at DESC, id DESC LIMIT 500",
        tenant_id,
        mailbox,
    )
    return rows


async def message_audio(conn: Any, tenant_id: str, message_id: int) -> bytes | None:
    """A message's WAV, or None."""
    data: bytes | None = await conn.fetchval(
        "SELECT audio FROM voicemail_messages WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        message_id,
    )
    return data


async def set_heard(conn: Any, tenant_id: str, message_id: int, heard: bool) -> bool:
    """Mark a message heard (or new again); False if the tenant has no such message."""
    status: str = await conn.execute(
        "UPDATE voicemail_messages SET heard = $3 WHERE tenant_id = $1 AND id = $2",
        tenant_id,
        message_id,
        heard,
    )
    return status.endswith(" 1")
