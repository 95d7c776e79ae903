-- meta.pipeline_runs, version 3: status 'abandoned' for a 'running' row whose process died (killed, machine
-- rebooted) and no longer holds the lock its stage runs under; closed by scripts/health_check (stuck_runs).
-- The partial index finds the few 'running' rows without reading the history.
ALTER TABLE meta.pipeline_runs DROP CONSTRAINT pipeline_runs_status_check;
ALTER TABLE meta.pipeline_runs ADD CONSTRAINT pipeline_runs_status_check
    CHECK (status IN ('running', 'success', 'failed', 'partial', 'skipped', 'abandoned'));
CREATE INDEX pipeline_runs_running_idx ON meta.pipeline_runs (started_at) WHERE status = 'running';
COMMENT ON COLUMN meta.pipeline_runs.status IS 'running, success, failed, partial (stopped cleanly with work left, e.g. rate-limit budget spent), skipped (an optional entity the account''s plan does not include), or abandoned (its process died while running; closed by the health check, the next run redoes the work).';
