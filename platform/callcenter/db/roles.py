"""Database roles: the control plane and Asterisk each log in as a non-superuser.

Migration 0013 creates two group roles without login and grants them what they need;
this module hands the schema's objects over to the control plane's group and makes the
login roles named in the DSNs (with the passwords the DSNs carry) members of their group.
"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import asyncpg

APP_ROLE = "callcenter_app"
ASTERISK_ROLE = "callcenter_asterisk"

# Every table, view, sequence and function of the schema not yet owned by the control
# plane's role becomes its own (a migration run by the admin created it). Sequences that
# belong to a column follow their table. Does nothing before migration 0013.
HAND_OVER = """
DO $$
DECLARE
    obj record;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'callcenter_app') THEN
        RETURN;
    END IF;
    FOR obj IN
        SELECT c.relname, c.relkind FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) <> 'callcenter_app'
          AND NOT (c.relkind = 'S' AND EXISTS (
              SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
    LOOP
        EXECUTE format(
            'ALTER %s %I OWNER TO callcenter_app',
            CASE obj.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END,
            obj.relname
        );
    END LOOP;
    FOR obj IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p
        JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = current_schema() AND pg_get_userbyid(p.proowner) <> 'callcenter_app'
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO callcenter_app', obj.signature);
    END LOOP;
END
$$;
"""


# Asterisk reads at call time (extconfig.conf, sorcery.conf, REALTIME_HASH in the dialplan;
# the cc_* names are views: Asterisk sees their columns, not the tables behind them) and
# writes contacts, CDRs (cdr_intake), app_queue's log and callback requests (REALTIME_STORE).
# Nothing else: no users, tenants, numbers, billing, CDRs or contacts. cdr_id_seq: cdr_intake
# carries cdr's defaults, which are evaluated as the inserting role.
ASTERISK_GRANTS: tuple[tuple[str, str], ...] = (
    *(
        ("SELECT", name)
        for name in (
            "ps_endpoints",
            "ps_auths",
            "ps_aors",
            "cc_queues_conf",  # migration 0028: queues.conf, loaded and reloaded by app_queue
            "cc_ivr_menus",  # migration 0014: menus whose prompts pass the sound rule
            "ivr_keys",
            "callbacks",
            "cc_dids",
            "cc_extens",
            "cc_tenants",
            "cc_ivrs",
            "cc_queue_opts",
            "cc_seats",
            "cc_voicemail",
            "cc_acl_conf",
            "cc_tenant_pbx",  # migration 0024: a tenant's PBX extensions (transfer back)
            "cc_campaign_calls",  # migration 0022: a campaign attempt in flight
            # the SIP edge reads these (it logs in as Asterisk's role: routing, read-only)
            "cc_edge_tenants",
            "cc_edge_numbers",
            "cc_edge_trunks",
            "cc_edge_dispatcher",
            "cc_edge_trunk_regs",  # migration 0018: trunks the edge registers (uac)
            "version",  # Kamailio's check of a table's layout (dispatcher, uac)
            "cc_edge_blocks",  # migration 0019: the brute-force guard's live blocks
            "cc_edge_blocks_version",
            "cc_edge_routes_version",  # migration 0025: when the edge's route cache is stale
        )
    ),
    ("SELECT, INSERT, UPDATE, DELETE", "ps_contacts"),
    ("INSERT", "cdr_intake"),
    ("INSERT", "queue_log"),
    ("INSERT", "callbacks"),
    ("INSERT", "sip_auth_events"),  # the edge records the digest outcomes it relays
    ("USAGE", "queue_log_id_seq"),
    ("USAGE", "callbacks_id_seq"),
    ("USAGE", "cdr_id_seq"),
)

# Trigger functions fired by Asterisk's writes that reach tables it may not (billing's
# registration history, cdr): they run as their owner with a search path nobody else can
# plant in. Without it the billing trigger turns "permission denied" into a warning and
# silently stops recording registrations.
DEFINER_FUNCTIONS = ("cc_billing_registration()", "cdr_intake_insert()")


def _privileges_sql() -> str:
    grants = "\n".join(
        f"    IF to_regclass('{name}') IS NOT NULL THEN"
        f" EXECUTE 'GRANT {what} ON {'SEQUENCE ' if name.endswith('_seq') else ''}{name}"
        f" TO {ASTERISK_ROLE}'; END IF;"
        for what, name in ASTERISK_GRANTS
    )
    definers = "\n".join(
        f"    IF to_regprocedure('{fn}') IS NOT NULL THEN EXECUTE format('ALTER FUNCTION {fn}"
        f" SECURITY DEFINER SET search_path = pg_catalog, %I', current_schema()); END IF;"
        for fn in DEFINER_FUNCTIONS
    )
    # Built from this module's constants only, never from input.
    guard = f"IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{ASTERISK_ROLE}')"  # noqa: S608
    return f"DO $$\nBEGIN\n    {guard} THEN RETURN; END IF;\n{grants}\n{definers}\nEND\n$$;"


# Applied after every migration (idempotent; nothing before migration 0013 made the roles).
PRIVILEGES = _privileges_sql()


def login_of(dsn: str) -> tuple[str, str]:
    """The user and password a DSN logs in with."""
    url = urlparse(dsn)
    return unquote(url.username or ""), unquote(url.password or "")


async def ensure_login(admin_dsn: str, dsn: str, group: str) -> bool:
    """Create or update the login role ``dsn`` names (its password), a member of ``group``.

    Nothing is done when ``dsn`` logs in as the admin itself (a development setup that keeps
    the superuser); returns whether a role was set up.
    """
    user, password = login_of(dsn)
    if not user or user == login_of(admin_dsn)[0]:
        return False
    conn = await asyncpg.connect(admin_dsn)
    try:
        for template in (
            "CREATE ROLE %I LOGIN PASSWORD %L",
            "ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT PASSWORD %L",
        ):
            # format() quotes on the server: role names and passwords are never spliced here.
            statement = await conn.fetchval(
                "SELECT format($1, $2::text, $3::text)", template, user, password
            )
            try:
                await conn.execute(statement)
            except (asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
                pass  # it exists (perhaps created concurrently): the ALTER sets it up
        await conn.execute(
            await conn.fetchval("SELECT format('GRANT %I TO %I', $1::text, $2::text)", group, user)
        )
    finally:
        await conn.close()
    return True
