"""Least privilege in PostgreSQL: Asterisk and the control plane never log in as the superuser.

Asterisk's role reads what a call needs and writes contacts, CDRs, the queue log and
callback requests - nothing else: a compromised Asterisk (or a leaked res_pgsql.conf)
cannot read password hashes or billing, nor re-route a tenant's numbers.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from callcenter.db.roles import APP_ROLE, ASTERISK_ROLE

from support import PG_ADMIN


@pytest_asyncio.fixture
async def asterisk(asterisk_dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection as Asterisk logs in (res_pgsql.conf, cdr_pgsql.conf)."""
    conn = await asyncpg.connect(asterisk_dsn)
    yield conn
    await conn.close()


@pytest_asyncio.fixture
async def control(dsn: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection as the control plane logs in."""
    conn = await asyncpg.connect(dsn)
    yield conn
    await conn.close()


@pytest_asyncio.fixture
async def seat(db: Any, uid: str) -> str:
    """A tenant with one seat's realtime rows, written by the admin; its endpoint id."""
    tid = "lp" + uid
    endpoint = f"{tid}-1001"
    await db.execute("INSERT INTO tenants (id, name) VALUES ($1, 'Least')", tid)
    await db.execute(
        "INSERT INTO ps_endpoints (id, tenant_id, auth, context)"
        " VALUES ($1, $2, $1, 'tenant-' || $2)",
        endpoint,
        tid,
    )
    await db.execute(
        "INSERT INTO ps_auths (id, tenant_id, auth_type, username, password)"
        " VALUES ($1, $2, 'userpass', $1, 'sip-secret')",
        endpoint,
        tid,
    )
    await db.execute(
        "INSERT INTO numbers (number, kind, tenant_id) VALUES ($1, '400', $2)",
        "4000" + str(int(uid, 16) % 1_000_000).zfill(6),
        tid,
    )
    return endpoint


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT password_hash FROM users",
        "SELECT * FROM tenants",
        "SELECT * FROM billing_plans",
        "SELECT * FROM invoices",
        "SELECT * FROM billing_rated_calls",
        "SELECT * FROM billing_registrations",
        "SELECT * FROM cdr",
        "SELECT * FROM contacts",
        "SELECT * FROM tenant_integrations",
        "SELECT * FROM sip_blocks",
        "UPDATE tenants SET status = 'suspended'",
        "INSERT INTO tenants (id, name) VALUES ('evil', 'Evil')",
        "UPDATE numbers SET tenant_id = NULL",
        "DELETE FROM numbers",
        "INSERT INTO users (username, password_hash, role) VALUES ('x', 'x', 'operator')",
        "UPDATE ps_auths SET password = 'mine'",
        "UPDATE ps_endpoints SET context = 'cc-outbound'",
        "DELETE FROM sip_blocks",
        "UPDATE queue_members SET penalty = 0",
        # Queues reach Asterisk as its queues.conf (cc_queues_conf): not the rows themselves,
        # and app_queue pauses nothing in the database.
        "SELECT * FROM queue_members",
        "SELECT * FROM queues",
        "UPDATE queue_members SET paused = 1",
        "DELETE FROM cdr",
        "CREATE TABLE asterisk_was_here (x int)",
    ],
)
async def test_asterisk_cannot_read_secrets_and_billing_nor_change_tenant_data(
    asterisk: asyncpg.Connection, seat: str, statement: str
) -> None:
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await asterisk.execute(statement)


async def test_asterisk_reads_what_a_call_needs_and_writes_what_it_must(
    asterisk: asyncpg.Connection, db: Any, seat: str
) -> None:
    tid = seat.rpartition("-")[0]
    assert not await asterisk.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    assert await asterisk.fetchval("SELECT pg_has_role(current_user, $1, 'member')", ASTERISK_ROLE)
    # Reads at call time: the seat (with its SIP secret: digest needs it), the tenant's
    # view of itself, its numbers.
    assert await asterisk.fetchval("SELECT password FROM ps_auths WHERE id = $1", seat)
    assert await asterisk.fetchval("SELECT status FROM cc_tenants WHERE id = $1", tid) == "active"
    await asterisk.fetch("SELECT * FROM cc_dids WHERE tenant_id = $1", tid)
    for view in (
        "cc_extens",
        "cc_ivrs",
        "cc_queue_opts",
        "cc_seats",
        "cc_voicemail",
        "cc_acl_conf",
        "cc_queues_conf",
    ):
        await asterisk.fetch(f"SELECT * FROM {view} LIMIT 1")  # noqa: S608 - fixed names

    # A phone registers: the contact row, and the billing trigger behind it (which writes a
    # table Asterisk may not touch) still records the registration.
    await asterisk.execute(
        "INSERT INTO ps_contacts (id, uri, expiration_time, endpoint)"
        " VALUES ($1 || '^3B@x', 'sip:a@127.0.0.9:5060', 9999999999, $1)",
        seat,
    )
    await asterisk.execute(
        "UPDATE ps_contacts SET expiration_time = 9999999998 WHERE endpoint = $1", seat
    )
    assert (
        await db.fetchval(
            "SELECT count(*) FROM billing_registrations WHERE endpoint = $1 AND ended_at IS NULL",
            seat,
        )
        == 1
    )
    await asterisk.execute("DELETE FROM ps_contacts WHERE endpoint = $1", seat)
    assert await db.fetchval(
        "SELECT ended_at IS NOT NULL FROM billing_registrations WHERE endpoint = $1", seat
    )

    # A CDR through cdr_intake lands in cdr (trigger running as the owner), once.
    for _ in range(2):
        await asterisk.execute(
            "INSERT INTO cdr_intake (uniqueid, sequence, tenantid, billsec, disposition)"
            " VALUES ($1, 1, $2, 30, 'ANSWERED')",
            f"lp-{seat}",
            tid,
        )
    assert await db.fetchval("SELECT count(*) FROM cdr WHERE uniqueid = $1", f"lp-{seat}") == 1

    # The queue log, a callback request (REALTIME_STORE).
    await asterisk.execute(
        "INSERT INTO queue_log (callid, queuename, agent, event) VALUES ('c1', $1, $2, 'PAUSE')",
        f"{tid}-support",
        seat,
    )
    await asterisk.execute(
        "INSERT INTO callbacks (tenant_id, queue, number) VALUES ($1, 'support', '13800000000')",
        tid,
    )


async def test_the_control_plane_is_no_superuser_but_owns_its_schema(
    control: asyncpg.Connection, db: Any
) -> None:
    me = await control.fetchrow(
        "SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = current_user"
    )
    assert tuple(me) == (False, False, False)
    assert await control.fetchval("SELECT pg_has_role(current_user, $1, 'member')", APP_ROLE)
    # Everything the admin's migrations created was handed over to the control plane's role.
    foreign = await db.fetch(
        "SELECT c.relname, pg_get_userbyid(c.relowner) AS owner FROM pg_class c"
        " JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'S', 'm', 'p')"
        " AND pg_get_userbyid(c.relowner) <> $1",
        APP_ROLE,
    )
    assert foreign == []
    # It reads and writes its own tables, and cannot reach beyond them.
    await control.fetch("SELECT password_hash FROM users LIMIT 1")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await control.execute("CREATE ROLE sneaky")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await control.execute("SELECT pg_read_file('/etc/passwd')")


async def test_a_later_migration_cannot_silently_take_asterisks_privileges_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from callcenter.db import migrate as migrations

    # Recreating a view drops its grants; CREATE OR REPLACE FUNCTION resets SECURITY DEFINER.
    later = (
        "9999_later",
        "DO $$ BEGIN EXECUTE 'DROP VIEW cc_seats; CREATE VIEW cc_seats AS '"
        " || pg_get_viewdef('cc_seats'); END $$;"
        " CREATE OR REPLACE FUNCTION cdr_intake_insert() RETURNS trigger LANGUAGE plpgsql AS"
        " $f$ BEGIN INSERT INTO cdr SELECT NEW.* ON CONFLICT (uniqueid, sequence) DO NOTHING;"
        " RETURN NEW; END $f$;",
    )
    shipped = migrations.migration_files()
    monkeypatch.setattr(migrations, "migration_files", lambda: [*shipped, later])
    name = f"cc_test_{uuid.uuid4().hex[:10]}"
    url = f"{PG_ADMIN}/{name}"
    try:
        await migrations.migrate(url)
        conn = await asyncpg.connect(url)
        try:
            assert await conn.fetchval(
                "SELECT has_table_privilege($1, 'cc_seats', 'SELECT')", ASTERISK_ROLE
            )
            assert await conn.fetchval(
                "SELECT prosecdef FROM pg_proc WHERE proname = 'cdr_intake_insert'"
            )
            assert (
                await conn.fetchval(
                    "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'cc_seats'"
                )
                == APP_ROLE
            )
        finally:
            await conn.close()
    finally:
        admin = await asyncpg.connect(f"{PG_ADMIN}/postgres")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
