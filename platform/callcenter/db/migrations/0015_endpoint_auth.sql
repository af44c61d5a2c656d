-- Every realtime endpoint proves who it is with digest auth. The only endpoint without auth
-- is the carrier trunk, a static object identified by source address alone (pjsip.conf,
-- identify_by = ip). A row here without auth would be reachable by anyone claiming its name.
ALTER TABLE ps_endpoints
    ADD CONSTRAINT ps_endpoints_auth_required CHECK (auth IS NOT NULL AND auth = id);
