-- Outbound campaigns (issue 18): a campaign, its contact list, every dial attempt, and the
-- do-not-call lists (a tenant's own; the platform's, tenant_id NULL, kept by operators).
-- The dialer's whole state is here (status, next_at, attempts in flight), so a restarted
-- control plane picks every running campaign up where it was.
CREATE TABLE campaigns (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id             text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                  text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    mode                  text NOT NULL
        CHECK (mode IN ('preview', 'progressive', 'predictive', 'agentless')),
    caller_number         text NOT NULL CHECK (caller_number ~ '^[0-9]{5,20}$'),
    queue                 text NOT NULL,
    schedule              text NOT NULL,
    script                text NOT NULL DEFAULT '' CHECK (length(script) <= 8000),
    dispositions          jsonb NOT NULL DEFAULT '[]',
    success_dispositions  jsonb NOT NULL DEFAULT '[]',
    abandon_cap           numeric(5, 2) NOT NULL DEFAULT 3 CHECK (abandon_cap BETWEEN 0 AND 100),
    max_attempts          integer NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 20),
    retry_delays          jsonb NOT NULL,   -- seconds per outcome: busy, no_answer, failed, machine
    dial_timeout          integer NOT NULL DEFAULT 30 CHECK (dial_timeout BETWEEN 5 AND 120),
    amd                   boolean NOT NULL DEFAULT false,
    notice                text NOT NULL DEFAULT '',   -- agentless: the tenant's prompt name
    survey                boolean NOT NULL DEFAULT false,  -- agentless: the key pressed is the answer
    status                text NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'running', 'paused', 'stopped', 'completed')),
    created_at            timestamptz NOT NULL DEFAULT now(),
    started_at            timestamptz,
    finished_at           timestamptz,
    UNIQUE (tenant_id, name)
);
CREATE INDEX campaigns_running ON campaigns (status) WHERE status = 'running';

CREATE TABLE campaign_contacts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    phone        text NOT NULL CHECK (phone ~ '^[0-9]{3,20}$'),
    name         text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    fields       jsonb NOT NULL DEFAULT '{}',      -- the CSV's other columns, shown to the agent
    status       text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'dialing', 'done', 'dnc', 'exhausted')),
    attempts     integer NOT NULL DEFAULT 0,
    last_outcome text,
    next_at      timestamptz NOT NULL DEFAULT now(),
    reserved_by  text,                             -- preview: the agent's endpoint
    disposition  text,
    success      boolean NOT NULL DEFAULT false,
    added_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (campaign_id, phone)
);
CREATE INDEX campaign_contacts_due ON campaign_contacts (campaign_id, next_at)
    WHERE status = 'pending';

CREATE TABLE campaign_attempts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    campaign_id  bigint NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    contact_id   bigint NOT NULL REFERENCES campaign_contacts (id) ON DELETE CASCADE,
    phone        text NOT NULL,
    agent        text,                             -- endpoint of the agent who took it
    started_at   timestamptz NOT NULL DEFAULT now(),
    answered_at  timestamptz,
    ended_at     timestamptz,
    dial_status  text,                             -- Asterisk's DIALSTATUS of the customer leg
    keys         text,                             -- agentless survey: the key the customer pressed
    outcome      text CHECK (outcome IN
        ('answered', 'busy', 'no_answer', 'failed', 'machine', 'abandoned')),
    linkedid     text
);
CREATE INDEX campaign_attempts_campaign ON campaign_attempts (campaign_id, started_at);
CREATE INDEX campaign_attempts_open ON campaign_attempts (campaign_id) WHERE outcome IS NULL;
CREATE INDEX campaign_attempts_linkedid ON campaign_attempts (linkedid);

CREATE TABLE dnc_numbers (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  text REFERENCES tenants (id) ON DELETE CASCADE,   -- NULL: the platform's list
    number     text NOT NULL CHECK (number ~ '^[0-9]{3,20}$'),
    source     text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'csv', 'ivr')),
    added_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX dnc_numbers_key ON dnc_numbers (coalesce(tenant_id, ''), number);

-- What the dialplan reads for one attempt (cc-campaign-dial, cc-campaign): tenant, number,
-- caller number, queue and the campaign's options; only attempts still in flight.
CREATE VIEW cc_campaign_calls AS
    SELECT a.id, a.tenant_id, a.campaign_id, a.contact_id, a.phone,
           c.caller_number, a.tenant_id || '-' || c.queue AS queue, c.mode,
           CASE WHEN c.amd THEN 'yes' ELSE '' END AS amd, c.notice,
           CASE WHEN c.survey THEN 'yes' ELSE '' END AS survey
    FROM campaign_attempts a JOIN campaigns c ON c.id = a.campaign_id
    WHERE a.outcome IS NULL;

-- Each campaign call's CDR legs carry the campaign and the contact (CDR variables set by the
-- dialplan; cdr_pgsql and the AMI sink both fill them). ``survey``: the inbound satisfaction
-- score (1-5) a caller keyed after the agent hung up (a queue with ``survey`` on).
ALTER TABLE cdr ADD COLUMN campaign text;
ALTER TABLE cdr ADD COLUMN campaign_contact text;
ALTER TABLE cdr ADD COLUMN survey text;

-- Inbound satisfaction survey: a queue option the dialplan reads with the queue's others.
ALTER TABLE acd_queues ADD COLUMN survey boolean NOT NULL DEFAULT false;
CREATE OR REPLACE VIEW cc_queue_opts AS
    SELECT tenant_id || '-' || name AS id, tenant_id, name, coalesce(max_wait, 0) AS max_wait,
           coalesce(callback_key, '') AS callback_key,
           coalesce(overflow_timeout_kind, '') AS timeout_kind,
           cc_dest_target(overflow_timeout_kind, overflow_timeout_target) AS timeout_target,
           coalesce(overflow_empty_kind, '') AS empty_kind,
           cc_dest_target(overflow_empty_kind, overflow_empty_target) AS empty_target,
           coalesce(overflow_full_kind, '') AS full_kind,
           cc_dest_target(overflow_full_kind, overflow_full_target) AS full_target,
           CASE WHEN survey THEN 'yes' ELSE '' END AS survey
    FROM acd_queues;
CREATE INDEX cdr_campaign ON cdr (campaign) WHERE campaign IS NOT NULL;

-- cdr gained columns: cdr_intake is recreated with them (migration 0011), defaults included.
DROP VIEW cdr_intake CASCADE;
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

-- Invoices show campaign calls per campaign: the rated call remembers its campaign.
ALTER TABLE billing_rated_calls ADD COLUMN campaign bigint;
