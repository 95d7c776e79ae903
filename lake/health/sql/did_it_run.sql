-- did_it_run: when each stage of each source last succeeded ('skipped' counts: an optional entity that the
-- account's plan does not include ran and had nothing to read). Normalize rows have no scope.
-- Grain: one row per source x stage. Reads the (source, entity, stage, started_at) index's table, small.
SELECT source, stage, max(finished_at) AS last_success
FROM meta.pipeline_runs
WHERE source = ANY(%(sources)s)
  AND status IN ('success', 'skipped')
  AND (%(scope)s::text IS NULL OR scope IS NULL OR scope = %(scope)s)
GROUP BY source, stage
