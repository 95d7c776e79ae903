-- stuck_runs, and the daily runner as it takes its lock: close the 'running' rows whose process is gone
-- as 'abandoned' (only if still running: a row its stage finished meanwhile keeps its real outcome);
-- %(why)s says who found it.
UPDATE meta.pipeline_runs
SET status = 'abandoned',
    finished_at = greatest(%(now)s, started_at),
    error = concat_ws('; ', error, %(why)s)
WHERE run_id = ANY(%(run_ids)s) AND status = 'running'
