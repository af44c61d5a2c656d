"""The AMI CDR path: a leg already written by cdr_pgsql, or received twice, is stored once."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from callcenter.ami.client import AmiClient
from callcenter.cdr.sink import CdrSink
from callcenter.db.pool import create_pool


def event(uid: str, uniqueid: str, sequence: int, billsec: int = 61) -> dict[str, str]:
    return {
        "Event": "Cdr",
        "Channel": "PJSIP/carrier-00000001",
        "DestinationChannel": f"PJSIP/s{uid}-1001-00000002",
        "StartTime": "2026-11-26 22:30:01",
        "AnswerTime": "2026-11-26 22:30:03",
        "EndTime": "2026-11-26 22:31:04",
        "Duration": str(billsec + 2),
        "BillableSeconds": str(billsec),
        "Disposition": "ANSWERED",
        "UniqueID": uniqueid,
        "LinkedID": uniqueid,
        "Sequence": str(sequence),
        "TenantID": f"s{uid}",
        "Direction": "inbound",
    }


async def test_each_leg_is_stored_once_whichever_path_wrote_it_first(
    dsn: str, db: Any, uid: str
) -> None:
    tenant = f"s{uid}"
    # cdr_pgsql already wrote leg 1.
    await db.execute(
        "INSERT INTO cdr (uniqueid, sequence, linkedid, tenantid, billsec, disposition)"
        " VALUES ($1, 1, $1, $2, 61, 'ANSWERED')",
        f"{uid}.1",
        tenant,
    )
    pool = await create_pool(dsn, max_size=2)
    sink = CdrSink(pool, AmiClient("127.0.0.1", 1, "x", "y"))
    await sink.start()
    try:
        sink.on_raw(event(uid, f"{uid}.1", 1))  # already there
        sink.on_raw(event(uid, f"{uid}.2", 2))  # new
        sink.on_raw(event(uid, f"{uid}.2", 2))  # the same event again
        sink.on_raw({**event(uid, f"{uid}.3", 3), "Sequence": ""})  # no key: refused
        sink.on_raw({"Event": "Hangup"})  # not a CDR: ignored
        await sink.wait_idle(5)
    finally:
        await sink.stop()
        await pool.close()
    rows = await db.fetch(
        "SELECT uniqueid, sequence, written_by FROM cdr WHERE tenantid = $1 ORDER BY uniqueid",
        tenant,
    )
    assert [(r["uniqueid"], r["sequence"], r["written_by"]) for r in rows] == [
        (f"{uid}.1", 1, None),
        (f"{uid}.2", 2, "ami"),
    ]
    assert (sink.received, sink.refused, sink.pending) == (3, 1, 0)


def spool_sizes(directory: Path) -> list[int]:
    return [p.stat().st_size for p in directory.iterdir()]


async def test_with_a_spool_nothing_is_lost_when_the_control_plane_dies_while_postgresql_is_down(
    dsn: str, db: Any, uid: str, tmp_path: Path
) -> None:
    tenant = f"s{uid}"
    # PostgreSQL is unreachable: the records are spooled, never written.
    down = await create_pool("postgresql://postgres@127.0.0.1:9/none", min_size=0, max_size=1)
    first = CdrSink(down, AmiClient("127.0.0.1", 1, "x", "y"), spool_dir=tmp_path)
    await first.start()
    first.on_raw(event(uid, f"{uid}.1", 1))
    first.on_raw(event(uid, f"{uid}.2", 2))
    await asyncio.sleep(0.3)
    await first.stop(drain_timeout=0.2)  # the crash: nothing reached PostgreSQL
    await down.close()
    assert first.written == 0 and sum(spool_sizes(tmp_path)) > 0

    pool = await create_pool(dsn, max_size=2)
    second = CdrSink(pool, AmiClient("127.0.0.1", 1, "x", "y"), spool_dir=tmp_path)
    try:
        await second.start()
        await second.wait_idle(5)
        assert second.recovered == 2
        second.on_raw(event(uid, f"{uid}.3", 3))
        await second.wait_idle(5)
    finally:
        await second.stop()
        await pool.close()
    rows = await db.fetch("SELECT uniqueid FROM cdr WHERE tenantid = $1 ORDER BY uniqueid", tenant)
    assert [r["uniqueid"] for r in rows] == [f"{uid}.1", f"{uid}.2", f"{uid}.3"]
    # Written records leave the spool (at most an empty current segment remains).
    assert sum(spool_sizes(tmp_path)) == 0


async def test_cdr_pgsql_writing_a_leg_the_sink_stored_first_is_a_quiet_no_op(
    db: Any, uid: str
) -> None:
    """cdr_pgsql writes through ``cdr_intake`` (cdr_pgsql.conf): a leg already there must not
    fail its INSERT, which it would take for a lost connection (reconnect, "DROPPING CALL
    RECORD"). The statement has cdr_pgsql's shape: only the columns it has values for."""
    tenant = f"s{uid}"
    await db.execute(
        "INSERT INTO cdr (uniqueid, sequence, tenantid, billsec, written_by)"
        " VALUES ($1, 3, $2, 61, 'ami') ON CONFLICT (uniqueid, sequence) DO NOTHING",
        f"{uid}.1",
        tenant,
    )
    pgsql = (
        'INSERT INTO cdr_intake ("start","answer","end","clid","src","channel","duration",'
        '"billsec","disposition","uniqueid","linkedid","sequence","tenantid")'
        " VALUES ('2026-11-26 22:30:01','2026-11-26 22:30:03','2026-11-26 22:31:04',"
        "'\"x\" <139>','139','PJSIP/carrier-1',63,$3,'ANSWERED',$1,$1,$4,$2)"
    )
    assert await db.execute(pgsql, f"{uid}.1", tenant, 99, 3) == "INSERT 0 1"  # no error
    await db.execute(pgsql, f"{uid}.2", tenant, 42, 1)  # a new leg
    rows = await db.fetch(
        "SELECT uniqueid, billsec, written_by, clid, calldate IS NOT NULL AS dated, lastapp"
        " FROM cdr WHERE tenantid = $1 ORDER BY uniqueid",
        tenant,
    )
    assert [tuple(r) for r in rows] == [
        (f"{uid}.1", 61, "ami", "", True, ""),  # the sink's row, untouched
        (f"{uid}.2", 42, None, '"x" <139>', True, ""),  # omitted columns take cdr's defaults
    ]


async def test_cdr_intake_has_every_column_of_cdr(db: Any) -> None:
    """A column added to ``cdr`` without recreating the view would never be filled."""
    query = (
        "SELECT array_agg(column_name::text ORDER BY ordinal_position) FROM"
        " information_schema.columns WHERE table_schema = current_schema() AND table_name = $1"
    )
    assert await db.fetchval(query, "cdr_intake") == await db.fetchval(query, "cdr")
