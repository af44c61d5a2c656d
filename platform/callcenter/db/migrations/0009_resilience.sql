-- SIP brute-force blocks. The control plane counts failed registrations (AMI security
-- events) and writes a row here. Asterisk reads acl.conf itself from PostgreSQL (static
-- realtime, the view below): the named ACL `cc_blocks` denies the live blocks, and the
-- pjsip.conf ACL `cc-blocks` applies it to every incoming SIP request, so a blocked address
-- gets 403 to everything. Named ACLs are read when loaded: the control plane sends
-- `module reload acl` over AMI after each change (block or expiry); a realtime acl.conf is
-- never "unchanged", so the reload always publishes a named-ACL change, which res_pjsip_acl
-- follows. Only PostgreSQL and AMI are needed, so this works wherever Asterisk runs. (A sorcery-realtime `type=acl` would be read per
-- request without any reload, but res_pjsip_acl refuses to register under a realtime
-- wizard on Asterisk 22: "Failed to register SIP acl object with sorcery".)
CREATE TABLE sip_blocks (
    address       inet PRIMARY KEY,
    blocked_at    timestamptz NOT NULL DEFAULT now(),
    blocked_until timestamptz NOT NULL,
    failures      integer NOT NULL DEFAULT 0,
    reason        text NOT NULL DEFAULT ''
);
CREATE INDEX sip_blocks_until ON sip_blocks (blocked_until);

-- acl.conf as res_config_pgsql's static realtime reads it. The first rule matches no real
-- source and keeps `cc_blocks` defined while nothing is blocked: a named ACL that does not
-- exist makes Asterisk refuse every SIP request, the carrier's too.
CREATE VIEW cc_acl_conf AS
    SELECT row_number() OVER (ORDER BY var_metric)::int AS id, 0 AS cat_metric, var_metric,
           0 AS commented, 'acl.conf'::text AS filename, 'cc_blocks'::text AS category,
           'deny'::text AS var_name, var_val
    FROM (
        SELECT 0 AS var_metric, '255.255.255.255/32'::text AS var_val
        UNION ALL
        SELECT row_number() OVER (ORDER BY address)::int,
               host(address) || CASE WHEN family(address) = 4 THEN '/32' ELSE '/128' END
        FROM sip_blocks
        WHERE blocked_until > now()
    ) rules;
