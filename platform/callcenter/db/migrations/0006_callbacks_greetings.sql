-- A callback keeps its caller's place: the stand-in is inserted before every caller who
-- reached the platform later. The caller's channel uniqueid ("<system>-<epoch>.<seq>")
-- orders arrivals.
ALTER TABLE callbacks ADD COLUMN caller_uniqueid text NOT NULL DEFAULT '';

-- An IVR's greeting, played once when a call enters it (before the entry menu's prompt).
ALTER TABLE ivrs ADD COLUMN greeting text NOT NULL DEFAULT '';
CREATE OR REPLACE VIEW cc_ivrs AS
    SELECT tenant_id || ':' || name AS id, tenant_id, name, entry, greeting FROM ivrs;
