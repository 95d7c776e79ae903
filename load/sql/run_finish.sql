-- Close a load's meta.pipeline_runs row with its outcome and counts.
UPDATE meta.pipeline_runs
SET status = %(status)s, rows_in = %(rows_in)s, rows_out = %(rows_out)s, rows_rejected = %(rows_rejected)s,
    error = %(error)s, finished_at = now()
WHERE run_id = %(run_id)s
