"""Billing at scale: 10 M CDR legs across 1,000 tenants, rate a month, export it.

Prints the figures (not a test): generation time, rating time and legs/s, export rows/s for
CSV and JSON lines, and the peak memory of this process. Targets: rating < 60 s, export of
1 M rows < 10 s.

    CALLCENTER_BENCH_PG=postgresql://postgres:postgres@127.0.0.1:5432 \\
        .venv/bin/python bench/billing.py [--legs 10000000] [--tenants 1000] [--keep]

The data lives in a database of its own (``cc_bench_billing``), dropped at the end unless
``--keep``. Traffic shape: 3 in 10 calls are queue calls ringing a second seat first (a NO
ANSWER leg, then the ANSWERED one); of the rest 1 in 5 is unanswered; 70 % inbound, 20 %
outbound, 10 % forwarded to a mobile; talk time 0-599 s, spread over October 2026.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import tempfile
import time
from pathlib import Path

import asyncpg

from callcenter.billing import export, service
from callcenter.billing.rating import Period
from callcenter.db.migrate import migrate
from callcenter.db.pool import create_pool

PG = os.environ.get("CALLCENTER_BENCH_PG", "postgresql://postgres:postgres@127.0.0.1:5432")
DB = "cc_bench_billing"
PERIOD = Period(2026, 10)

PLAN = (
    '{"platform_fee": "100", "tax_rate": "0.06",'
    ' "per_seat": {"monthly_price": "99", "minimum_seats": 5},'
    ' "package": {"base_fee": "300", "included_minutes": 1000, "price_per_extra_minute": "0.10"},'
    ' "per_minute": {"price_per_minute": "0.20", "rounding": "per_6s",'
    ' "outbound_price_per_minute": "0.30"},'
    ' "commission": {"fee_per_success": "2", "success_dispositions": ["sale"]}}'
)

# Leg n (1..legs): the first 60 % are pairs (ring + answer) of queue calls, the rest one leg
# per call. k is the call number; every column derives from k.
GENERATE = """
INSERT INTO cdr (calldate, start, answer, "end", src, dst, channel, dstchannel, duration,
                 billsec, disposition, uniqueid, linkedid, sequence, tenantid, did, direction,
                 queue, userfield, accountcode)
SELECT t0 + make_interval(secs => k * span / calls),
       t0 + make_interval(secs => k * span / calls),
       CASE WHEN answered THEN t0 + make_interval(secs => k * span / calls + 3) END,
       t0 + make_interval(secs => k * span / calls + 3 + billsec),
       '1380000' || lpad((k % 10000)::text, 4, '0'), 's',
       CASE WHEN dir IN ('outbound', 'forward') THEN 'PJSIP/' || tenant || '-1001-' || n
            ELSE 'PJSIP/carrier-' || n END,
       CASE WHEN dir IN ('outbound', 'forward') THEN 'PJSIP/carrier-' || n
            ELSE 'PJSIP/' || tenant || '-' || (1001 + n % 10) || '-' || n END,
       billsec + 3, billsec,
       CASE WHEN answered THEN 'ANSWERED' ELSE 'NO ANSWER' END,
       'u' || n, 'c' || k, n, tenant,
       CASE WHEN dir = 'inbound' THEN '400800' || lpad((k % 1000)::text, 4, '0') END,
       dir,
       CASE WHEN dir = 'inbound' THEN tenant || '-support' END,
       CASE WHEN answered AND k % 7 = 0 THEN 'sale' ELSE '' END,
       tenant
FROM (
    SELECT n, k, 't' || lpad((k % $3)::text, 4, '0') AS tenant,
           CASE WHEN k % 10 < 7 THEN 'inbound' WHEN k % 10 < 9 THEN 'outbound'
                ELSE 'forward' END AS dir,
           CASE WHEN n <= $4 THEN n % 2 = 0 ELSE k % 5 <> 0 END AS answered,
           CASE WHEN (CASE WHEN n <= $4 THEN n % 2 = 0 ELSE k % 5 <> 0 END)
                THEN (k * 7919) % 600 ELSE 0 END AS billsec,
           timestamptz '2026-10-01 00:00:00+00' AS t0, 31 * 86400.0 AS span, $5::float8 AS calls
    FROM (
        SELECT n, CASE WHEN n <= $4 THEN (n + 1) / 2 ELSE n - $4 / 2 END AS k
        FROM generate_series($1::bigint, $2::bigint) AS n
    ) g
) x
"""


def peak_mb() -> float:
    """Peak resident memory of this process, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def generate(dsn: str, legs: int, tenants: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO tenants (id, name) SELECT 't' || lpad(i::text, 4, '0'), 'Bench ' || i"
            " FROM generate_series(0, $1 - 1) i",
            tenants,
        )
        await conn.execute(
            "INSERT INTO billing_plans (tenant_id, plan) SELECT id, $1::jsonb FROM tenants", PLAN
        )
        await conn.execute(
            "INSERT INTO billing_seat_history (tenant_id, extension, endpoint_id, added_at)"
            " SELECT t.id, (1001 + s)::text, t.id || '-' || (1001 + s),"
            " timestamptz '2026-09-01' + make_interval(days => (s * 3) % 40)"
            " FROM tenants t, generate_series(0, 9) s"
        )
        # Load without the secondary indexes, then build them (as a bulk import would).
        await conn.execute("DROP INDEX cdr_tenant_time, cdr_linkedid, cdr_leg")
        pairs = (legs * 6 // 10) // 2 * 2
        calls = pairs // 2 + (legs - pairs)
        chunk = 1_000_000
        for lo in range(1, legs + 1, chunk):
            hi = min(legs, lo + chunk - 1)
            await conn.execute(GENERATE, lo, hi, tenants, pairs, float(calls), timeout=3600)
            print(f"  generated {hi:,} legs", flush=True)
        await conn.execute("CREATE UNIQUE INDEX cdr_leg ON cdr (uniqueid, sequence)", timeout=3600)
        await conn.execute("CREATE INDEX cdr_tenant_time ON cdr (tenantid, start)", timeout=3600)
        await conn.execute("CREATE INDEX cdr_linkedid ON cdr (linkedid)", timeout=3600)
        await conn.execute("VACUUM ANALYZE cdr", timeout=3600)
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--legs", type=int, default=10_000_000)
    parser.add_argument("--tenants", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept database")
    args = parser.parse_args()
    dsn = f"{PG}/{DB}"
    admin = await asyncpg.connect(f"{PG}/postgres")
    try:
        if not args.reuse:
            await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    finally:
        await admin.close()
    await migrate(dsn)

    if not args.reuse:
        t = time.perf_counter()
        await generate(dsn, args.legs, args.tenants)
        gen = time.perf_counter() - t
        print(
            f"generate: {args.legs:,} CDR legs, {args.tenants:,} tenants in {gen:.1f} s"
            f" ({args.legs / gen:,.0f} legs/s, server-side generate_series)"
        )

    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        t = time.perf_counter()
        summary = await service.run_period(pool, service.SYSTEM, PERIOD)
        rate = time.perf_counter() - t
        print(
            f"rate {summary['period']}: {summary['invoices']:,} invoices, {summary['calls']:,}"
            f" billable calls from {args.legs:,} legs in {rate:.1f} s"
            f" ({args.legs / rate:,.0f} legs/s, {summary['calls'] / rate:,.0f} calls/s);"
            f" total {summary['total']} CNY"
        )
        t = time.perf_counter()
        again = await service.run_period(pool, service.SYSTEM, PERIOD)
        same = (again["total"], again["calls"]) == (summary["total"], summary["calls"])
        print(f"re-run (idempotent): {time.perf_counter() - t:.1f} s, same total and calls: {same}")

        with tempfile.TemporaryDirectory() as tmp:
            for fmt in ("csv", "json"):
                out = Path(tmp) / f"calls.{fmt}"
                q = export.parse_query("calls", fmt, "2026-10", None, None)
                t = time.perf_counter()
                size = await export.export_to_file(pool, q, out)
                took = time.perf_counter() - t
                rows = summary["calls"]
                print(
                    f"export calls {fmt}: {rows:,} rows, {size / 1e6:,.0f} MB in {took:.1f} s"
                    f" ({rows / took:,.0f} rows/s; 1 M rows ~ {1e6 / (rows / took):.1f} s);"
                    f" peak memory {peak_mb():.0f} MB"
                )
                out.unlink()
            q = export.parse_query("invoices", "json", "2026-10", None, None)
            t = time.perf_counter()
            size = await export.export_to_file(pool, q, Path(tmp) / "invoices.json")
            print(
                f"export invoices json: {summary['invoices']:,} invoices in"
                f" {time.perf_counter() - t:.2f} s"
            )
        print(f"peak memory of this process: {peak_mb():.0f} MB")
    finally:
        await pool.close()
        if not args.keep:
            admin = await asyncpg.connect(f"{PG}/postgres")
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
            finally:
                await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
