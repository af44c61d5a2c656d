-- The control plane in a cluster (issue 15): its routing cache of tenants' homes, and the
-- CDR legs it writes for calls a lost node can no longer report.

-- A tenant's home changes (placed, moved, re-homed): the control plane's cache of homes
-- (ami/cluster.py, for_tenant) follows on the channel that already carries node changes.
CREATE TRIGGER tenants_home_notify AFTER INSERT OR UPDATE OF home_node ON tenants
    FOR EACH STATEMENT EXECUTE FUNCTION cc_nodes_notify();

-- Calls up on a node whose AMI connection was lost for good (killed, crashed) are metered by
-- the control plane from what it saw: one leg per call, `written_by = 'node-lost'`, keyed
-- (uniqueid = the call's linkedid, sequence = -1). Asterisk's own sequences start at 0, so
-- the key never meets a real leg, and `cdr_leg` makes a second detection or a restarted
-- control plane a no-op (ON CONFLICT DO NOTHING).
--
-- A node that was only cut off (partition), or that was stopping and wrote its CDRs while
-- its AMI went away, reports the call itself: the real leg is the better record (its true
-- end, its own key), so it replaces the synthesized one of the same call when it reaches the
-- moment of the loss (CDR times have whole seconds: 2 s of slack) and is not a lesser
-- outcome (an unanswered leg never replaces an answered one: that is another part of the
-- call, such as a queue member who did not pick up). The synthesized row is deleted in the
-- same statement that inserts the real one, whichever path (cdr_pgsql through cdr_intake,
-- or the AMI sink) wrote it. A call already rated from the synthesized leg is not rated
-- again: billing_rated_calls is keyed by (tenant, call id = linkedid).
CREATE FUNCTION cdr_replace_node_lost() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM cdr
    WHERE linkedid = NEW.linkedid AND written_by = 'node-lost' AND NEW.linkedid <> ''
      AND NEW."end" IS NOT NULL AND NEW."end" >= cdr."end" - interval '2 seconds'
      AND (NEW.disposition = 'ANSWERED' OR cdr.disposition <> 'ANSWERED');
    RETURN NULL;
END
$$;

CREATE TRIGGER cdr_replace_node_lost AFTER INSERT ON cdr
    FOR EACH ROW WHEN (NEW.written_by IS DISTINCT FROM 'node-lost')
    EXECUTE FUNCTION cdr_replace_node_lost();
