-- meta.pipeline_runs, version 4: stage 'sweep' for a deletion sweep's listing (python -m extract.<source>_bronze
-- --sweep-deletions, run weekly by the daily runner), kept apart from 'extract' so that a listing of every
-- record never counts as a day's volume or as the run that moved a watermark.
ALTER TABLE meta.pipeline_runs DROP CONSTRAINT pipeline_runs_stage_check;
ALTER TABLE meta.pipeline_runs ADD CONSTRAINT pipeline_runs_stage_check
    CHECK (stage IN ('extract', 'sweep', 'load', 'normalize'));
COMMENT ON COLUMN meta.pipeline_runs.stage IS 'extract, sweep (a deletion sweep''s full listing), load or normalize.';
