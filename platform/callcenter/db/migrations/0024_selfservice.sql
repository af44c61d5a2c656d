-- Self-service in the IVR (issue 20): digit collection and lookup nodes, the tenant's lookup
-- API (host and signing secret), and one row per lookup for the reports.

-- A node's type, and for digit collection its length range and terminator. Lookup nodes'
-- branches are ivr_keys rows under the pseudo keys found/not_found/error/timeout (a caller's
-- key is one of 0-9 * #, so they never collide), a digit node's success under `next`.
ALTER TABLE ivr_menus
    ADD COLUMN type       text NOT NULL DEFAULT 'menu' CHECK (type IN ('menu', 'digits', 'lookup')),
    ADD COLUMN min_digits integer NOT NULL DEFAULT 1 CHECK (min_digits BETWEEN 1 AND 20),
    ADD COLUMN max_digits integer NOT NULL DEFAULT 1 CHECK (max_digits BETWEEN 1 AND 20),
    ADD COLUMN terminator text NOT NULL DEFAULT '' CHECK (terminator IN ('', '#', '*')),
    ADD COLUMN lookup_timeout_ms integer NOT NULL DEFAULT 0 CHECK (lookup_timeout_ms BETWEEN 0 AND 5000);

CREATE OR REPLACE VIEW cc_ivr_menus AS
    SELECT id, tenant_id, ivr, menu, cc_sound(prompt) AS prompt, timeout, max_tries,
           timeout_kind, timeout_target, invalid_kind, invalid_target,
           maxtries_kind, maxtries_target, type, min_digits, max_digits, terminator,
           lookup_timeout_ms
    FROM ivr_menus;

-- The one host a tenant's lookup nodes may call (https only), and the secret their requests
-- are signed with (HMAC-SHA256, like webhooks). The secret is never returned by the API.
CREATE TABLE selfservice_apis (
    tenant_id  text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    host       text NOT NULL CHECK (host ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$'),
    secret     text NOT NULL CHECK (length(secret) BETWEEN 16 AND 128),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every lookup a call made: its outcome and how long the tenant's API took (reports).
CREATE TABLE selfservice_lookups (
    id         bigserial PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    ivr        text NOT NULL,
    menu       text NOT NULL,
    linkedid   text NOT NULL DEFAULT '',
    status     text NOT NULL CHECK (status IN ('found', 'not_found', 'error', 'timeout', 'busy')),
    latency_ms integer NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX selfservice_lookups_tenant ON selfservice_lookups (tenant_id, at);

-- The lookup's outcome on the call's records (dialplan CDR(selfservice)): found, not_found,
-- error or timeout; NULL for calls that made no lookup.
ALTER TABLE cdr ADD COLUMN selfservice text;
-- cdr gained a column: cdr_intake (SELECT * FROM cdr, expanded when it was made) is made
-- again with the table's defaults and its trigger (migration 0011); the migrator grants
-- Asterisk's role its INSERT again after every migration (db/roles.py).
DROP VIEW cdr_intake;
CREATE VIEW cdr_intake AS SELECT * FROM cdr;
DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT column_name, column_default FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'cdr'
          AND column_default IS NOT NULL
    LOOP
        EXECUTE format(
            'ALTER VIEW cdr_intake ALTER COLUMN %I SET DEFAULT %s',
            col.column_name,
            col.column_default
        );
    END LOOP;
END
$$;
CREATE TRIGGER cdr_intake_insert INSTEAD OF INSERT ON cdr_intake
    FOR EACH ROW EXECUTE FUNCTION cdr_intake_insert();

-- ---------------------------------------------------------------- hybrid hosting
-- A tenant's own PBX is a trunk of that tenant (tenant_id set; NULL: a carrier trunk).
-- Calls from it reach the tenant's numbers only (the edge refuses any other) and are marked
-- for the nodes as the tenant's PBX; its `prefixes` are the PBX's extensions our agents may
-- transfer to (never '' : a tenant's PBX is not a way out to the PSTN), and carrier calls
-- never go out on it.
ALTER TABLE trunks ADD COLUMN tenant_id text REFERENCES tenants (id) ON DELETE CASCADE;
ALTER TABLE trunks ADD CONSTRAINT trunks_tenant_prefixes
    CHECK (tenant_id IS NULL OR NOT ('' = ANY (prefixes)));

-- New columns go last: the edge's queries name their columns.
CREATE OR REPLACE VIEW cc_edge_trunks AS
    SELECT name, host, port, transport, max_channels, priority, prefixes,
           inbound_prefixes,
           coalesce(auth_username, '') AS auth_username,
           coalesce(auth_password, '') AS auth_password,
           register AS registers,
           coalesce(tenant_id, '') AS tenant_id
    FROM trunks WHERE enabled;

DROP FUNCTION cc_edge_trunk_in(text, integer, text, text);
CREATE FUNCTION cc_edge_trunk_in(src_host text, src_port integer, ruser text, tuser text)
RETURNS TABLE (name text, max_channels integer, number text, delivers boolean, tenant_id text)
LANGUAGE sql STABLE AS $$
    SELECT t.name, t.max_channels, c.number,
           c.number ~ '^[0-9]{1,20}$' AND EXISTS (
               SELECT 1 FROM unnest(t.inbound_prefixes) p
               WHERE p = '' OR starts_with(c.number, p))
           AND (t.tenant_id = '' OR EXISTS (
               SELECT 1 FROM cc_edge_numbers n
               WHERE n.number = c.number AND n.tenant_id = t.tenant_id)),
           t.tenant_id
    FROM cc_edge_trunks t,
         LATERAL (SELECT CASE WHEN t.registers AND ruser IN (t.name, t.auth_username) THEN tuser
                              ELSE ruser END AS number) c
    WHERE t.host = src_host
    ORDER BY (t.port = src_port) DESC, t.priority, t.name
    LIMIT 1
$$;

CREATE OR REPLACE FUNCTION cc_edge_trunks_out(number text)
RETURNS TABLE (name text, host text, port integer, transport text, max_channels integer,
               auth_username text, auth_password text)
LANGUAGE sql STABLE AS $$
    SELECT t.name, t.host, t.port, t.transport, t.max_channels, t.auth_username,
           t.auth_password
    FROM cc_edge_trunks t,
         LATERAL (SELECT max(length(p)) AS len FROM unnest(t.prefixes) p
                  WHERE p = '' OR starts_with(number, p)) m
    WHERE number ~ '^[0-9]{1,20}$' AND m.len IS NOT NULL AND t.tenant_id = ''
    ORDER BY t.priority, m.len DESC, t.name
$$;

-- A node's call to one of a tenant's PBX extensions (the node names the tenant in a header
-- the edge trusts only from nodes): that tenant's PBX trunks whose prefixes match.
CREATE FUNCTION cc_edge_pbx_out(tenant text, number text)
RETURNS TABLE (name text, host text, port integer, transport text, max_channels integer,
               auth_username text, auth_password text)
LANGUAGE sql STABLE AS $$
    SELECT t.name, t.host, t.port, t.transport, t.max_channels, t.auth_username,
           t.auth_password
    FROM cc_edge_trunks t
    WHERE tenant <> '' AND t.tenant_id = tenant AND number ~ '^[0-9]{1,20}$'
      AND EXISTS (SELECT 1 FROM unnest(t.prefixes) p WHERE starts_with(number, p))
    ORDER BY t.priority, t.name
$$;

-- The dialplan's question (REALTIME_HASH(cc_tenant_pbx, id, <tenant>)): the numbers a seat
-- of the tenant dials that are its PBX's extensions, as one regular expression of digits.
CREATE VIEW cc_tenant_pbx AS
    SELECT tenant_id AS id, tenant_id,
           '^(' || string_agg(DISTINCT p, '|') || ')[0-9]*$' AS ext_regex
    FROM trunks, unnest(prefixes) p
    WHERE tenant_id IS NOT NULL AND enabled AND p ~ '^[0-9]{1,20}$'
    GROUP BY tenant_id;
