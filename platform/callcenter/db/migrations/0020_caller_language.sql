-- Callers hear the tenant's language (issue 17): a language per tenant (Mandarin for new
-- tenants; tenants created before keep English), optionally per number and per IVR. The
-- dialplan sets CHANNEL(language) from the number's row and again when an IVR names one, so
-- Asterisk plays sounds/zh/* (system prompts, say.c digits) for a Mandarin call.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS language text NOT NULL DEFAULT 'en'
    CHECK (language IN ('zh', 'en'));
ALTER TABLE tenants ALTER COLUMN language SET DEFAULT 'zh';
ALTER TABLE numbers ADD COLUMN IF NOT EXISTS language text CHECK (language IN ('zh', 'en'));

CREATE OR REPLACE VIEW cc_dids AS
    SELECT n.number, n.tenant_id, n.kind, t.status, n.max_calls, n.priority,
           t.max_calls AS tenant_max_calls,
           CASE WHEN h.is_open THEN 'open' ELSE 'closed' END AS hours,
           CASE WHEN h.is_open THEN n.destination_type ELSE s.closed_type END AS destination_type,
           CASE WHEN h.is_open THEN cc_dest_target(n.destination_type, n.destination)
                ELSE cc_dest_target(s.closed_type, s.closed_target) END AS destination,
           t.recording_policy,
           coalesce(n.language, t.language) AS language
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

-- An IVR's language is part of its document ({"language": "zh"}); only the two known values
-- reach the dialplan.
CREATE OR REPLACE VIEW cc_ivrs AS
    SELECT tenant_id || ':' || name AS id, tenant_id, name, entry, cc_sound(greeting) AS greeting,
           CASE WHEN definition->>'language' IN ('zh', 'en') THEN definition->>'language'
                ELSE '' END AS language
    FROM ivrs;
