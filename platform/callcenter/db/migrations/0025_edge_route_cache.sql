-- The edge keeps what its routing lookups answered (which tenant a number is, a tenant's
-- home node, whether a source address is a trunk) instead of asking PostgreSQL on every
-- INVITE. It reads this counter ten times a second and forgets everything it kept when the
-- counter moved; a statement trigger on every table those lookups read moves it, in the
-- transaction that makes the change, so a committed change is followed within ~0.1 s.
CREATE TABLE edge_routes_version (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL DEFAULT 1
);
INSERT INTO edge_routes_version DEFAULT VALUES;

CREATE FUNCTION cc_edge_routes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE edge_routes_version SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER numbers_edge_routes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON numbers
    FOR EACH STATEMENT EXECUTE FUNCTION cc_edge_routes_changed();
CREATE TRIGGER tenants_edge_routes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants
    FOR EACH STATEMENT EXECUTE FUNCTION cc_edge_routes_changed();
CREATE TRIGGER nodes_edge_routes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON nodes
    FOR EACH STATEMENT EXECUTE FUNCTION cc_edge_routes_changed();
CREATE TRIGGER trunks_edge_routes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON trunks
    FOR EACH STATEMENT EXECUTE FUNCTION cc_edge_routes_changed();

-- What the edge reads (as Asterisk's read-only role, granted in roles.py).
CREATE VIEW cc_edge_routes_version AS SELECT version FROM edge_routes_version;
