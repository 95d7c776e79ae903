-- did_it_run: the newest finished row of every stage x entity x scope of the sources (its status says how
-- the last attempt ended). 'running' rows are left to stuck_runs.
-- Grain: one row per source x stage x scope x entity.
SELECT DISTINCT ON (source, stage, scope, entity)
       source, stage, scope, entity, status, error, finished_at
FROM meta.pipeline_runs
WHERE source = ANY(%(sources)s)
  AND status <> 'running'
  AND (%(scope)s::text IS NULL OR scope IS NULL OR scope = %(scope)s)
ORDER BY source, stage, scope, entity, started_at DESC, run_id DESC
