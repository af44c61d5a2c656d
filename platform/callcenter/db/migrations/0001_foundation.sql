-- Foundation: tenants, users, numbers, seats, queues; the realtime tables Asterisk reads;
-- the CDR table cdr_pgsql writes.
--
-- Domain tables (tenants, users, numbers, seats, acd_queues, acd_queue_members) are the
-- source of truth. The Asterisk realtime tables (ps_*, queues, queue_members, cc_dids,
-- cc_extens) are a projection written in the same transaction by the services, so
-- Asterisk sees a change the moment it commits, with no reload.

CREATE TABLE tenants (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9]{1,15}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      text REFERENCES tenants (id) ON DELETE CASCADE,
    username       text NOT NULL UNIQUE,
    password_hash  text NOT NULL,
    role           text NOT NULL CHECK (role IN ('operator', 'tenant_admin', 'agent')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'operator') = (tenant_id IS NULL))
);

CREATE TABLE numbers (
    number            text PRIMARY KEY CHECK (number ~ '^[0-9]{5,20}$'),
    kind              text NOT NULL CHECK (kind IN ('400', 'city', 'mobile')),
    tenant_id         text REFERENCES tenants (id),
    destination_type  text CHECK (destination_type IN ('queue', 'seat')),
    destination       text,
    assigned_at       timestamptz,
    CHECK (tenant_id IS NOT NULL OR destination_type IS NULL)
);
CREATE INDEX numbers_tenant ON numbers (tenant_id);

CREATE TABLE seats (
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    extension    text NOT NULL CHECK (extension ~ '^[1-9][0-9]{2,5}$'),
    endpoint_id  text NOT NULL UNIQUE,
    name         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, extension)
);

CREATE TABLE acd_queues (
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,31}$'),
    extension   text NOT NULL CHECK (extension ~ '^[1-9][0-9]{2,5}$'),
    strategy    text NOT NULL,
    ring_timeout integer NOT NULL,
    wrapup_time  integer NOT NULL,
    max_wait     integer,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

CREATE TABLE acd_queue_members (
    tenant_id   text NOT NULL,
    queue_name  text NOT NULL,
    extension   text NOT NULL,
    penalty     integer NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, queue_name, extension),
    FOREIGN KEY (tenant_id, queue_name) REFERENCES acd_queues (tenant_id, name) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, extension) REFERENCES seats (tenant_id, extension) ON DELETE CASCADE
);

-- ---------------------------------------------------------------- Asterisk realtime
-- Column names follow Asterisk's own schema (contrib/ast-db-manage); only the columns we
-- set are present, except ps_contacts, which res_pjsip needs complete.

CREATE TABLE ps_endpoints (
    id                   text PRIMARY KEY,
    tenant_id            text NOT NULL,
    tenantid             text,  -- Asterisk's endpoint option: tags the seat's channels
    transport            text,
    aors                 text,
    auth                 text,
    context              text,
    disallow             text,
    allow                text,
    direct_media         text,
    dtmf_mode            text,
    force_rport          text,
    rewrite_contact      text,
    rtp_symmetric        text,
    callerid             text,
    accountcode          text,
    set_var              text,
    webrtc               text,
    device_state_busy_at integer,
    named_call_group     text,
    named_pickup_group   text,
    allow_subscribe      text,
    send_pai             text,
    language             text,
    mailboxes            text,
    voicemail_extension  text
);

CREATE TABLE ps_auths (
    id         text PRIMARY KEY,
    tenant_id  text NOT NULL,
    auth_type  text,
    password   text,
    username   text,
    realm      text
);

CREATE TABLE ps_aors (
    id                 text PRIMARY KEY,
    tenant_id          text NOT NULL,
    max_contacts       integer,
    remove_existing    text,
    qualify_frequency  integer,
    default_expiration integer,
    minimum_expiration integer,
    maximum_expiration integer,
    mailboxes          text
);

CREATE TABLE ps_contacts (
    id                    varchar(255) NOT NULL,
    uri                   varchar(511),
    expiration_time       bigint,
    qualify_frequency     integer,
    outbound_proxy        varchar(255),
    path                  text,
    user_agent            varchar(255),
    qualify_timeout       float,
    reg_server            varchar(255),
    authenticate_qualify  text,
    via_addr              varchar(40),
    via_port              integer,
    call_id               varchar(255),
    endpoint              varchar(255),
    prune_on_boot         text,
    qualify_2xx_only      text,
    UNIQUE (id, reg_server)
);
CREATE INDEX ps_contacts_id ON ps_contacts (id);
CREATE INDEX ps_contacts_endpoint ON ps_contacts (endpoint);

CREATE TABLE queues (
    name                 text PRIMARY KEY,
    strategy             text,
    timeout              integer,
    retry                integer,
    wrapuptime           integer,
    maxlen               integer,
    ringinuse            text,
    joinempty            text,
    leavewhenempty       text,
    musiconhold          text,
    announce_position    text,
    announce_holdtime    text,
    announce_frequency   integer,
    setinterfacevar      text,
    setqueuevar          text,
    setqueueentryvar     text,
    reportholdtime       text,
    servicelevel         integer
);

CREATE TABLE queue_members (
    -- PostgreSQL gives this column no default in Asterisk's schema; app_queue needs it unique.
    uniqueid         integer GENERATED BY DEFAULT AS IDENTITY UNIQUE,
    queue_name       text NOT NULL,
    interface        text NOT NULL,
    membername       text,
    state_interface  text,
    penalty          integer,
    paused           integer,
    reason_paused    text,
    wrapuptime       integer,
    ringinuse        integer,
    PRIMARY KEY (queue_name, interface)
);

-- Called number -> tenant and destination, read by the generic dialplan with REALTIME_HASH.
CREATE VIEW cc_dids AS
    SELECT n.number, n.tenant_id, n.kind, n.destination_type, n.destination, t.status
    FROM numbers n JOIN tenants t ON t.id = n.tenant_id
    WHERE n.tenant_id IS NOT NULL;

-- What a tenant's phone may dial inside its own tenant: key is '<tenant>:<extension>'.
CREATE VIEW cc_extens AS
    SELECT s.tenant_id || ':' || s.extension AS id, s.tenant_id, 'seat'::text AS kind,
           s.endpoint_id AS target
    FROM seats s
    UNION ALL
    SELECT q.tenant_id || ':' || q.extension, q.tenant_id, 'queue', q.tenant_id || '-' || q.name
    FROM acd_queues q;

-- ---------------------------------------------------------------- CDR (cdr_pgsql)
CREATE TABLE cdr (
    -- bigserial, not IDENTITY: cdr_pgsql only skips NOT NULL columns with a pg default.
    id           bigserial PRIMARY KEY,
    calldate     timestamptz NOT NULL DEFAULT now(),
    start        timestamptz,
    answer       timestamptz,
    "end"        timestamptz,
    clid         text NOT NULL DEFAULT '',
    src          text NOT NULL DEFAULT '',
    dst          text NOT NULL DEFAULT '',
    dcontext     text NOT NULL DEFAULT '',
    channel      text NOT NULL DEFAULT '',
    dstchannel   text NOT NULL DEFAULT '',
    lastapp      text NOT NULL DEFAULT '',
    lastdata     text NOT NULL DEFAULT '',
    duration     integer NOT NULL DEFAULT 0,
    billsec      integer NOT NULL DEFAULT 0,
    disposition  text NOT NULL DEFAULT '',
    amaflags     integer NOT NULL DEFAULT 0,
    accountcode  text NOT NULL DEFAULT '',
    peeraccount  text NOT NULL DEFAULT '',
    uniqueid     text NOT NULL DEFAULT '',
    linkedid     text NOT NULL DEFAULT '',
    userfield    text NOT NULL DEFAULT '',
    sequence     integer NOT NULL DEFAULT 0,
    tenantid     text,          -- Asterisk's own CDR field, from CHANNEL(tenantid)
    did          text,
    direction    text,
    queue        text
);
-- One record per (uniqueid, sequence): a replayed record is refused, never billed twice.
CREATE UNIQUE INDEX cdr_leg ON cdr (uniqueid, sequence);
CREATE INDEX cdr_tenant_time ON cdr (tenantid, start);
CREATE INDEX cdr_linkedid ON cdr (linkedid);

-- Asterisk writes a contact row when a phone registers and deletes it when the registration
-- ends or expires. res_pjsip emits no AMI event for realtime contacts without qualify, so
-- the control plane LISTENs here to keep seat availability (Custom device state) exact.
CREATE FUNCTION cc_notify_contact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('cc_contacts', coalesce(OLD.endpoint, ''));
    ELSE
        PERFORM pg_notify('cc_contacts', coalesce(NEW.endpoint, ''));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ps_contacts_notify AFTER INSERT OR UPDATE OR DELETE ON ps_contacts
    FOR EACH ROW EXECUTE FUNCTION cc_notify_contact();
