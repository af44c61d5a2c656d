"""The wallboard's rebuild after an AMI reconnect reads only the queue-log rows it has not
counted yet, and shows what a rebuild from the whole day shows (real PostgreSQL rows)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from callcenter.db.pool import create_pool
from callcenter.reports.live import LiveWallboard


class QueueStatusOnly:
    """Asterisk's side of a rebuild: nobody is waiting (QueueStatus lists no entries)."""

    def on_raw(self, handler: Any) -> None:
        """The board subscribes to raw events; none come in this test."""

    def on_event(self, handler: Any) -> None:
        """The board subscribes to reconnects; the test calls rebuild() itself."""

    async def action_list(self, name: str, **fields: object) -> list[dict[str, str]]:
        assert name == "QueueStatus"
        return []


async def log(db: asyncpg.Connection, queue: str, callid: str, event: str, *data: str) -> None:
    """A queue-log row written now, as Asterisk writes it (naive UTC)."""
    values = [*data, "", "", ""][:3]
    await db.execute(
        "INSERT INTO queue_log (time, callid, queuename, agent, event, data1, data2, data3)"
        " VALUES ($1, $2, $3, 'NONE', $4, $5, $6, $7)",
        datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1),
        callid,
        queue,
        event,
        *values,
    )


async def test_a_reconnect_reads_only_new_rows_and_shows_what_a_full_read_shows(
    dsn: str, db: asyncpg.Connection, uid: str
) -> None:
    tenant = f"wbr{uid}"
    queue = f"{tenant}-sales"
    pool = await create_pool(dsn)
    try:
        board = LiveWallboard(pool, QueueStatusOnly())  # type: ignore[arg-type]
        await log(db, queue, "c1", "ENTERQUEUE", "", "1390", "1")
        await log(db, queue, "c1", "CONNECT", "5", "c1-agent", "1")
        await log(db, queue, "c2", "ENTERQUEUE", "", "1391", "1")
        await log(db, queue, "c2", "ABANDON", "1", "1", "30")
        await log(db, queue, "c3", "ENTERQUEUE", "", "1392", "1")

        await board.rebuild()  # first start: the whole day
        assert board.last_rebuild_full
        (sales,) = board.board.snapshot(tenant, datetime.now(UTC).timestamp())
        assert (sales["answered_today"], sales["abandoned_today"]) == (1, 1)

        await log(db, queue, "c3", "CONNECT", "40", "c3-agent", "1")  # outside the 20 s SL
        await log(db, queue, "c4", "ENTERQUEUE", "", "1393", "1")
        await log(db, queue, "c4", "ABANDON", "1", "1", "2")  # short: not counted
        await board.rebuild()  # a reconnect: the three new rows only
        assert not board.last_rebuild_full
        assert board.last_rebuild_rows == 3
        now = datetime.now(UTC).timestamp()
        (sales,) = board.board.snapshot(tenant, now)
        assert (sales["answered_today"], sales["abandoned_today"]) == (2, 1)
        assert sales["service_level_today"] == round(1 / 3, 4)

        fresh = LiveWallboard(pool, QueueStatusOnly())  # type: ignore[arg-type]
        await fresh.rebuild()
        assert fresh.last_rebuild_full
        assert fresh.board.snapshot(tenant, now) == board.board.snapshot(tenant, now)
    finally:
        await pool.close()
