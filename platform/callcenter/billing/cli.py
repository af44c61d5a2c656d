"""``callcenter billing run|export``: the operator's billing commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from callcenter.billing import export, service
from callcenter.billing.schemas import parse_period
from callcenter.db.pool import create_pool
from callcenter.errors import DomainError


def add_billing_parser(sub: Any) -> None:
    """Add ``billing run`` and ``billing export`` to the top-level parser."""
    billing = sub.add_parser("billing", help="rate periods, write invoices, export")
    actions = billing.add_subparsers(dest="billing_command", required=True)
    run = actions.add_parser("run", help="rate a month: one invoice per tenant (idempotent)")
    run.add_argument("--period", required=True, help="the month, e.g. 2026-11")
    run.add_argument("--close", action="store_true", help="close the period: no change after")
    exp = actions.add_parser("export", help="invoices or rated calls as CSV or JSON lines")
    exp.add_argument("--kind", choices=["invoices", "calls"], default="calls")
    exp.add_argument("--format", choices=["csv", "json"], default="csv")
    exp.add_argument("--period", help="only this month (invoice period)")
    exp.add_argument("--tenant", help="only this tenant")
    exp.add_argument("--after", help="resume after this cursor (<tenant>:<call id|period>)")
    exp.add_argument("--out", type=Path, required=True, help="file (written atomically)")


async def run_billing_command(dsn: str, args: argparse.Namespace) -> int:
    """Run one billing command; print a JSON summary; 2 on invalid input."""
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        if args.billing_command == "run":
            summary = await service.run_period(
                pool, service.SYSTEM, parse_period(args.period), close=args.close
            )
        else:
            q = export.parse_query(args.kind, args.format, args.period, args.tenant, args.after)
            size = await export.export_to_file(pool, q, args.out)
            summary = {"out": str(args.out), "bytes": size}
    except DomainError as exc:
        print(json.dumps({"error": exc.slug, "message": exc.message, "details": exc.details}))
        return 2
    finally:
        await pool.close()
    print(json.dumps(summary))
    return 0
