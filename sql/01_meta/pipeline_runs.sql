-- meta.pipeline_runs: one row per stage x source x entity (x scope) per run.
-- Grain: one stage run for one entity. Key: run_id. Written at start (status 'running') and updated at the end.
-- Read by the daily runner's summary and scripts/health_check (last success, stuck runs, row-count variance).
CREATE TABLE meta.pipeline_runs (
    -- ids
    run_id            bigserial   PRIMARY KEY,
    batch_id          text,
    load_id           bigint,
    -- what ran
    stage             text        NOT NULL CHECK (stage IN ('extract', 'load', 'normalize')),
    source            text        NOT NULL,
    scope             text,
    entity            text        NOT NULL,
    -- outcome
    status            text        NOT NULL DEFAULT 'running'
                                  CHECK (status IN ('running', 'success', 'failed', 'partial')),
    rows_in           bigint      NOT NULL DEFAULT 0,
    rows_out          bigint      NOT NULL DEFAULT 0,
    rows_rejected     bigint      NOT NULL DEFAULT 0,
    watermark_before  text,
    watermark_after   text,
    error             text,
    -- where
    host              text,
    pid               integer,
    -- timestamps
    started_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    CHECK ((status = 'running') = (finished_at IS NULL)),
    CHECK (finished_at IS NULL OR finished_at >= started_at)
);

CREATE INDEX pipeline_runs_source_entity_stage_started_idx
    ON meta.pipeline_runs (source, entity, stage, started_at DESC);

COMMENT ON TABLE meta.pipeline_runs IS 'One row per stage run for one source entity: when, outcome, row counts, watermark movement, error.';
COMMENT ON COLUMN meta.pipeline_runs.run_id IS 'Surrogate key of this stage run.';
COMMENT ON COLUMN meta.pipeline_runs.batch_id IS 'Id of the daily pipeline run that started this stage; null when the stage was run by hand.';
COMMENT ON COLUMN meta.pipeline_runs.load_id IS 'For stage load: the meta.load_id_seq value stamped on the rows this run loaded (_load_id).';
COMMENT ON COLUMN meta.pipeline_runs.stage IS 'extract, load or normalize.';
COMMENT ON COLUMN meta.pipeline_runs.source IS 'pipedrive or zendesk.';
COMMENT ON COLUMN meta.pipeline_runs.scope IS 'Account (tenant) the run covered; null when the stage covers every scope (normalize).';
COMMENT ON COLUMN meta.pipeline_runs.entity IS 'Entity name, the same everywhere (bronze path, stg table, log lines), e.g. deals.';
COMMENT ON COLUMN meta.pipeline_runs.status IS 'running, success, failed, or partial (stopped cleanly with work left, e.g. rate-limit budget spent).';
COMMENT ON COLUMN meta.pipeline_runs.rows_in IS 'Rows read by the stage (records fetched, lines read, stg rows read).';
COMMENT ON COLUMN meta.pipeline_runs.rows_out IS 'Rows written by the stage (records in bronze, stg rows inserted, core rows upserted).';
COMMENT ON COLUMN meta.pipeline_runs.rows_rejected IS 'Rows sent to meta.rejected_rows instead of being loaded.';
COMMENT ON COLUMN meta.pipeline_runs.watermark_before IS 'Cursor the run started from (extract), as text.';
COMMENT ON COLUMN meta.pipeline_runs.watermark_after IS 'Cursor the run committed (extract), as text; equals watermark_before when nothing moved.';
COMMENT ON COLUMN meta.pipeline_runs.error IS 'Error class and message when status is failed or partial; never contains credentials.';
COMMENT ON COLUMN meta.pipeline_runs.host IS 'Machine that ran the stage.';
COMMENT ON COLUMN meta.pipeline_runs.pid IS 'Operating-system process id of the stage (to tell a stuck run from a dead one).';
COMMENT ON COLUMN meta.pipeline_runs.started_at IS 'When the stage started (UTC).';
COMMENT ON COLUMN meta.pipeline_runs.finished_at IS 'When the stage finished (UTC); null while status is running.';
