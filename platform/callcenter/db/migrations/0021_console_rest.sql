-- The rest of issue 17: display names for prompts and mailboxes, the key pressed in an IVR
-- kept with each call, and a "closed" tenant distinct from a suspended one.

-- A prompt's display name in any script (欢迎语), shown next to its Latin id
-- (`tenant/<name>`, which IVRs and announcements refer to); one line, like a queue's.
ALTER TABLE prompts ADD COLUMN IF NOT EXISTS display_name text
    CHECK (display_name IS NULL OR (char_length(display_name) BETWEEN 1 AND 64
           AND display_name !~ '[[:cntrl:]]'));

-- A mailbox's name was already any script; it is one line now (C0/C1 controls refused, as
-- the API does). Rows written before are left as they are (NOT VALID checks new writes only).
ALTER TABLE mailboxes ADD CONSTRAINT mailboxes_name_one_line
    CHECK (char_length(name) <= 64 AND name !~ '[[:cntrl:]]') NOT VALID;

-- The IVR keys a caller pressed ("1", "1-2"), set by the dialplan as CDR(ivr_keys) at each
-- key: the reports' key-press breakdown counts calls per key path. cdr_intake (0011) is
-- `SELECT * FROM cdr` fixed at creation: recreated so cdr_pgsql sees the new column.
ALTER TABLE cdr ADD COLUMN IF NOT EXISTS ivr_keys text;
CREATE OR REPLACE VIEW cdr_intake AS SELECT * FROM cdr;
CREATE INDEX IF NOT EXISTS cdr_tenant_ivr_keys ON cdr (tenantid, start) WHERE ivr_keys IS NOT NULL;

-- Closing a tenant (the operator's "close tenant"): its numbers go back to the inventory,
-- its users can no longer sign in, its calls are refused; nothing is deleted, so invoices,
-- usage and call records stay for billing. Unlike `suspended`, `closed` is not lifted.
ALTER TABLE tenants DROP CONSTRAINT IF EXISTS tenants_status_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_status_check
    CHECK (status IN ('active', 'suspended', 'closed'));
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS closed_at timestamptz;
