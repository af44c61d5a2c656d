"""Saving schedules: validate, check the closed destination, precompute the open spans.

PostgreSQL answers "is this number open now?" at call time from ``schedule_open`` (see the
``cc_dids`` view), so calls route by the hours even while the control plane is down. The
spans cover ``HORIZON_DAYS`` ahead and are topped up by :func:`refresh_due`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from callcenter import documents
from callcenter.auth.principal import Principal
from callcenter.db.pool import connection, transaction
from callcenter.destinations.service import check_tenant_destination
from callcenter.routing.schedule import Schedule, open_spans, parse_schedule
from callcenter.schedules import repo

HORIZON_DAYS = 400
REFRESH_WHEN_LEFT = timedelta(days=300)
SCHEDULES = documents.DocumentKind(
    "schedules", "schedule", "numbers still use this schedule", "numbers"
)


def _spans(schedule: Schedule, now: datetime) -> tuple[list[tuple[datetime, datetime]], datetime]:
    first = (now - timedelta(days=2)).date()
    last = (now + timedelta(days=HORIZON_DAYS)).date()
    until = datetime.combine(last, datetime.min.time(), tzinfo=UTC)
    return open_spans(schedule, first, last), until


async def put_schedule(
    pool: Any, who: Principal, tenant_id: str, name: str, body: dict[str, Any]
) -> dict[str, Any]:
    """Create or replace a schedule; numbers using it follow the new hours at once."""
    documents.check_put(who, tenant_id, SCHEDULES, name)
    schedule = parse_schedule(body)
    dest = schedule.closed_destination
    spans, until = _spans(schedule, datetime.now(UTC))
    async with transaction(pool) as conn:
        closed = await check_tenant_destination(
            conn, tenant_id, dest.kind, dest.target, "closed_destination"
        )
        await repo.put_schedule(conn, tenant_id, name, body, closed, spans, until)
        row = await documents.fetch_row(conn, tenant_id, SCHEDULES, name)
    return documents.view(row)


async def delete_schedule(pool: Any, who: Principal, tenant_id: str, name: str) -> None:
    """Remove a schedule that no number uses."""
    await documents.delete_unused(pool, who, tenant_id, SCHEDULES, name, repo.numbers_using)


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
