-- Least privilege (issue 13, item 9). Two group roles, without login; the login roles that
-- carry passwords (from settings, never from this file) are made members of them by
-- `callcenter migrate` (callcenter.db.roles):
--
--   callcenter_app       the control plane. Owns every table, view, sequence and function of
--                        the schema (callcenter.db.roles hands over what a migration run by the
--                        admin created), so it needs no superuser and no other grant.
--   callcenter_asterisk  Asterisk (res_config_pgsql, cdr_pgsql). Reads what a call needs,
--                        writes contacts, CDRs (through cdr_intake), the queue log, callback
--                        requests (REALTIME_STORE in extensions.conf) and a queue member's
--                        paused flag (QueuePause on realtime members). Nothing else: no
--                        users or password hashes, no billing, no tenants or numbers.
--
-- Roles belong to the cluster, grants to this database: several databases on one cluster
-- (test runs) share the roles, and this migration may race another one creating them.
DO $$
BEGIN
    CREATE ROLE callcenter_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
DO $$
BEGIN
    CREATE ROLE callcenter_asterisk NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;

DO $$
BEGIN
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA %I TO callcenter_app', current_schema());
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO callcenter_asterisk', current_schema());
END
$$;

-- What each role may do beyond that - Asterisk's grants, the SECURITY DEFINER triggers on
-- what it writes - is callcenter.db.roles.PRIVILEGES, applied by the migrator after this
-- migration and after every later one: a later migration that recreates a view Asterisk
-- reads (cc_dids was dropped and recreated once already; cdr_intake must be whenever cdr
-- gains a column) or replaces a trigger function cannot silently take them away.

-- The AMI user loses the `system` class (docs/resilience.md, "Least privilege"), so the
-- control plane can no longer add a `tenant-<id>` dialplan context per tenant
-- (DialplanExtensionAdd). Seats enter the static context cc-phone-entry instead, with the
-- tenant from their own endpoint row; existing seats move there.
UPDATE ps_endpoints
SET context = 'cc-phone-entry',
    set_var = 'TRANSFER_CONTEXT=cc-phone-entry;__TENANT=' || tenant_id
WHERE tenant_id IS NOT NULL AND context = 'tenant-' || tenant_id;
