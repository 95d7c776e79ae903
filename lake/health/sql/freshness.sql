-- freshness: when each entity was last extracted (per scope) and normalized (every scope at once: no scope),
-- successfully ('skipped' counts: an optional entity not on the account's plan) and partially.
-- Grain: one row per stage x scope x entity of one source.
SELECT stage, scope, entity,
       max(finished_at) FILTER (WHERE status IN ('success', 'skipped')) AS last_success,
       max(finished_at) FILTER (WHERE status = 'partial') AS last_partial
FROM meta.pipeline_runs
WHERE source = %(source)s AND stage IN ('extract', 'normalize') AND status IN ('success', 'skipped', 'partial')
GROUP BY stage, scope, entity
