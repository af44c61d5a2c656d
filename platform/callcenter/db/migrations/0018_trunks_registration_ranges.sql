-- Carrier trunks as data (issue 15), on top of migration 0016's `trunks`: the numbers a
-- trunk delivers to us, and credentials for a trunk that wants us to register (and to
-- answer its digest challenges). The edge (Kamailio) reads everything through views, as
-- Asterisk's read-only role: `cc_edge_trunks` for routing and caps, `cc_edge_trunk_regs`
-- for its uac module, which registers from the edge itself.

-- Called numbers this trunk may deliver ('' = any). The edge refuses a call from the trunk to
-- a number outside them (a carrier cannot reach numbers it does not own).
ALTER TABLE trunks ADD COLUMN inbound_prefixes text[] NOT NULL DEFAULT '{""}'
    CHECK (array_position(inbound_prefixes, NULL) IS NULL
           AND cardinality(inbound_prefixes) BETWEEN 1 AND 100);

-- Digest credentials: used to register (when `register`) and to answer a 401/407 to a call
-- we send. Digits, letters and a few safe characters only: they reach Kamailio's SQL rows and
-- SIP headers, never a shell.
ALTER TABLE trunks ADD COLUMN auth_username text
    CHECK (auth_username ~ '^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$');
ALTER TABLE trunks ADD COLUMN auth_password text
    CHECK (auth_password ~ '^[\x21-\x7e]{1,128}$' AND auth_password !~ '[''"\\;]');
ALTER TABLE trunks ADD COLUMN register boolean NOT NULL DEFAULT false;
ALTER TABLE trunks ADD COLUMN register_expires integer NOT NULL DEFAULT 300
    CHECK (register_expires BETWEEN 60 AND 3600);
ALTER TABLE trunks ADD CONSTRAINT trunks_register_needs_credentials
    CHECK (NOT register OR (auth_username IS NOT NULL AND auth_password IS NOT NULL));
ALTER TABLE trunks ADD CONSTRAINT trunks_prefixes_digits
    CHECK (array_to_string(prefixes, ',') ~ '^[0-9,]*$'
           AND array_to_string(inbound_prefixes, ',') ~ '^[0-9,]*$');

-- New columns go last: the edge's queries name their columns.
CREATE OR REPLACE VIEW cc_edge_trunks AS
    SELECT name, host, port, transport, max_channels, priority, prefixes,
           inbound_prefixes,
           coalesce(auth_username, '') AS auth_username,
           coalesce(auth_password, '') AS auth_password,
           register AS registers
    FROM trunks WHERE enabled;

-- Kamailio uac module's registrations (`uac_reg` columns, named by the edge's modparams):
-- one row per enabled registering trunk, registering at host:port over its transport.
CREATE VIEW cc_edge_trunk_regs AS
    SELECT name AS l_uuid,
           auth_username AS l_username,
           host AS l_domain,
           auth_username AS r_username,
           host AS r_domain,
           ''::text AS realm,
           auth_username,
           auth_password,
           ''::text AS auth_ha1,
           'sip:' || host || ':' || port || ';transport=' || transport AS auth_proxy,
           register_expires AS expires,
           0 AS flags,
           0 AS reg_delay,
           ''::text AS contact_addr,
           ''::text AS socket
    FROM trunks WHERE enabled AND register;

-- The edge's two questions, each one call (Kamailio's sqlops has no bind parameters: the
-- edge passes only values it has checked against a strict pattern, and these functions
-- check the number again). SECURITY INVOKER: they read the view as the edge's own role.

-- Which trunk a request from host:port is, the called number (a trunk we register with
-- calls the contact we registered, `sip:<trunk name>@edge` as uac builds it, or its
-- username, and names the number in To),
-- and whether the trunk may deliver that number.
CREATE FUNCTION cc_edge_trunk_in(src_host text, src_port integer, ruser text, tuser text)
RETURNS TABLE (name text, max_channels integer, number text, delivers boolean)
LANGUAGE sql STABLE AS $$
    SELECT t.name, t.max_channels, c.number,
           c.number ~ '^[0-9]{1,20}$' AND EXISTS (
               SELECT 1 FROM unnest(t.inbound_prefixes) p
               WHERE p = '' OR starts_with(c.number, p))
    FROM cc_edge_trunks t,
         LATERAL (SELECT CASE WHEN t.registers AND ruser IN (t.name, t.auth_username) THEN tuser
                              ELSE ruser END AS number) c
    WHERE t.host = src_host
    ORDER BY (t.port = src_port) DESC, t.priority, t.name
    LIMIT 1
$$;

-- The trunks a call to `number` may go out on, in the order to try them: lowest priority
-- first, then the longest matching prefix, then by name.
CREATE FUNCTION cc_edge_trunks_out(number text)
RETURNS TABLE (name text, host text, port integer, transport text, max_channels integer,
               auth_username text, auth_password text)
LANGUAGE sql STABLE AS $$
    SELECT t.name, t.host, t.port, t.transport, t.max_channels, t.auth_username,
           t.auth_password
    FROM cc_edge_trunks t,
         LATERAL (SELECT max(length(p)) AS len FROM unnest(t.prefixes) p
                  WHERE p = '' OR starts_with(number, p)) m
    WHERE number ~ '^[0-9]{1,20}$' AND m.len IS NOT NULL
    ORDER BY t.priority, m.len DESC, t.name
$$;

-- Kamailio checks a table's layout version before reading it (uac_reg: 5). Migration 0016
-- made `version` a view for the dispatcher's list; this one adds the registrations.
CREATE OR REPLACE VIEW version AS
    SELECT 'cc_edge_dispatcher'::text AS table_name, 4 AS table_version
    UNION ALL
    SELECT 'cc_edge_trunk_regs'::text, 5;
