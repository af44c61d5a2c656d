-- The SIP brute-force guard behind the edge (issue 15). Every request reaches a node from
-- the edge's address, so the nodes can no longer count failures per source: the edge does
-- what the node cannot. It records each digest outcome it relays back (a node's 401/403 to
-- a request that carried credentials answering a challenge the edge saw go to that same
-- source; a 2xx to one, rate-limited) with the real source address here; the control plane
-- LISTENs (cc_sip_auth), feeds its pure guard (security/guard.py: threshold, window, block
-- time, allow list, sparing addresses with registered seats) and writes sip_blocks. The
-- edge refuses every request from a live block: it re-reads cc_edge_blocks into memory
-- whenever cc_edge_blocks_version changes (polled twice a second).
CREATE TABLE sip_auth_events (
    id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address  inet NOT NULL,
    ok       boolean NOT NULL,
    account  text NOT NULL DEFAULT '' CHECK (length(account) <= 64),
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sip_auth_events_at ON sip_auth_events (at);

-- One wake-up per statement: the listener reads every row past the last id it handled,
-- so a burst costs one query and nothing is lost across a reconnect.
CREATE FUNCTION cc_sip_auth_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cc_sip_auth', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER sip_auth_events_notify AFTER INSERT ON sip_auth_events
    FOR EACH STATEMENT EXECUTE FUNCTION cc_sip_auth_notify();

-- What the edge reads. Live blocks only, as address and end (Unix seconds; the edge also
-- compares the end with its clock, so a block ends on time between two reads).
CREATE VIEW cc_edge_blocks AS
    SELECT host(address) AS address, floor(extract(epoch FROM blocked_until))::bigint AS until
    FROM sip_blocks WHERE blocked_until > now();

-- A short fingerprint of the live set: the edge re-reads the blocks only when it changes
-- (a block made, extended, lifted or run out).
CREATE VIEW cc_edge_blocks_version AS
    SELECT count(*)::text || ':' || coalesce(sum(hashtext(address || '/' || until::text)::bigint), 0)::text
        AS version
    FROM cc_edge_blocks;

-- A seat's media address (Asterisk's endpoint options): RTP bound to and advertised at an
-- address its agent's network reaches, when that is not the node's SIP address (a node
-- whose SIP address is internal to the cluster). NULL: the node's SIP address.
ALTER TABLE ps_endpoints ADD COLUMN media_address text;
ALTER TABLE ps_endpoints ADD COLUMN bind_rtp_to_media_address text;
