-- volume: rows written to bronze by the newest %(runs)s successful extracts of each scope x entity of one
-- source, newest first (the first is judged against the median of the others).
-- Grain: one row per extract run.
SELECT scope, entity, rows_out
FROM (SELECT scope, entity, rows_out, finished_at,
             row_number() OVER (PARTITION BY scope, entity ORDER BY finished_at DESC, run_id DESC) AS n
      FROM meta.pipeline_runs
      WHERE source = %(source)s AND stage = 'extract' AND status = 'success') AS runs
WHERE n <= %(runs)s
ORDER BY scope, entity, n
