-- Metering and billing: seat and registration history, plans, periods, invoices, and the
-- calls each invoice rated. CDRs themselves stay in `cdr` (0001), written by cdr_pgsql and by
-- the control plane's AMI CDR path, both keyed by (uniqueid, sequence).

-- ---------------------------------------------------------------- seat history
-- One row per seat lifetime, written by the seats service in the seat's own transaction, so
-- seat-days prorate exactly (the seats table forgets removed seats).
CREATE TABLE billing_seat_history (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    text NOT NULL,
    extension    text NOT NULL,
    endpoint_id  text NOT NULL,
    added_at     timestamptz NOT NULL DEFAULT now(),
    removed_at   timestamptz,
    CHECK (removed_at IS NULL OR removed_at >= added_at)
);
CREATE UNIQUE INDEX billing_seat_open ON billing_seat_history (tenant_id, extension)
    WHERE removed_at IS NULL;
CREATE INDEX billing_seat_tenant ON billing_seat_history (tenant_id, added_at);
INSERT INTO billing_seat_history (tenant_id, extension, endpoint_id, added_at)
    SELECT tenant_id, extension, endpoint_id, created_at FROM seats;

-- ---------------------------------------------------------------- registration history
-- A seat is "logged in" while it has at least one contact. Asterisk writes ps_contacts
-- itself, so a trigger records the intervals even while the control plane is down.
CREATE TABLE billing_registrations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   text NOT NULL,
    endpoint    text NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT now(),
    ended_at    timestamptz
);
CREATE UNIQUE INDEX billing_registration_open ON billing_registrations (endpoint)
    WHERE ended_at IS NULL;
CREATE INDEX billing_registration_tenant ON billing_registrations (tenant_id, started_at);

CREATE FUNCTION cc_billing_registration() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Never let bookkeeping fail a REGISTER: errors become warnings.
    BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.endpoint IS NOT NULL THEN
            INSERT INTO billing_registrations (tenant_id, endpoint)
                SELECT e.tenant_id, e.id FROM ps_endpoints e WHERE e.id = NEW.endpoint
                ON CONFLICT (endpoint) WHERE ended_at IS NULL DO NOTHING;
        ELSIF TG_OP = 'DELETE' AND OLD.endpoint IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM ps_contacts WHERE endpoint = OLD.endpoint) THEN
            UPDATE billing_registrations SET ended_at = now()
                WHERE endpoint = OLD.endpoint AND ended_at IS NULL;
        END IF;
    EXCEPTION WHEN others THEN
        RAISE WARNING 'billing registration not recorded: %', SQLERRM;
    END;
    RETURN NULL;
END $$;
CREATE TRIGGER ps_contacts_billing AFTER INSERT OR UPDATE OR DELETE ON ps_contacts
    FOR EACH ROW EXECUTE FUNCTION cc_billing_registration();

-- ---------------------------------------------------------------- plans and periods
CREATE TABLE billing_plans (
    tenant_id   text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    plan        jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A period is a calendar month (UTC), named by its first day. Closed = immutable.
CREATE TABLE billing_periods (
    period     date PRIMARY KEY CHECK (extract(day FROM period) = 1),
    rated_at   timestamptz NOT NULL DEFAULT now(),
    closed_at  timestamptz
);

CREATE TABLE invoices (
    tenant_id   text NOT NULL,
    period      date NOT NULL REFERENCES billing_periods (period),
    plan        jsonb NOT NULL,
    seat_days   integer NOT NULL,
    subtotal    numeric(16, 2) NOT NULL,
    tax         numeric(16, 2) NOT NULL,
    total       numeric(16, 2) NOT NULL,
    currency    text NOT NULL,
    rated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, period)
);

CREATE TABLE invoice_lines (
    tenant_id   text NOT NULL,
    period      date NOT NULL,
    position    integer NOT NULL,
    code        text NOT NULL,
    description text NOT NULL,
    quantity    numeric(20, 4) NOT NULL,
    unit_price  numeric(20, 6) NOT NULL,
    amount      numeric(16, 2) NOT NULL,
    PRIMARY KEY (tenant_id, period, position),
    FOREIGN KEY (tenant_id, period) REFERENCES invoices (tenant_id, period) ON DELETE CASCADE
);

-- Every billable (answered, non-internal) call exactly once: which invoice (invoice_period) rated it, and which month
-- it belongs to (call_period; earlier than invoice_period for a late CDR = an adjustment).
-- call_id is the linkedid, or '<linkedid>/forward' for a leg forwarded to a mobile.
-- Keys collate "C": a run sorts millions of them, byte order is several times faster.
CREATE TABLE billing_rated_calls (
    tenant_id       text COLLATE "C" NOT NULL,
    call_id         text COLLATE "C" NOT NULL,
    invoice_period  date NOT NULL,  -- a billing_periods row; no FK: checked per row, it halves
                                    -- the speed of a run
    call_period     date NOT NULL,
    uniqueid        text NOT NULL,
    sequence        integer NOT NULL,
    started_at      timestamptz NOT NULL,
    direction       text NOT NULL,
    billsec         integer NOT NULL,
    disposition     text,
    agent           text,
    did             text,
    queue           text,
    PRIMARY KEY (tenant_id, call_id)
);
CREATE INDEX billing_rated_invoice ON billing_rated_calls (invoice_period, tenant_id);

-- Which path wrote a CDR row: 'ami' for the control plane's Cdr-event path; cdr_pgsql leaves
-- it empty or NULL (no CDR variable of that name). Diagnostics for the two-path design.
ALTER TABLE cdr ADD COLUMN written_by text;
