"""Voicemail boxes of a tenant: a destination like any other."""

from __future__ import annotations

from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, on_conflict, transaction
from callcenter.mailboxes import repo
from callcenter.mailboxes.errors import MailboxExists
from callcenter.mailboxes.schemas import MailboxIn


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
