-- meta.health_check_runs: one row per run of the health check (python -m scripts.health_check, or the daily
-- runner at its end). Its rows are in meta.health_checks; core.health_status shows the latest of them.
-- Grain: one health check run. Key: check_run_id.
CREATE TABLE meta.health_check_runs (
    -- ids
    check_run_id      bigserial   PRIMARY KEY,
    -- what was checked
    source_filter     text,
    scope_filter      text,
    -- outcome
    status            text        NOT NULL CHECK (status IN ('ok', 'warn', 'fail')),
    rows_ok           integer     NOT NULL DEFAULT 0,
    rows_warn         integer     NOT NULL DEFAULT 0,
    rows_fail         integer     NOT NULL DEFAULT 0,
    rejected_id_seen  bigint      NOT NULL DEFAULT 0,
    -- where and how long
    host              text,
    duration_ms       integer,
    -- timestamps
    checked_at        timestamptz NOT NULL
);

COMMENT ON TABLE meta.health_check_runs IS 'One row per health check run: its filters, worst status and row counts (rows in meta.health_checks).';
COMMENT ON COLUMN meta.health_check_runs.check_run_id IS 'Surrogate key; meta.health_checks.check_run_id.';
COMMENT ON COLUMN meta.health_check_runs.source_filter IS 'The --source the run was limited to; null = every source.';
COMMENT ON COLUMN meta.health_check_runs.scope_filter IS 'The --scope the run was limited to; null = every scope.';
COMMENT ON COLUMN meta.health_check_runs.status IS 'Worst status of the run''s rows: ok, warn or fail (exit code 0, 1, 2).';
COMMENT ON COLUMN meta.health_check_runs.rows_ok IS 'Rows with status ok.';
COMMENT ON COLUMN meta.health_check_runs.rows_warn IS 'Rows with status warn.';
COMMENT ON COLUMN meta.health_check_runs.rows_fail IS 'Rows with status fail.';
COMMENT ON COLUMN meta.health_check_runs.rejected_id_seen IS 'Highest meta.rejected_rows.rejected_id this run reported; the next run covering the same sources reports newer ones only.';
COMMENT ON COLUMN meta.health_check_runs.host IS 'Machine the check ran on.';
COMMENT ON COLUMN meta.health_check_runs.duration_ms IS 'How long the checks took, in milliseconds.';
COMMENT ON COLUMN meta.health_check_runs.checked_at IS 'When the run started (UTC); every row of the run carries it.';
