-- app_queue's event log, written by Asterisk itself (realtime queue_log, one row per event,
-- time in UTC), plus AGENTLOGIN/AGENTLOGOFF rows the control plane adds. The KPI engine
-- (callcenter.reports.kpi) reads it; tenants are told apart by their names' prefix.
CREATE TABLE queue_log (
    id         bigserial PRIMARY KEY,
    time       timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'),
    callid     text NOT NULL DEFAULT '',
    queuename  text NOT NULL DEFAULT '',
    agent      text NOT NULL DEFAULT '',
    event      text NOT NULL DEFAULT '',
    data1      text NOT NULL DEFAULT '',
    data2      text NOT NULL DEFAULT '',
    data3      text NOT NULL DEFAULT '',
    data4      text NOT NULL DEFAULT '',
    data5      text NOT NULL DEFAULT ''
);
CREATE INDEX queue_log_queue_time ON queue_log (queuename text_pattern_ops, time);
CREATE INDEX queue_log_agent_time ON queue_log (agent text_pattern_ops, time);
CREATE INDEX cdr_did_start ON cdr (did, start);
