"""Operators add, change and remove carrier trunks; the edge reads them per call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, on_conflict, transaction
from callcenter.errors import InvalidInput
from callcenter.trunks import repo
from callcenter.trunks.errors import HostIsNode, NoSuchTrunk, TrunkExists
from callcenter.trunks.schemas import TrunkIn, TrunkPatch, columns

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _view(row: Any) -> dict[str, Any]:
    return {
        "name": row["name"],
        "host": row["host"],
        "port": row["port"],
        "transport": row["transport"],
        "max_channels": row["max_channels"],
        "priority": row["priority"],
        "prefixes": list(row["prefixes"]),
        "inbound_prefixes": list(row["inbound_prefixes"]),
        "enabled": row["enabled"],
        # The password is write-only: it is for the carrier, never shown again.
        "registration": {
            "register": row["register"],
            "auth_username": row["auth_username"],
            "has_password": row["has_password"],
            "expires": row["register_expires"],
        },
        "created_at": row["created_at"].isoformat(),
        "tenant": row["tenant_id"],
    }


def _check_credentials(values: Mapping[str, Any]) -> None:
    """A registering trunk needs both halves of its credentials; a password needs a user."""
    user, password = values.get("auth_username"), values.get("auth_password")
    if values.get("register") and user is None:
        raise InvalidInput("a registering trunk needs auth_username", field="auth_username")
    if values.get("register") and password is None:
        raise InvalidInput("a registering trunk needs auth_password", field="auth_password")
    if (user is None) != (password is None):
        missing = "auth_password" if password is None else "auth_username"
        raise InvalidInput("credentials come as a username and a password", field=missing)


def _valid_name(name: str) -> bool:
    return 0 < len(name) <= 32 and name[0].isalpha() and set(name) <= _NAME_CHARS


async def _refuse_node_host(conn: Any, host: str) -> None:
    node = await repo.node_at(conn, host)
    if node is not None:
        raise HostIsNode("the address is a platform node's", field="host", node=node)


async def add_trunk(pool: Any, who: Principal, data: TrunkIn) -> dict[str, Any]:
    """Operator: a new trunk; its next call in or out already uses it."""
    who.require_operator()
    values = columns(data)
    del values["name"]
    _check_credentials(values)
    if data.tenant is not None and "" in data.prefixes:
        raise InvalidInput(
            "a tenant's PBX trunk names the extension prefixes agents transfer to",
            field="prefixes",
        )
    async with transaction(pool) as conn:
        await _refuse_node_host(conn, data.host)
        if data.tenant is not None and not await repo.tenant_exists(conn, data.tenant):
            raise InvalidInput("no such tenant", field="tenant")
        async with on_conflict(TrunkExists("already taken", field="name")):
            row = await repo.insert_trunk(conn, data.name, values)
    return _view(row)


async def list_trunks(pool: Any, who: Principal) -> list[dict[str, Any]]:
    """Operator: every trunk, in the order outbound calls try them."""
    who.require_operator()
    async with connection(pool) as conn:
        return [_view(r) for r in await repo.list_trunks(conn)]


async def get_trunk(pool: Any, who: Principal, name: str) -> dict[str, Any]:
    """Operator: one trunk."""
    who.require_operator()
    if not _valid_name(name):
        raise NoSuchTrunk("no such trunk", field="name")
    async with connection(pool) as conn:
        row = await repo.get_trunk(conn, name)
    if row is None:
        raise NoSuchTrunk("no such trunk", field="name")
    return _view(row)


async def change_trunk(pool: Any, who: Principal, name: str, data: TrunkPatch) -> dict[str, Any]:
    """Operator: change some fields of a trunk; calls up on it are not cut."""
    who.require_operator()
    if not _valid_name(name):
        raise NoSuchTrunk("no such trunk", field="name")
    changes = data.changes()
    async with transaction(pool) as conn:
        row = await repo.get_trunk(conn, name, for_update=True)
        if row is None:
            raise NoSuchTrunk("no such trunk", field="name")
        merged = {c: row[c] for c in ("register", "auth_username", "auth_password")}
        merged.update(changes)
        _check_credentials(merged)
        if "host" in changes:
            await _refuse_node_host(conn, changes["host"])
        if row["tenant_id"] is not None and "" in changes.get("prefixes", ["-"]):
            raise InvalidInput(
                "a tenant's PBX trunk names the extension prefixes agents transfer to",
                field="prefixes",
            )
        if changes:
            row = await repo.update_trunk(conn, name, changes)
    return _view(row)


async def remove_trunk(pool: Any, who: Principal, name: str) -> None:
    """Operator: remove a trunk; calls up on it finish, new ones use the others."""
    who.require_operator()
    if not _valid_name(name):
        raise NoSuchTrunk("no such trunk", field="name")
    async with transaction(pool) as conn:
        if not await repo.delete_trunk(conn, name):
            raise NoSuchTrunk("no such trunk", field="name")
