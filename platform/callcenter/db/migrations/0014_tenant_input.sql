-- Tenant-supplied input that reaches Asterisk (issue 13, items 5 and 8).

-- ---------------------------------------------------------------- sounds a tenant may play
-- A sound reference is the tenant's own upload (tenant/<name>, resolved by the dialplan under
-- the calling tenant's folder) or one of Asterisk's sounds (a name, optionally in one of its
-- sound folders). Never a path: rows stored before this rule (an absolute path such as
-- /srv/..., another folder) are kept but the views the dialplan reads turn them into ''
-- (nothing played; an announcement with no sound is "not in service").
-- Keep in step with callcenter.routing.sounds.SOUND_REF_RE (a unit test compares them).
CREATE FUNCTION cc_sound_ok(ref text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(ref ~ '^(tenant/[a-z0-9][a-z0-9_-]{0,39}|((dictate|digits|followme|letters|phonetic|silence)/)?[a-z0-9][a-z0-9_-]{0,63})$', false)
$$;
CREATE FUNCTION cc_sound(ref text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN cc_sound_ok(ref) THEN ref ELSE '' END
$$;
-- The target of a destination: an announcement's sound must pass the rule above.
CREATE FUNCTION cc_dest_target(kind text, target text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN kind = 'announcement' THEN cc_sound(target) ELSE target END
$$;

CREATE OR REPLACE VIEW cc_ivrs AS
    SELECT tenant_id || ':' || name AS id, tenant_id, name, entry, cc_sound(greeting) AS greeting
    FROM ivrs;

-- The dialplan reads IVR menus through this view (extconfig: ivr_menus => cc_ivr_menus).
CREATE VIEW cc_ivr_menus AS
    SELECT id, tenant_id, ivr, menu, cc_sound(prompt) AS prompt, timeout, max_tries,
           timeout_kind, timeout_target, invalid_kind, invalid_target,
           maxtries_kind, maxtries_target
    FROM ivr_menus;

CREATE OR REPLACE VIEW cc_queue_opts AS
    SELECT tenant_id || '-' || name AS id, tenant_id, name, coalesce(max_wait, 0) AS max_wait,
           coalesce(callback_key, '') AS callback_key,
           coalesce(overflow_timeout_kind, '') AS timeout_kind,
           cc_dest_target(overflow_timeout_kind, overflow_timeout_target) AS timeout_target,
           coalesce(overflow_empty_kind, '') AS empty_kind,
           cc_dest_target(overflow_empty_kind, overflow_empty_target) AS empty_target,
           coalesce(overflow_full_kind, '') AS full_kind,
           cc_dest_target(overflow_full_kind, overflow_full_target) AS full_target
    FROM acd_queues;

CREATE OR REPLACE VIEW cc_dids AS
    SELECT n.number, n.tenant_id, n.kind, t.status, n.max_calls, n.priority,
           t.max_calls AS tenant_max_calls,
           CASE WHEN h.is_open THEN 'open' ELSE 'closed' END AS hours,
           CASE WHEN h.is_open THEN n.destination_type ELSE s.closed_type END AS destination_type,
           CASE WHEN h.is_open THEN cc_dest_target(n.destination_type, n.destination)
                ELSE cc_dest_target(s.closed_type, s.closed_target) END AS destination,
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

-- ---------------------------------------------------------------- callback requests
-- The dialplan stores a caller's request itself (REALTIME_STORE into callbacks), with the
-- caller number the carrier delivered, which anyone can spoof. Limits are enforced here, where
-- the row is written, so no path can skip them: at most one open request (waiting or placed)
-- per caller number and tenant, at most tenants.max_open_callbacks open per tenant (0 = the
-- tenant takes none). A refused request is kept, closed at once, with its reason as status
-- ('duplicate' or 'refused'): the dialplan reads it back to tell the caller, and the control
-- plane never places it.
ALTER TABLE tenants
    ADD COLUMN max_open_callbacks integer NOT NULL DEFAULT 20
        CHECK (max_open_callbacks BETWEEN 0 AND 10000);

-- Requests already open twice for one number: keep the oldest.
UPDATE callbacks c SET status = 'duplicate', done_at = now()
WHERE c.status IN ('waiting', 'placed') AND EXISTS (
    SELECT 1 FROM callbacks o
    WHERE o.tenant_id = c.tenant_id AND o.number = c.number
      AND o.status IN ('waiting', 'placed') AND o.id < c.id);
CREATE UNIQUE INDEX callbacks_one_open_per_number ON callbacks (tenant_id, number)
    WHERE status IN ('waiting', 'placed');
CREATE INDEX callbacks_open_per_tenant ON callbacks (tenant_id) WHERE status IN ('waiting', 'placed');
-- The dialplan looks its own request up by the caller's channel.
CREATE INDEX callbacks_caller ON callbacks (caller_uniqueid);

CREATE FUNCTION cc_callback_admit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cap integer;
BEGIN
    IF NEW.status NOT IN ('waiting', 'placed') THEN
        RETURN NEW;
    END IF;
    -- One tenant's requests are admitted one at a time, so the counts below cannot race.
    PERFORM pg_advisory_xact_lock(hashtext('cc_callbacks'), hashtext(NEW.tenant_id));
    SELECT max_open_callbacks INTO cap FROM tenants WHERE id = NEW.tenant_id;
    IF EXISTS (SELECT 1 FROM callbacks WHERE tenant_id = NEW.tenant_id AND number = NEW.number
               AND status IN ('waiting', 'placed')) THEN
        NEW.status := 'duplicate';
    ELSIF cap IS NULL OR NEW.number !~ '^[0-9]{3,20}$'
          OR (SELECT count(*) FROM callbacks WHERE tenant_id = NEW.tenant_id
              AND status IN ('waiting', 'placed')) >= cap THEN
        NEW.status := 'refused';
    END IF;
    IF NEW.status NOT IN ('waiting', 'placed') THEN
        NEW.done_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER callbacks_admit BEFORE INSERT ON callbacks
    FOR EACH ROW EXECUTE FUNCTION cc_callback_admit();

-- Asterisk inserts callback requests; the trigger reads tenants, which a least-privilege
-- Asterisk role may not: it runs as its owner, with a search path nobody else can plant in.
DO $$
BEGIN
    EXECUTE format(
        'ALTER FUNCTION cc_callback_admit() SECURITY DEFINER SET search_path = pg_catalog, %I',
        current_schema()
    );
END
$$;
-- Where Asterisk logs in with its own role (least privilege), it reads IVR menus through the
-- new view.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'callcenter_asterisk') THEN
        GRANT SELECT ON cc_ivr_menus TO callcenter_asterisk;
    END IF;
END
$$;
