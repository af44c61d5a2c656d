-- Supervision: seats allowed to listen to, whisper to or barge into their tenant's calls.
ALTER TABLE seats ADD COLUMN supervisor boolean NOT NULL DEFAULT false;

-- Recording policy per tenant, and the recordings themselves (uploaded from the Asterisk
-- host by the media agent; PostgreSQL is the store, deleted after the retention period).
ALTER TABLE tenants
    ADD COLUMN recording_policy text NOT NULL DEFAULT 'none'
        CHECK (recording_policy IN ('none', 'all', 'on_demand')),
    ADD COLUMN recording_retention_days integer NOT NULL DEFAULT 90
        CHECK (recording_retention_days BETWEEN 1 AND 3650);

CREATE TABLE recordings (
    id          bigserial PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    uniqueid    text NOT NULL UNIQUE,
    linkedid    text NOT NULL DEFAULT '',
    audio       bytea NOT NULL,
    seconds     numeric(10, 2) NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX recordings_tenant ON recordings (tenant_id, created_at);
CREATE INDEX recordings_linkedid ON recordings (linkedid);

CREATE OR REPLACE VIEW cc_tenants AS
    SELECT t.id, t.status, t.max_calls, t.max_outbound, t.outbound_regex,
           coalesce(t.caller_number, (SELECT min(n.number) FROM numbers n WHERE n.tenant_id = t.id), '')
               AS caller_number,
           t.recording_policy
    FROM tenants t;

-- Supervisors: tenant users who watch the wallboard and listen to their tenant's calls.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('operator', 'tenant_admin', 'supervisor', 'agent'));

-- The dialplan learns the tenant's recording policy with the number it looks up anyway.
CREATE OR REPLACE VIEW cc_dids AS
    SELECT n.number, n.tenant_id, n.kind, t.status, n.max_calls, n.priority,
           t.max_calls AS tenant_max_calls,
           CASE WHEN h.is_open THEN 'open' ELSE 'closed' END AS hours,
           CASE WHEN h.is_open THEN n.destination_type ELSE s.closed_type END AS destination_type,
           CASE WHEN h.is_open THEN n.destination ELSE s.closed_target END AS destination,
           t.recording_policy
    FROM numbers n
    JOIN tenants t ON t.id = n.tenant_id
    LEFT JOIN schedules s ON s.tenant_id = n.tenant_id AND s.name = n.schedule
    CROSS JOIN LATERAL (
        SELECT n.schedule IS NULL OR EXISTS (
            SELECT 1 FROM schedule_open o
            WHERE o.tenant_id = n.tenant_id AND o.schedule = n.schedule
              AND o.closes_at > now() AND o.opens_at <= now()) AS is_open
    ) h
    WHERE n.tenant_id IS NOT NULL;

CREATE OR REPLACE VIEW cc_seats AS
    SELECT s.endpoint_id, s.tenant_id, s.extension, coalesce(s.forward_to, '') AS forward_to,
           s.supervisor
    FROM seats s;
