-- Audio prompts a tenant uploads. PostgreSQL is the source of truth; a media agent beside
-- each Asterisk (callcenter media-sync) mirrors them into that host's local prompt
-- directory, so no file system is shared between hosts.
CREATE TABLE prompts (
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    audio       bytea NOT NULL,
    sha256      text NOT NULL,
    seconds     numeric(8, 2) NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

CREATE FUNCTION cc_notify_prompt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('cc_prompts', OLD.tenant_id || '/' || OLD.name);
    ELSE
        PERFORM pg_notify('cc_prompts', NEW.tenant_id || '/' || NEW.name);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER prompts_notify AFTER INSERT OR UPDATE OR DELETE ON prompts
    FOR EACH ROW EXECUTE FUNCTION cc_notify_prompt();
