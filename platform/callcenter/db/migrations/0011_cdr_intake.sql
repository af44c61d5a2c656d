-- cdr_pgsql writes through this view instead of into `cdr` itself.
--
-- Every CDR reaches `cdr` twice: from cdr_pgsql inside Asterisk and from the control plane's
-- AMI sink (ON CONFLICT DO NOTHING). When the sink won, cdr_pgsql's plain INSERT hit the
-- unique index `cdr_leg`, and cdr_pgsql treats any failed INSERT as a lost connection: it
-- reconnects, retries, fails again and logs "HARD ERROR ... DROPPING CALL RECORD" (the row
-- was there all along). Through the view the duplicate is a quiet no-op, race-free: ON
-- CONFLICT waits for a concurrent insert of the same leg and then does nothing.
--
-- cdr_pgsql reads the view's columns at load (pg_attribute works for views) and leaves out
-- those it has no value for; the view carries the table's defaults, so the row handed to the
-- trigger is whole. A migration that adds a column to `cdr` must recreate this view.
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

CREATE FUNCTION cdr_intake_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO cdr SELECT NEW.* ON CONFLICT (uniqueid, sequence) DO NOTHING;
    RETURN NEW;
END
$$;

CREATE TRIGGER cdr_intake_insert INSTEAD OF INSERT ON cdr_intake
    FOR EACH ROW EXECUTE FUNCTION cdr_intake_insert();
