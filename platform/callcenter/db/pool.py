"""Connection pool and the one place where asyncpg errors become domain errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from callcenter.errors import AlreadyExists, BrokenReference, DomainError, Unavailable

Pool = asyncpg.Pool
Connection = asyncpg.Connection
Record = asyncpg.Record


async def _keep_session(_conn: Any) -> None:
    """Pooled connections hold no session state: LISTEN and session advisory locks use
    connections of their own (db/listen.py, db/migrate.py), SET and locks are transaction-
    local. So a released connection skips asyncpg's reset query (``pg_advisory_unlock_all();
    CLOSE ALL; UNLISTEN *; RESET ALL``), a round trip on every release; asyncpg still rolls
    back a transaction left open."""


async def create_pool(dsn: str, *, min_size: int = 1, max_size: int = 10) -> Any:
    """Open a pool; connection failures are retried by asyncpg on acquire."""
    return await asyncpg.create_pool(
        dsn, min_size=min_size, max_size=max_size, command_timeout=10, reset=_keep_session
    )


def map_error(exc: BaseException) -> DomainError | None:
    """Translate a database failure into the domain error callers understand."""
    if isinstance(exc, asyncpg.UniqueViolationError):
        return AlreadyExists("already exists", constraint=exc.constraint_name or "")
    if isinstance(exc, asyncpg.ForeignKeyViolationError):
        return BrokenReference(
            "refers to something that does not exist", constraint=exc.constraint_name or ""
        )
    if isinstance(
        exc,
        (
            OSError,
            TimeoutError,
            asyncpg.PostgresConnectionError,  # SQLSTATE class 08
            asyncpg.exceptions.OperatorInterventionError,  # 57P01 admin_shutdown: a restart
            asyncpg.CannotConnectNowError,
            asyncpg.ConnectionDoesNotExistError,
            asyncpg.InterfaceError,
            asyncpg.TooManyConnectionsError,
        ),
    ):
        return Unavailable("the database is unavailable, try again shortly")
    return None


@asynccontextmanager
async def _mapped() -> AsyncIterator[None]:
    try:
        yield
    except DomainError:
        raise
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError) as exc:
        mapped = map_error(exc)
        if mapped is None:
            raise
        raise mapped from exc


@asynccontextmanager
async def on_conflict(error: DomainError) -> AsyncIterator[None]:
    """Inside a transaction: raise ``error`` if a statement breaks a unique or foreign key.

    Callers name what the clash means where they know it (``ExtensionTaken``), instead of
    reading constraint names from the generic error afterwards.
    """
    try:
        yield
    except (asyncpg.UniqueViolationError, asyncpg.ForeignKeyViolationError) as exc:
        raise error from exc


@asynccontextmanager
async def transaction(pool: Any) -> AsyncIterator[Any]:
    """Acquire a connection and run a transaction; database errors leave as domain errors."""
    async with _mapped(), pool.acquire() as conn, conn.transaction():
        yield conn


@asynccontextmanager
async def connection(pool: Any) -> AsyncIterator[Any]:
    """Acquire a connection for reads; database errors leave as domain errors."""
    async with _mapped(), pool.acquire() as conn:
        yield conn
