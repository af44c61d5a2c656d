-- Agent workspace: agent users bound to seats, their presence, hosted CRM contacts, notes and
-- dispositions of calls, and each tenant's CRM lookup URL and webhook.

-- An agent is a user with role 'agent' bound to exactly one seat of its own tenant.
CREATE TABLE agents (
    user_id        bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    tenant_id      text NOT NULL,
    extension      text NOT NULL,
    display_name   text NOT NULL DEFAULT '',
    -- How the agent takes calls: the browser softphone, an external SIP app, or a mobile.
    device         text NOT NULL DEFAULT 'browser' CHECK (device IN ('browser', 'sip', 'mobile')),
    mobile_number  text CHECK (mobile_number ~ '^[0-9]{5,20}$'),
    logged_in      boolean NOT NULL DEFAULT false,
    paused         boolean NOT NULL DEFAULT false,
    pause_reason   text NOT NULL DEFAULT '' CHECK (length(pause_reason) <= 32),
    changed_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, extension),
    FOREIGN KEY (tenant_id, extension) REFERENCES seats (tenant_id, extension) ON DELETE CASCADE
);

-- Queues an agent logged out of (the default is logged in to every queue assigned).
CREATE TABLE agent_queue_logouts (
    tenant_id   text NOT NULL,
    extension   text NOT NULL,
    queue_name  text NOT NULL,
    since       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, extension, queue_name),
    FOREIGN KEY (tenant_id, queue_name, extension)
        REFERENCES acd_queue_members (tenant_id, queue_name, extension) ON DELETE CASCADE
);

-- Hosted CRM: a tenant's contacts, found by phone number at ring time.
CREATE TABLE contacts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    phone       text NOT NULL CHECK (phone ~ '^[0-9]{3,20}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    company     text NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    email       text NOT NULL DEFAULT '' CHECK (length(email) <= 200),
    notes       text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, phone)
);

-- What the agent wrote about a call, keyed like the CDR legs it belongs to.
CREATE TABLE call_notes (
    tenant_id        text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    linkedid         text NOT NULL CHECK (length(linkedid) BETWEEN 1 AND 64),
    agent_extension  text NOT NULL,
    note             text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    disposition      text NOT NULL DEFAULT '' CHECK (length(disposition) <= 32),
    context          jsonb NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, linkedid)
);

-- A tenant's own CRM (looked up at ring time) and webhook (call events POSTed, signed).
CREATE TABLE tenant_integrations (
    tenant_id        text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    crm_lookup_url   text CHECK (crm_lookup_url ~ '^https?://'),
    crm_timeout_ms   integer NOT NULL DEFAULT 800 CHECK (crm_timeout_ms BETWEEN 50 AND 5000),
    webhook_url      text CHECK (webhook_url ~ '^https?://'),
    webhook_secret   text CHECK (length(webhook_secret) BETWEEN 16 AND 128)
);
