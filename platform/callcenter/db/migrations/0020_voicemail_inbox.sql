-- Voicemail inbox in the browser (issue 17): messages app_voicemail leaves in a node's spool
-- are collected into PostgreSQL by the media agent (then removed from the spool), played and
-- marked heard in the console, and optionally e-mailed to the mailbox's address.
CREATE TABLE voicemail_messages (
    id           bigserial PRIMARY KEY,
    tenant_id    text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    mailbox      text NOT NULL,
    msg_key      text NOT NULL UNIQUE,           -- <context>/<mailbox>/<origtime>.<msgnum>
    caller       text NOT NULL DEFAULT '',
    seconds      integer NOT NULL DEFAULT 0,
    received_at  timestamptz NOT NULL DEFAULT now(),
    audio        bytea NOT NULL,
    heard        boolean NOT NULL DEFAULT false,
    emailed_at   timestamptz
);
CREATE INDEX voicemail_messages_box ON voicemail_messages (tenant_id, mailbox, received_at DESC);
