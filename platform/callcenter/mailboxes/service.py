"""Voicemail boxes of a tenant: a destination like any other."""

from __future__ import annotations

from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, on_conflict, transaction
from callcenter.destinations import repo as destinations_repo
from callcenter.errors import Conflict, NotFound
from callcenter.mailboxes import repo
from callcenter.mailboxes.errors import MailboxExists
from callcenter.mailboxes.schemas import MailboxEdit, MailboxIn


async def create_mailbox(
    pool: Any, who: Principal, tenant_id: str, data: MailboxIn
) -> dict[str, Any]:
    """Create a mailbox; calls can be sent to it at once."""
    who.require_tenant(tenant_id, "tenant_admin")
    exists = MailboxExists("mailbox already exists", field="mailbox")
    async with transaction(pool) as conn, on_conflict(exists):
        await repo.insert_mailbox(conn, tenant_id, data.mailbox, data.name, data.email)
    return data.model_dump()


async def list_mailboxes(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's mailboxes."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return [dict(r) for r in await repo.list_mailboxes(conn, tenant_id)]


async def update_mailbox(
    pool: Any, who: Principal, tenant_id: str, mailbox: str, data: MailboxEdit
) -> dict[str, Any]:
    """Change a mailbox's name and e-mail address."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        if not await repo.update_mailbox(conn, tenant_id, mailbox, data.name, data.email):
            raise NotFound("no such mailbox", field="mailbox")
    return {"mailbox": mailbox, **data.model_dump()}


async def delete_mailbox(pool: Any, who: Principal, tenant_id: str, mailbox: str) -> None:
    """Remove a mailbox nothing sends calls to; otherwise a Conflict naming them."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        used = await destinations_repo.users_of(conn, tenant_id, "voicemail", mailbox)
        if used:
            raise Conflict("the mailbox is still in use", field="mailbox", used_by=used)
        if not await repo.delete_mailbox(conn, tenant_id, mailbox):
            raise NotFound("no such mailbox", field="mailbox")


async def list_messages(
    pool: Any, who: Principal, tenant_id: str, mailbox: str | None
) -> list[dict[str, Any]]:
    """The tenant's voicemail inbox (tenant admins)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        rows = await repo.list_messages(conn, tenant_id, mailbox)
    return [
        {
            "id": r["id"],
            "mailbox": r["mailbox"],
            "caller": r["caller"],
            "seconds": r["seconds"],
            "received_at": r["received_at"].isoformat(),
            "heard": r["heard"],
            "emailed": r["emailed_at"] is not None,
        }
        for r in rows
    ]


async def message_audio(pool: Any, who: Principal, tenant_id: str, message_id: int) -> bytes:
    """A voicemail message's WAV."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        data = await repo.message_audio(conn, tenant_id, message_id)
    if data is None:
        raise NotFound("no such message", field="id")
    return data


async def mark_heard(
    pool: Any, who: Principal, tenant_id: str, message_id: int, heard: bool
) -> dict[str, Any]:
    """Mark a voicemail message heard (or new again)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        if not await repo.set_heard(conn, tenant_id, message_id, heard):
            raise NotFound("no such message", field="id")
    return {"id": message_id, "heard": heard}
