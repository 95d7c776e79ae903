-- freshness, volume, reconciliation: rows per scope of one core table ({table}), and when the pipeline last
-- wrote one of them (_updated_at). Grain: one row per scope. One scan of the table, shared by the checks.
SELECT scope, count(*) AS rows, max(_updated_at) AS newest
FROM {table}
WHERE %(scope)s::text IS NULL OR scope = %(scope)s
GROUP BY scope
