-- Routing: destinations of every kind, schedules, IVRs, queue options and overflow,
-- forward-to-mobile seats, outbound policy against toll fraud, concurrency caps, callbacks.
--
-- As in 0001, domain rows are the source of truth and the cc_* views are what the generic
-- dialplan reads per call with REALTIME_HASH; nothing here needs a reload.

-- ---------------------------------------------------------------- tenant limits and policy
ALTER TABLE tenants
    ADD COLUMN max_calls     integer NOT NULL DEFAULT 100 CHECK (max_calls BETWEEN 0 AND 100000),
    ADD COLUMN max_outbound  integer NOT NULL DEFAULT 10 CHECK (max_outbound BETWEEN 0 AND 100000),
    -- Dial patterns (Asterisk style) a tenant's calls may reach outside, and the POSIX
    -- regular expression compiled from them by the control plane (callcenter.routing.outbound).
    ADD COLUMN outbound_patterns text[] NOT NULL DEFAULT ARRAY['1[3-9]XXXXXXXXX', '0ZXXXXXXXX', '0ZXXXXXXXXX', '0ZXXXXXXXXXX'],
    ADD COLUMN outbound_regex    text NOT NULL DEFAULT 
        '^(1[3-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]|0[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]|0[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]|0[1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9])$',
    ADD COLUMN caller_number     text;

-- ---------------------------------------------------------------- destinations
-- kind/target pairs are validated by the services (callcenter.routing.destinations) against
-- the tenant's own objects before they are stored; the dialplan filters them again.
ALTER TABLE numbers DROP CONSTRAINT numbers_destination_type_check;
UPDATE numbers SET destination_type = 'agent' WHERE destination_type = 'seat';
ALTER TABLE numbers
    ADD CONSTRAINT numbers_destination_type_check CHECK (destination_type IN
        ('queue', 'ivr', 'agent', 'voicemail', 'external', 'announcement', 'hangup')),
    ADD COLUMN schedule   text,
    ADD COLUMN max_calls  integer NOT NULL DEFAULT 0 CHECK (max_calls BETWEEN 0 AND 100000),
    ADD COLUMN priority   integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 100);

-- ---------------------------------------------------------------- schedules
CREATE TABLE schedules (
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,31}$'),
    definition   jsonb NOT NULL,
    closed_type  text NOT NULL,
    closed_target text NOT NULL DEFAULT '',
    spans_until  timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
-- The open spans of each schedule, computed by the control plane from the definition
-- (timezone, weekly hours, holidays, special days, national calendar) for the days ahead,
-- so the database answers "open now?" at call time without the control plane.
CREATE TABLE schedule_open (
    tenant_id  text NOT NULL,
    schedule   text NOT NULL,
    opens_at   timestamptz NOT NULL,
    closes_at  timestamptz NOT NULL CHECK (closes_at > opens_at),
    FOREIGN KEY (tenant_id, schedule) REFERENCES schedules (tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX schedule_open_lookup ON schedule_open (tenant_id, schedule, closes_at);
ALTER TABLE numbers ADD FOREIGN KEY (tenant_id, schedule)
    REFERENCES schedules (tenant_id, name);

-- ---------------------------------------------------------------- IVRs
CREATE TABLE ivrs (
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,31}$'),
    entry       text NOT NULL,
    definition  jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
-- Flattened for the dialplan: one row per menu, one per key, keyed '<tenant>:<ivr>:<menu>'.
CREATE TABLE ivr_menus (
    id          text PRIMARY KEY,
    tenant_id   text NOT NULL,
    ivr         text NOT NULL,
    menu        text NOT NULL,
    prompt      text NOT NULL,
    timeout     integer NOT NULL,
    max_tries   integer NOT NULL,
    timeout_kind text NOT NULL, timeout_target text NOT NULL DEFAULT '',
    invalid_kind text NOT NULL, invalid_target text NOT NULL DEFAULT '',
    maxtries_kind text NOT NULL, maxtries_target text NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, ivr) REFERENCES ivrs (tenant_id, name) ON DELETE CASCADE
);
CREATE TABLE ivr_keys (
    id          text PRIMARY KEY,          -- '<tenant>:<ivr>:<menu>:<key>'
    tenant_id   text NOT NULL,
    ivr         text NOT NULL,
    kind        text NOT NULL,
    target      text NOT NULL DEFAULT '',
    FOREIGN KEY (tenant_id, ivr) REFERENCES ivrs (tenant_id, name) ON DELETE CASCADE
);
CREATE VIEW cc_ivrs AS
    SELECT tenant_id || ':' || name AS id, tenant_id, name, entry FROM ivrs;

-- ---------------------------------------------------------------- queues
ALTER TABLE acd_queues
    ADD COLUMN retry              integer NOT NULL DEFAULT 2,
    ADD COLUMN max_len            integer NOT NULL DEFAULT 0,
    ADD COLUMN music_class        text NOT NULL DEFAULT 'default',
    ADD COLUMN announce_position  boolean NOT NULL DEFAULT false,
    ADD COLUMN announce_holdtime  boolean NOT NULL DEFAULT false,
    ADD COLUMN announce_frequency integer NOT NULL DEFAULT 0,
    ADD COLUMN service_level      integer NOT NULL DEFAULT 20,
    ADD COLUMN callback_key       text CHECK (callback_key ~ '^[0-9]$'),
    ADD COLUMN overflow_timeout_kind text, ADD COLUMN overflow_timeout_target text NOT NULL DEFAULT '',
    ADD COLUMN overflow_empty_kind   text, ADD COLUMN overflow_empty_target   text NOT NULL DEFAULT '',
    ADD COLUMN overflow_full_kind    text, ADD COLUMN overflow_full_target    text NOT NULL DEFAULT '';

ALTER TABLE queues
    ADD COLUMN context                     text,
    ADD COLUMN periodic_announce_frequency integer,
    ADD COLUMN min_announce_frequency      integer,
    ADD COLUMN announce_to_first_user      text,
    ADD COLUMN autofill                    text,
    ADD COLUMN timeoutpriority             text;

-- What the dialplan needs about a queue beyond app_queue's own row: max wait, overflow
-- destinations per outcome, the callback key. Key: '<tenant>-<queue>' (the app_queue name).
CREATE VIEW cc_queue_opts AS
    SELECT tenant_id || '-' || name AS id, tenant_id, name, coalesce(max_wait, 0) AS max_wait,
           coalesce(callback_key, '') AS callback_key,
           coalesce(overflow_timeout_kind, '') AS timeout_kind, overflow_timeout_target AS timeout_target,
           coalesce(overflow_empty_kind, '') AS empty_kind, overflow_empty_target AS empty_target,
           coalesce(overflow_full_kind, '') AS full_kind, overflow_full_target AS full_target
    FROM acd_queues;

-- ---------------------------------------------------------------- seats forwarded to a phone
ALTER TABLE seats
    ADD COLUMN forward_to text CHECK (forward_to ~ '^[0-9]{5,20}$');
CREATE VIEW cc_seats AS
    SELECT s.endpoint_id, s.tenant_id, s.extension, coalesce(s.forward_to, '') AS forward_to
    FROM seats s;

-- ---------------------------------------------------------------- voicemail
CREATE TABLE mailboxes (
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    mailbox     text NOT NULL CHECK (mailbox ~ '^[0-9]{2,10}$'),
    name        text NOT NULL DEFAULT '',
    email       text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, mailbox)
);
-- app_voicemail realtime (extconfig: voicemail => pgsql,...,cc_voicemail): one context per tenant.
CREATE VIEW cc_voicemail AS
    SELECT row_number() OVER (ORDER BY tenant_id, mailbox) AS uniqueid,
           'tenant-' || tenant_id AS context, mailbox, '0000'::text AS password,
           name AS fullname, email, ''::text AS pager, tenant_id
    FROM mailboxes;

-- ---------------------------------------------------------------- callbacks
-- A caller in a queue pressed the callback key: the dialplan stores the request here
-- (REALTIME_STORE), the control plane places a stand-in at the caller's position and, when
-- an agent takes it, calls the customer.
CREATE TABLE callbacks (
    id          bigserial PRIMARY KEY,
    tenant_id   text NOT NULL,
    queue       text NOT NULL,
    number      text NOT NULL,
    did         text NOT NULL DEFAULT '',
    position    integer NOT NULL DEFAULT 0,
    status      text NOT NULL DEFAULT 'waiting',
    requested_at timestamptz NOT NULL DEFAULT now(),
    placed_at   timestamptz,
    done_at     timestamptz
);
CREATE INDEX callbacks_waiting ON callbacks (status, id);

-- ---------------------------------------------------------------- what the dialplan reads
CREATE VIEW cc_tenants AS
    SELECT t.id, t.status, t.max_calls, t.max_outbound, t.outbound_regex,
           coalesce(t.caller_number, (SELECT min(n.number) FROM numbers n WHERE n.tenant_id = t.id), '')
               AS caller_number
    FROM tenants t;

DROP VIEW cc_dids;
CREATE VIEW cc_dids AS
    SELECT n.number, n.tenant_id, n.kind, t.status, n.max_calls, n.priority,
           t.max_calls AS tenant_max_calls,
           CASE WHEN h.is_open THEN 'open' ELSE 'closed' END AS hours,
           CASE WHEN h.is_open THEN n.destination_type ELSE s.closed_type END AS destination_type,
           CASE WHEN h.is_open THEN n.destination ELSE s.closed_target END AS destination
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

-- Queues by their short name: the dialplan enters cc-queue,<name> under the phone's tenant.
CREATE OR REPLACE VIEW cc_extens AS
    SELECT s.tenant_id || ':' || s.extension AS id, s.tenant_id, 'seat'::text AS kind,
           s.endpoint_id AS target
    FROM seats s
    UNION ALL
    SELECT q.tenant_id || ':' || q.extension, q.tenant_id, 'queue', q.name
    FROM acd_queues q;
