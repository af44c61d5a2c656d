"""Saving schedules: validate, check the closed destination, precompute the open spans.

PostgreSQL answers "is this number open now?" at call time from ``schedule_open`` (see the
``cc_dids`` view), so calls route by the hours even while the control plane is down. The
spans cover ``HORIZON_DAYS`` ahead and are topped up by :func:`refresh_due`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.destinations.service import check_tenant_destination
from callcenter.errors import Conflict, InvalidInput, NotFound
from callcenter.routing.schedule import Schedule, open_spans, parse_schedule
from callcenter.schedules import repo

HORIZON_DAYS = 400
REFRESH_WHEN_LEFT = timedelta(days=300)
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"


def _spans(schedule: Schedule, now: datetime) -> tuple[list[tuple[datetime, datetime]], datetime]:
    first = (now - timedelta(days=2)).date()
    last = (now + timedelta(days=HORIZON_DAYS)).date()
    until = datetime.combine(last, datetime.min.time(), tzinfo=UTC)
    return open_spans(schedule, first, last), until


def _view(row: Any) -> dict[str, Any]:
    return {
        "name": row["name"],
        **json.loads(row["definition"]),
        "updated_at": row["updated_at"].isoformat(),
    }


async def put_schedule(
    pool: Any, who: Principal, tenant_id: str, name: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Create or replace a schedule; numbers using it follow the new hours at once."""
    who.require_tenant(tenant_id, "tenant_admin")
    if not re.match(NAME_PATTERN, name):
        raise InvalidInput("a schedule name is lowercase letters, digits and _", field="name")
    schedule = parse_schedule(body)
    dest = schedule.closed_destination
    spans, until = _spans(schedule, datetime.now(UTC))
    async with transaction(pool) as conn:
        closed = await check_tenant_destination(
            conn, tenant_id, dest.kind, dest.target, "closed_destination"
        )
        await repo.put_schedule(conn, tenant_id, name, body, closed, spans, until)
        row = await repo.get_schedule(conn, tenant_id, name)
    return _view(row)


async def get_schedule(pool: Any, who: Principal, tenant_id: str, name: str) -> dict[str, Any]:
    """One of the tenant's schedules."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        row = await repo.get_schedule(conn, tenant_id, name)
    if row is None:
        raise NotFound("no such schedule", field="name")
    return _view(row)


async def list_schedules(pool: Any, who: Principal, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's schedules."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with connection(pool) as conn:
        return [_view(r) for r in await repo.list_schedules(conn, tenant_id)]


async def delete_schedule(pool: Any, who: Principal, tenant_id: str, name: str) -> None:
    """Remove a schedule that no number uses."""
    who.require_tenant(tenant_id, "tenant_admin")
    async with transaction(pool) as conn:
        used = await repo.numbers_using(conn, tenant_id, name)
        if used:
            raise Conflict("numbers still use this schedule", field="name", numbers=used)
        if not await repo.delete_schedule(conn, tenant_id, name):
            raise NotFound("no such schedule", field="name")


async def refresh_due(pool: Any, now: datetime | None = None) -> int:
    """Recompute the spans of schedules running out of horizon; returns how many."""
    now = now or datetime.now(UTC)
    async with connection(pool) as conn:
        due = await repo.due_for_refresh(conn, now + REFRESH_WHEN_LEFT)
    for row in due:
        definition = json.loads(row["definition"])
        schedule = parse_schedule(definition)
        spans, until = _spans(schedule, now)
        dest = schedule.closed_destination
        async with transaction(pool) as conn:
            await repo.put_schedule(
                conn,
                row["tenant_id"],
                row["name"],
                definition,
                (dest.kind, dest.target),
                spans,
                until,
            )
    return len(due)
