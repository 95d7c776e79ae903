-- meta.health_checks: every row every health check run produced (lake/health CheckRow), for history and for
-- the core.health_status view that Power BI shows next to the numbers.
-- Grain: one check row (check x source x scope x entity) of one health check run. Key: health_check_id.
CREATE TABLE meta.health_checks (
    -- ids
    health_check_id  bigserial   PRIMARY KEY,
    check_run_id     bigint      NOT NULL REFERENCES meta.health_check_runs (check_run_id),
    -- what was checked
    check_name       text        NOT NULL,
    source           text,
    scope            text,
    entity           text,
    -- outcome
    status           text        NOT NULL CHECK (status IN ('ok', 'warn', 'fail')),
    measured         text        NOT NULL,
    threshold        text,
    hint             text        NOT NULL DEFAULT '',
    -- timestamps
    checked_at       timestamptz NOT NULL
);

CREATE INDEX health_checks_check_run_id_idx ON meta.health_checks (check_run_id);

COMMENT ON TABLE meta.health_checks IS 'Every row of every health check run: what was checked, ok/warn/fail, what was measured against which threshold, what to do.';
COMMENT ON COLUMN meta.health_checks.health_check_id IS 'Surrogate key.';
COMMENT ON COLUMN meta.health_checks.check_run_id IS 'The health check run (meta.health_check_runs) the row belongs to.';
COMMENT ON COLUMN meta.health_checks.check_name IS 'did_it_run, stuck_runs, freshness, volume, duplicates, rejected_rows, lake, reconciliation, watermarks or schema.';
COMMENT ON COLUMN meta.health_checks.source IS 'pipedrive or zendesk; null when the row is not about one source.';
COMMENT ON COLUMN meta.health_checks.scope IS 'Account (tenant); null when the row covers every scope.';
COMMENT ON COLUMN meta.health_checks.entity IS 'Entity name (e.g. deals); null when the row is about the whole source.';
COMMENT ON COLUMN meta.health_checks.status IS 'ok, warn or fail.';
COMMENT ON COLUMN meta.health_checks.measured IS 'What was found, readable (e.g. "extract 26.5 h ago").';
COMMENT ON COLUMN meta.health_checks.threshold IS 'The limit it was held against (e.g. "<= 24 h"); null when there is none.';
COMMENT ON COLUMN meta.health_checks.hint IS 'One line on what to do; empty when ok.';
COMMENT ON COLUMN meta.health_checks.checked_at IS 'When the health check run started (UTC).';
