-- Quality sampling (issue 19) by the caller's own verdict: every recorded call whose
-- after-call survey score (cdr.survey, migration 0022: 1-5) is at most this is picked.
ALTER TABLE qa_sampling ADD COLUMN low_survey_max smallint
    CHECK (low_survey_max BETWEEN 1 AND 5);
