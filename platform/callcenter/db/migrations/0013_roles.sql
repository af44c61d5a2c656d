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

-- What Asterisk reads at call time (extconfig.conf, sorcery.conf, REALTIME_HASH in the
-- dialplan). The cc_* names are views: Asterisk sees their columns, not the tables below.
GRANT SELECT ON ps_endpoints, ps_auths, ps_aors, queues, queue_members, ivr_menus, ivr_keys,
    cc_dids, cc_extens, cc_tenants, cc_ivrs, cc_queue_opts, cc_seats, cc_voicemail, cc_acl_conf,
    callbacks
    TO callcenter_asterisk;
-- What it writes.
GRANT SELECT, INSERT, UPDATE, DELETE ON ps_contacts TO callcenter_asterisk;
GRANT INSERT ON cdr_intake, queue_log, callbacks TO callcenter_asterisk;
-- cdr_id_seq: cdr_intake carries cdr's defaults, evaluated as the inserting role.
GRANT USAGE ON SEQUENCE queue_log_id_seq, callbacks_id_seq, cdr_id_seq TO callcenter_asterisk;
GRANT UPDATE (paused, reason_paused) ON queue_members TO callcenter_asterisk;

-- Triggers on what Asterisk writes reach tables it may not: they run as their owner (the
-- control plane's role, once handed over), with a search path nobody else can plant in.
-- Without this the billing trigger on ps_contacts would turn "permission denied" into a
-- warning and silently stop recording registrations.
DO $$
BEGIN
    EXECUTE format(
        'ALTER FUNCTION cc_billing_registration() SECURITY DEFINER SET search_path = pg_catalog, %I',
        current_schema()
    );
    EXECUTE format(
        'ALTER FUNCTION cdr_intake_insert() SECURITY DEFINER SET search_path = pg_catalog, %I',
        current_schema()
    );
END
$$;
