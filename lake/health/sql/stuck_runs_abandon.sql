-- stuck_runs: close the 'running' rows whose process is gone as 'abandoned' (only if still running: a row
-- its stage finished meanwhile keeps its real outcome).
UPDATE meta.pipeline_runs
SET status = 'abandoned',
    finished_at = greatest(%(now)s, started_at),
    error = concat_ws('; ', error, 'abandoned: its process was gone when the health check ran')
WHERE run_id = ANY(%(run_ids)s) AND status = 'running'
