-- Close a normalize run: outcome, counts, and the stg _load_id position before/after (as text).
-- On success this runs in the same transaction as the core writes and meta.normalize_state.
UPDATE meta.pipeline_runs
SET status = %(status)s, rows_in = %(rows_in)s, rows_out = %(rows_out)s, rows_rejected = %(rows_rejected)s,
    watermark_before = %(load_id_before)s, watermark_after = %(load_id_after)s, error = %(error)s,
    finished_at = clock_timestamp()
WHERE run_id = %(run_id)s
