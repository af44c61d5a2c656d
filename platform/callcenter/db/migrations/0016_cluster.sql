-- The cluster (issue 15): a SIP edge (Kamailio) in front of N platform Asterisk nodes that
-- share this database. Nodes and trunks are data; every tenant has a home node, where the
-- edge sends its calls and phones.

CREATE TABLE nodes (
    name         text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,31}$'),
    -- Where the edge reaches the node's SIP (UDP) and the control plane its AMI.
    sip_host     text NOT NULL CHECK (sip_host ~ '^[0-9]{1,3}(\.[0-9]{1,3}){3}$'),
    sip_port     integer NOT NULL CHECK (sip_port BETWEEN 1 AND 65535),
    ami_host     text NOT NULL CHECK (ami_host ~ '^[0-9]{1,3}(\.[0-9]{1,3}){3}$'),
    ami_port     integer NOT NULL CHECK (ami_port BETWEEN 1 AND 65535),
    capacity     integer NOT NULL CHECK (capacity BETWEEN 1 AND 100000),  -- concurrent calls
    -- active: takes tenants and calls; down: lost (the control plane re-homed its tenants);
    -- draining: finishes its calls, gets no new tenants.
    state        text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'down', 'draining')),
    state_since  timestamptz NOT NULL DEFAULT now(),
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (sip_host, sip_port)
);

ALTER TABLE tenants ADD COLUMN home_node text REFERENCES nodes (name);
CREATE INDEX tenants_home_node ON tenants (home_node);

-- Every change of a tenant's home, with why: placed at creation, moved by the operator,
-- re-homed because its node died.
CREATE TABLE tenant_moves (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    from_node  text REFERENCES nodes (name),
    to_node    text NOT NULL REFERENCES nodes (name),
    reason     text NOT NULL CHECK (reason IN ('placed', 'operator', 'failover')),
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_moves_tenant ON tenant_moves (tenant_id, at);

-- Carrier trunks. Identified by address (host, any port) when they call in; reached at
-- host:port when a call goes out. max_channels caps calls over the trunk both ways (the edge
-- counts them); outbound calls try trunks whose prefix matches the dialled number, lowest
-- priority first.
CREATE TABLE trunks (
    name          text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9-]{0,31}$'),
    host          text NOT NULL CHECK (host ~ '^[0-9]{1,3}(\.[0-9]{1,3}){3}$'),
    port          integer NOT NULL DEFAULT 5060 CHECK (port BETWEEN 1 AND 65535),
    transport     text NOT NULL DEFAULT 'udp' CHECK (transport IN ('udp', 'tcp', 'tls')),
    max_channels  integer NOT NULL CHECK (max_channels BETWEEN 1 AND 100000),
    priority      integer NOT NULL DEFAULT 100 CHECK (priority BETWEEN 0 AND 1000),
    -- Dialled-number prefixes this trunk carries out ('' = any number).
    prefixes      text[] NOT NULL DEFAULT '{""}'
        CHECK (array_position(prefixes, NULL) IS NULL AND cardinality(prefixes) BETWEEN 1 AND 100),
    enabled       boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- What the edge reads (as Asterisk's role: read-only, routing only). Kamailio's sqlops has
-- no bind parameters: the edge checks every value against a strict pattern before it
-- builds a query, and these views keep the queries one-table lookups.
CREATE VIEW cc_edge_tenants AS
    SELECT t.id AS tenant_id, n.name AS node, n.sip_host, n.sip_port
    FROM tenants t JOIN nodes n ON n.name = t.home_node;

CREATE VIEW cc_edge_numbers AS
    SELECT num.number, t.id AS tenant_id, n.name AS node, n.sip_host, n.sip_port
    FROM numbers num
    JOIN tenants t ON t.id = num.tenant_id
    JOIN nodes n ON n.name = t.home_node;

CREATE VIEW cc_edge_trunks AS
    SELECT name, host, port, transport, max_channels, priority, prefixes
    FROM trunks WHERE enabled;

-- Kamailio's dispatcher list (set 1: the nodes the edge probes and fails over between).
CREATE VIEW cc_edge_dispatcher AS
    SELECT row_number() OVER (ORDER BY name)::integer AS id,
           1 AS setid,
           'sip:' || sip_host || ':' || sip_port AS destination,
           0 AS flags,
           0 AS priority,
           'name=' || name AS attrs,
           name AS description
    FROM nodes;

-- Kamailio checks a table's layout version in a table named `version` before it reads it.
CREATE VIEW version AS
    SELECT 'cc_edge_dispatcher'::text AS table_name, 4 AS table_version;

-- The control plane follows nodes and homes as they change (new node: open its AMI).
CREATE FUNCTION cc_nodes_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cc_nodes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
CREATE TRIGGER nodes_notify AFTER INSERT OR UPDATE OR DELETE ON nodes
    FOR EACH STATEMENT EXECUTE FUNCTION cc_nodes_notify();

-- Behind the edge a seat's contact is kept as the phone sent it, with the Path the edge
-- added (support_path): rewriting it to the
-- request's source would store the edge's address. Requests reach the phone by its Path
-- (the edge, with the address the phone really registered from).
UPDATE ps_endpoints SET rewrite_contact = 'no' WHERE rewrite_contact = 'yes';
ALTER TABLE ps_aors ADD COLUMN support_path text DEFAULT 'yes';
UPDATE ps_aors SET support_path = 'yes';
