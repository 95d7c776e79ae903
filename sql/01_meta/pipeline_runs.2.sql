-- meta.pipeline_runs, version 2: status 'skipped' for an optional entity that the account's plan does not
-- include (e.g. Zendesk ticket_forms answering 403): it ran, asked once, and had nothing it may read.
ALTER TABLE meta.pipeline_runs DROP CONSTRAINT pipeline_runs_status_check;
ALTER TABLE meta.pipeline_runs ADD CONSTRAINT pipeline_runs_status_check
    CHECK (status IN ('running', 'success', 'failed', 'partial', 'skipped'));
COMMENT ON COLUMN meta.pipeline_runs.status IS 'running, success, failed, partial (stopped cleanly with work left, e.g. rate-limit budget spent), or skipped (an optional entity the account''s plan does not include).';
