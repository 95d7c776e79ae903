-- Close a meta.pipeline_runs row with its outcome and counts (in the caller's transaction, so a stage
-- that commits its data and its run row together can never show 'success' for unwritten data).
UPDATE meta.pipeline_runs
SET status = %(status)s, rows_in = %(rows_in)s, rows_out = %(rows_out)s, rows_rejected = %(rows_rejected)s,
    watermark_before = %(watermark_before)s, watermark_after = %(watermark_after)s, error = %(error)s,
    finished_at = clock_timestamp()
WHERE run_id = %(run_id)s
