-- Queues held in each node's memory (issue 16). app_queue re-read a realtime queue and all
-- its member rows at every join (two queries and one row per member per call); it now loads
-- queues.conf from this view through static realtime (extconfig.conf) and the control plane
-- reloads exactly the queues that changed over AMI (asterisk/queues.py), on the notification
-- below. The rows stay the source of truth: a node that starts loads them all.
--
-- res_config_pgsql reads a static file ordered by cat_metric DESC, var_metric: each queue is
-- its own cat_metric (a category's rows must be adjacent), [general] comes first, a queue's
-- parameters before its members. Column names become option names as realtime did them
-- (announce_position -> announce-position); NULL columns are left out.
CREATE VIEW cc_queues_conf AS
    WITH q AS (
        SELECT name, (row_number() OVER (ORDER BY name))::int AS cat_metric,
               to_jsonb(queues) - 'name' AS params
        FROM queues
    )
    SELECT 2147483647 AS cat_metric, g.var_metric, 0 AS commented,
           'queues.conf'::text AS filename, 'general'::text AS category, g.var_name, g.var_val
    FROM (VALUES (0, 'persistentmembers', 'no'),
                 (1, 'shared_lastcall', 'yes'),
                 (2, 'log_membername_as_agent', 'yes')) g (var_metric, var_name, var_val)
    UNION ALL
    SELECT q.cat_metric, 0, 0, 'queues.conf', q.name, replace(p.key, '_', '-'), p.value
    FROM q, jsonb_each_text(q.params) p
    WHERE p.value IS NOT NULL
    UNION ALL
    -- member => interface,penalty,membername,state_interface,ringinuse,wrapuptime,paused
    SELECT q.cat_metric, (row_number() OVER (PARTITION BY q.name ORDER BY m.interface))::int,
           0, 'queues.conf', q.name, 'member',
           concat_ws(',', m.interface, coalesce(m.penalty, 0)::text, coalesce(m.membername, ''),
                     coalesce(m.state_interface, ''),
                     CASE m.ringinuse WHEN 1 THEN 'yes' WHEN 0 THEN 'no' ELSE '' END,
                     coalesce(m.wrapuptime::text, ''),
                     CASE WHEN m.paused = 1 THEN 'yes' ELSE 'no' END)
    FROM queue_members m JOIN q ON q.name = m.queue_name;

-- The name of every queue whose definition or members changed, once per transaction
-- (PostgreSQL folds identical payloads). A pause alone is not a change: the control plane
-- pauses members over AMI on every node (a reload keeps a member's pause as it is).
-- TRUNCATE notifies '*': reload them all.
CREATE FUNCTION cc_queues_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('cc_queues', '*');
    ELSIF TG_TABLE_NAME = 'queues' THEN
        IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('cc_queues', OLD.name); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('cc_queues', NEW.name); END IF;
    ELSE
        IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('cc_queues', OLD.queue_name); END IF;
        IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('cc_queues', NEW.queue_name); END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER cc_queues_changed AFTER INSERT OR UPDATE OR DELETE ON queues
    FOR EACH ROW EXECUTE FUNCTION cc_queues_changed();
CREATE TRIGGER cc_queues_truncated AFTER TRUNCATE ON queues
    FOR EACH STATEMENT EXECUTE FUNCTION cc_queues_changed();
CREATE TRIGGER cc_queue_members_added AFTER INSERT OR DELETE ON queue_members
    FOR EACH ROW EXECUTE FUNCTION cc_queues_changed();
CREATE TRIGGER cc_queue_members_changed AFTER UPDATE ON queue_members
    FOR EACH ROW
    WHEN ((OLD.queue_name, OLD.interface, OLD.membername, OLD.state_interface, OLD.penalty,
           OLD.wrapuptime, OLD.ringinuse)
          IS DISTINCT FROM (NEW.queue_name, NEW.interface, NEW.membername, NEW.state_interface,
                            NEW.penalty, NEW.wrapuptime, NEW.ringinuse))
    EXECUTE FUNCTION cc_queues_changed();
CREATE TRIGGER cc_queue_members_truncated AFTER TRUNCATE ON queue_members
    FOR EACH STATEMENT EXECUTE FUNCTION cc_queues_changed();

-- Asterisk's role reads the view now, and no longer the tables (nor pauses members itself).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'callcenter_asterisk') THEN
        REVOKE ALL ON queues, queue_members FROM callcenter_asterisk;
    END IF;
END
$$;
