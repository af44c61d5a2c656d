"""Named JSON documents of a tenant (schedules, IVRs): the parts their services share.

Each kind is a table keyed by ``(tenant_id, name)`` with a ``definition`` JSON column and
``updated_at``. Saving and deleting differ per kind (what is precomputed, what may point at
it); naming, reading, listing, removing and the view returned to clients are the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.errors import Conflict, InvalidInput, NotFound

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


@dataclass(frozen=True)
class DocumentKind:
    """One kind of document: its table (a constant, never input) and how people name it."""

    table: Literal["schedules", "ivrs"]
    noun: str
    in_use: str  # the Conflict message while something still points at the document
    users_key: str  # the Conflict detail that lists what does


def check_put(who: Principal, tenant_id: str, kind: DocumentKind, name: str) -> None:
    """Tenant admins only; a name is lowercase letters, digits and ``_`` (for the dialplan)."""
    who.require_tenant(tenant_id, "tenant_admin")
    if not NAME_RE.match(name):
        raise InvalidInput(f"a {kind.noun} name is lowercase letters, digits and _", field="name")


def view(row: Any) -> dict[str, Any]:
    """What clients see: the name, the definition as saved, and when it last changed."""
    return {
        "name": row["name"],
        **json.loads(row["definition"]),
        "updated_at": row["updated_at"].isoformat(),
    }


async def fetch_row(conn: Any, tenant_id: str, kind: DocumentKind, name: str) -> Any:
    """One document row, or None."""
    return await conn.fetchrow(
        f"SELECT name, definition::text AS definition, updated_at FROM {kind.table}"  # noqa: S608 (table is a Literal)
        " WHERE tenant_id = $1 AND name = $2",
        tenant_id,
        name,
    )


async def fetch_rows(conn: Any, tenant_id: str, kind: DocumentKind) -> list[Any]:
    """A tenant's document rows, by name."""
    rows: list[Any] = await conn.fetch(
        f"SELECT name, definition::text AS definition, updated_at FROM {kind.table}"  # noqa: S608 (table is a Literal)
        " WHERE tenant_id = $1 ORDER BY name",
        tenant_id,
    )
    return rows


async def delete_row(conn: Any, tenant_id: str, kind: DocumentKind, name: str) -> bool:
    """Remove a document row; False if there was none."""
    result: str = await conn.execute(
        f"DELETE FROM {kind.table} WHERE tenant_id = $1 AND name = $2",  # noqa: S608 (a Literal)
        tenant_id,
        name,
    )
    return result.endswith(" 1")


async def get(
    pool: Any, who: Principal, tenant_id: str, kind: DocumentKind, name: str
) -> dict[str, Any]:
    """One of the tenant's documents (tenant admins)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        row = await fetch_row(conn, tenant_id, kind, name)
    if row is None:
        raise NotFound(f"no such {kind.noun}", field="name")
    return view(row)


async def list_all(
    pool: Any, who: Principal, tenant_id: str, kind: DocumentKind
) -> list[dict[str, Any]]:
    """The tenant's documents of this kind (tenant admins)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return [view(r) for r in await fetch_rows(conn, tenant_id, kind)]


async def delete_unused(
    pool: Any,
    who: Principal,
    tenant_id: str,
    kind: DocumentKind,
    name: str,
    users_of: Callable[[Any, str, str], Awaitable[list[str]]],
) -> None:
    """Remove a document nothing points at (``users_of`` says what does) (tenant admins)."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        users = await users_of(conn, tenant_id, name)
        if users:
            conflict = Conflict(kind.in_use, field="name")
            conflict.details[kind.users_key] = users
            raise conflict
        if not await delete_row(conn, tenant_id, kind, name):
            raise NotFound(f"no such {kind.noun}", field="name")
