-- Asterisk caches the rows every call reads (issue 16): numbers, IVRs, IVR menus and queue
-- options, in each node's AstDB (extensions.conf, cc-rt). An entry is trusted while the generation it
-- was read under is the node's CC_RGEN and its valid_until has not passed. The control plane
-- sets a new CC_RGEN on every node whenever one of the tables below changes (LISTEN
-- cc_routes, asterisk/routes.py), so a change is followed at the next call; a number's
-- open/closed state expires at its schedule's next boundary by itself.

CREATE OR REPLACE VIEW cc_dids AS
    SELECT n.number, n.tenant_id, n.kind, t.status, n.max_calls, n.priority,
           t.max_calls AS tenant_max_calls,
           CASE WHEN h.is_open THEN 'open' ELSE 'closed' END AS hours,
           CASE WHEN h.is_open THEN n.destination_type ELSE s.closed_type END AS destination_type,
           CASE WHEN h.is_open THEN cc_dest_target(n.destination_type, n.destination)
                ELSE cc_dest_target(s.closed_type, s.closed_target) END AS destination,
           t.recording_policy,
           coalesce(n.language, t.language) AS language,
           -- Until when this row may be cached (the dialplan's cc-rt): the number's next
           -- opening or closing, at most an hour ahead.
           floor(extract(epoch FROM least(now() + interval '1 hour', (
               SELECT min(CASE WHEN o.opens_at > now() THEN o.opens_at ELSE o.closes_at END)
               FROM schedule_open o
               WHERE o.tenant_id = n.tenant_id AND o.schedule = n.schedule
                 AND o.closes_at > now()))))::bigint AS valid_until
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

CREATE FUNCTION cc_routes_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('cc_routes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

-- Every table behind those rows (cc_dids, cc_ivrs, cc_ivr_menus, cc_queue_opts).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['numbers', 'tenants', 'schedules', 'schedule_open', 'ivrs',
                             'ivr_menus', 'acd_queues'] LOOP
        EXECUTE format('CREATE TRIGGER cc_routes_changed'
                       ' AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION cc_routes_changed()', t);
    END LOOP;
END
$$;
