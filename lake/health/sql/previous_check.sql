-- The newest previous health check that covered what this one checks (a check of every source covers a
-- check of one; a --scope check covers only its scope), and the highest rejected row any such check
-- reported. Grain: one row (nulls and 0 when there was none).
SELECT max(check_run_id), max(checked_at), coalesce(max(rejected_id_seen), 0)
FROM meta.health_check_runs
WHERE (source_filter IS NULL OR source_filter = %(source)s)
  AND (scope_filter IS NULL OR scope_filter = %(scope)s)
