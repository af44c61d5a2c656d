-- Revocable access (issue 13): a user can be disabled, and every token carries the user's
-- token_version, bumped when the password changes or the user is disabled, so older tokens
-- stop working. The control plane caches who may do what and LISTENs on cc_access to drop
-- a cached entry (and close the user's websockets) the moment such a change commits.
ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled boolean NOT NULL DEFAULT false;

-- Payload: 'u:<user id>' (the user changed or went, or its agent's seat went) or
-- 't:<tenant id>' (the tenant's status changed).
CREATE FUNCTION cc_notify_access() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'tenants' THEN
        PERFORM pg_notify('cc_access', 't:' || NEW.id);
    ELSIF TG_TABLE_NAME = 'agents' THEN
        PERFORM pg_notify('cc_access', 'u:' || OLD.user_id);
    ELSE
        PERFORM pg_notify('cc_access', 'u:' || OLD.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER users_access_notify AFTER UPDATE OF token_version, disabled, role, tenant_id
    OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION cc_notify_access();
CREATE TRIGGER tenants_access_notify AFTER UPDATE OF status ON tenants
    FOR EACH ROW EXECUTE FUNCTION cc_notify_access();
-- Deleting a seat deletes its agent row (ON DELETE CASCADE): that agent loses access.
CREATE TRIGGER agents_access_notify AFTER DELETE OR UPDATE OF extension ON agents
    FOR EACH ROW EXECUTE FUNCTION cc_notify_access();
