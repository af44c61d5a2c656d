-- The control plane keeps each tenant's integrations (CRM lookup URL, webhook) in memory
-- for the live call path (db/notified.py): tell it which tenant's row changed, when the
-- change commits. TRUNCATE: all of them.
CREATE FUNCTION cc_integrations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('cc_integrations', '*');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('cc_integrations', OLD.tenant_id);
    ELSE
        PERFORM pg_notify('cc_integrations', NEW.tenant_id);
        IF TG_OP = 'UPDATE' AND OLD.tenant_id <> NEW.tenant_id THEN
            PERFORM pg_notify('cc_integrations', OLD.tenant_id);
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER cc_integrations_changed AFTER INSERT OR UPDATE OR DELETE ON tenant_integrations
    FOR EACH ROW EXECUTE FUNCTION cc_integrations_changed();
CREATE TRIGGER cc_integrations_truncated AFTER TRUNCATE ON tenant_integrations
    FOR EACH STATEMENT EXECUTE FUNCTION cc_integrations_changed();
