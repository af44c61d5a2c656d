-- Quality inspection and the live supervisor board (issue 19).

-- A supervisor user restricted to some of its tenant's queues (no rows: the whole tenant).
CREATE TABLE supervisor_queues (
    user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id   text NOT NULL,
    queue_name  text NOT NULL,
    PRIMARY KEY (user_id, queue_name),
    FOREIGN KEY (tenant_id, queue_name) REFERENCES acd_queues (tenant_id, name) ON DELETE CASCADE
);

-- When the board raises an alert for a queue. queue_name '' is the tenant's default; a
-- queue's own row overrides it field by field (NULL: take the default, or no alert).
CREATE TABLE board_thresholds (
    tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    queue_name          text NOT NULL DEFAULT '',
    min_service_level   numeric(4, 3) CHECK (min_service_level BETWEEN 0 AND 1),
    max_longest_wait_s  integer CHECK (max_longest_wait_s BETWEEN 1 AND 86400),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, queue_name)
);

-- Talk detection figures of a recorded call (TALK_DETECT on both legs).
CREATE TABLE call_talk (
    tenant_id          text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    linkedid           text NOT NULL,
    agent_extension    text NOT NULL DEFAULT '',
    seconds            numeric(9, 2) NOT NULL CHECK (seconds >= 0),
    agent_talk_s       numeric(9, 2) NOT NULL,
    customer_talk_s    numeric(9, 2) NOT NULL,
    agent_share        numeric(4, 3),
    customer_share     numeric(4, 3),
    longest_silence_s  numeric(9, 2) NOT NULL,
    overtalk_s         numeric(9, 2) NOT NULL,
    hold_s             numeric(9, 2) NOT NULL DEFAULT 0,
    flags              text[] NOT NULL DEFAULT '{}',
    segments           jsonb NOT NULL DEFAULT '[]',
    created_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, linkedid)
);
CREATE INDEX call_talk_flags ON call_talk USING gin (flags);

-- Scorecards: a tenant's QA forms. items: [{"key", "label", "weight" > 0, "critical"}]; a
-- critical item scored 0 zeroes the whole review.
CREATE TABLE qa_forms (
    tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,31}$'),
    title       text NOT NULL DEFAULT '' CHECK (length(title) <= 100),
    items       jsonb NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

-- Which recorded calls are picked for review.
CREATE TABLE qa_sampling (
    tenant_id     text PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    weekly_share  numeric(4, 3) NOT NULL DEFAULT 0 CHECK (weekly_share BETWEEN 0 AND 1),
    long_call_s   integer CHECK (long_call_s BETWEEN 1 AND 86400),
    talk_flags    text[] NOT NULL DEFAULT '{}',
    -- When a recorded call's talk figures raise a flag.
    flag_silence_s    numeric(6, 1) NOT NULL DEFAULT 10 CHECK (flag_silence_s > 0),
    flag_agent_share  numeric(4, 3) NOT NULL DEFAULT 0.8 CHECK (flag_agent_share BETWEEN 0 AND 1),
    flag_overtalk_s   numeric(6, 1) NOT NULL DEFAULT 3 CHECK (flag_overtalk_s > 0),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- A call under review: scored by a reviewer, appealed once by its agent, decided by a second
-- reviewer. score/final_score in 0..100.
CREATE TABLE qa_reviews (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    linkedid         text NOT NULL,
    agent_extension  text NOT NULL,
    queue            text NOT NULL DEFAULT '',
    form_name        text NOT NULL,
    reason           text NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'scored', 'appealed', 'final')),
    call_at          timestamptz NOT NULL,
    reviewer_id      bigint REFERENCES users (id) ON DELETE SET NULL,
    score            numeric(5, 2),
    comment          text NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    scored_at        timestamptz,
    appeal           text CHECK (length(appeal) <= 2000),
    appealed_at      timestamptz,
    decider_id       bigint REFERENCES users (id) ON DELETE SET NULL,
    final_score      numeric(5, 2),
    decision         text NOT NULL DEFAULT '' CHECK (length(decision) <= 2000),
    decided_at       timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, linkedid, form_name),
    FOREIGN KEY (tenant_id, form_name) REFERENCES qa_forms (tenant_id, name) ON DELETE CASCADE
);
CREATE INDEX qa_reviews_tenant_status ON qa_reviews (tenant_id, status, call_at);

-- Each item's score of a review (round 'review', or 'decision' after an appeal), with the
-- moment of the recording it refers to.
CREATE TABLE qa_review_items (
    review_id  bigint NOT NULL REFERENCES qa_reviews (id) ON DELETE CASCADE,
    round      text NOT NULL CHECK (round IN ('review', 'decision')),
    item_key   text NOT NULL,
    score      numeric(4, 3) NOT NULL CHECK (score BETWEEN 0 AND 1),
    moment_s   numeric(9, 2) CHECK (moment_s >= 0),
    note       text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    PRIMARY KEY (review_id, round, item_key)
);
