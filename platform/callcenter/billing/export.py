"""Export jobs: invoices and rated calls as CSV or JSON lines, streamed by PostgreSQL's COPY.

Rows flow from a ``COPY (SELECT ...) TO STDOUT`` straight to a sink (an HTTP response or a
file), chunk by chunk, so memory stays flat whatever the row count. Rows come in key order
(tenant, call id / period) and every row carries its ``cursor``; ``after=<cursor>`` resumes
after it. A file export writes ``<out>.part`` and renames it when complete, so running it
twice, or after a crash, leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from callcenter.billing.schemas import parse_period
from callcenter.db.pool import connection
from callcenter.errors import InvalidInput

Kind = Literal["invoices", "calls"]
Format = Literal["csv", "json"]
Sink = Callable[[bytes], Awaitable[None]]

# An export of every tenant's month may stream for minutes (the pool's default is 10 s).
EXPORT_TIMEOUT = 6 * 3600.0

_TENANT = re.compile(r"^[a-z][a-z0-9]{1,15}$")
_CALL_ID = re.compile(r"^[A-Za-z0-9._/-]{1,150}$")

_CALLS = """
SELECT tenant_id, call_id, to_char(invoice_period, 'YYYY-MM') AS invoice_period,
       to_char(call_period, 'YYYY-MM') AS call_period, started_at, direction, billsec,
       disposition, agent, did, queue, uniqueid, sequence, tenant_id || ':' || call_id AS cursor
FROM billing_rated_calls
WHERE {where}
ORDER BY tenant_id, call_id
"""

_INVOICE_LINES = """
SELECT i.tenant_id, to_char(i.period, 'YYYY-MM') AS period, p.closed_at IS NOT NULL AS closed,
       l.position, l.code, l.description, l.quantity, l.unit_price, l.amount,
       i.subtotal, i.tax, i.total, i.currency,
       i.tenant_id || ':' || to_char(i.period, 'YYYY-MM') AS cursor
FROM invoices i JOIN billing_periods p ON p.period = i.period
JOIN invoice_lines l ON l.tenant_id = i.tenant_id AND l.period = i.period
WHERE {where}
ORDER BY i.tenant_id, i.period, l.position
"""

_INVOICES_JSON = """
SELECT json_build_object(
    'tenant_id', i.tenant_id, 'period', to_char(i.period, 'YYYY-MM'),
    'closed', p.closed_at IS NOT NULL, 'seat_days', i.seat_days,
    'subtotal', i.subtotal::text, 'tax', i.tax::text, 'total', i.total::text,
    'currency', i.currency,
    'lines', (SELECT coalesce(json_agg(json_build_object(
                  'code', l.code, 'description', l.description, 'quantity', l.quantity::text,
                  'unit_price', l.unit_price::text, 'amount', l.amount::text)
                  ORDER BY l.position), '[]'::json)
              FROM invoice_lines l WHERE l.tenant_id = i.tenant_id AND l.period = i.period),
    'cursor', i.tenant_id || ':' || to_char(i.period, 'YYYY-MM'))::text
FROM invoices i JOIN billing_periods p ON p.period = i.period
WHERE {where}
ORDER BY i.tenant_id, i.period
"""


@dataclass(frozen=True, slots=True)
class ExportQuery:
    """What to export: kind, format, and optional period, tenant and resume cursor."""

    kind: Kind
    fmt: Format
    period: date | None = None
    tenant_id: str | None = None
    after: tuple[str, str] | None = None


def parse_query(
    kind: str, fmt: str, period: str | None, tenant_id: str | None, after: str | None
) -> ExportQuery:
    """Validate export parameters; InvalidInput names the bad one."""
    if kind not in ("invoices", "calls"):
        raise InvalidInput("kind must be invoices or calls", field="kind")
    if fmt not in ("csv", "json"):
        raise InvalidInput("format must be csv or json", field="format")
    if tenant_id is not None and not _TENANT.match(tenant_id):
        raise InvalidInput("not a tenant id", field="tenant")
    cursor = None
    if after:
        left, sep, right = after.partition(":")
        ok = sep and _TENANT.match(left)
        ok = ok and (
            _CALL_ID.match(right) if kind == "calls" else re.match(r"^\d{4}-\d{2}$", right)
        )
        if not ok:
            raise InvalidInput("not a cursor of this export", field="after")
        cursor = (left, right)
    return ExportQuery(
        kind,  # type: ignore[arg-type]
        fmt,  # type: ignore[arg-type]
        parse_period(period).first if period else None,
        tenant_id,
        cursor,
    )


def build_sql(q: ExportQuery) -> tuple[str, list[Any]]:
    """The SELECT to copy out, with its parameters."""
    args: list[Any] = []
    where: list[str] = []
    calls = q.kind == "calls"
    tenant_col = "tenant_id" if calls else "i.tenant_id"
    period_col = "invoice_period" if calls else "i.period"
    if q.tenant_id is not None:
        args.append(q.tenant_id)
        where.append(f"{tenant_col} = ${len(args)}")
    if q.period is not None:
        args.append(q.period)
        where.append(f"{period_col} = ${len(args)}")
    if q.after is not None:
        args.append(q.after[0])
        if calls:
            args.append(q.after[1])
        else:
            args.append(parse_period(q.after[1], "after").first)
        where.append(
            f"({tenant_col}, {period_col if not calls else 'call_id'})"
            f" > (${len(args) - 1}, ${len(args)})"
        )
    text = " AND ".join(where) or "true"
    if calls:
        sql = _CALLS.format(where=text)
        if q.fmt == "json":
            sql = f"SELECT row_to_json(x)::text FROM ({sql}) x"  # noqa: S608 - constant SQL
    elif q.fmt == "json":
        sql = _INVOICES_JSON.format(where=text)
    else:
        sql = _INVOICE_LINES.format(where=text)
    return sql, args


async def stream(conn: Any, q: ExportQuery, sink: Sink) -> None:
    """Copy the export to ``sink`` chunk by chunk."""
    sql, args = build_sql(q)
    if q.fmt == "csv":
        await conn.copy_from_query(
            sql, *args, output=sink, format="csv", header=True, timeout=EXPORT_TIMEOUT
        )
    else:
        # One JSON document per line. CSV mode with a quote and delimiter that JSON text
        # never contains raw (it escapes control characters) copies the text verbatim.
        await conn.copy_from_query(
            sql,
            *args,
            output=sink,
            format="csv",
            quote="\x01",
            delimiter="\x02",
            timeout=EXPORT_TIMEOUT,
        )


async def export_to_file(pool: Any, q: ExportQuery, out: Path) -> int:
    """Write the export to ``out`` atomically (``out.part`` then rename); bytes written."""
    part = out.with_name(out.name + ".part")
    written = 0
    with open(part, "wb") as fh:  # noqa: ASYNC230 - the CLI's own file, written by chunks

        async def sink(chunk: bytes) -> None:
            nonlocal written
            fh.write(chunk)
            written += len(chunk)

        async with connection(pool) as conn:
            await stream(conn, q, sink)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(part, out)
    return written
