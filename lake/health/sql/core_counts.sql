-- freshness, volume, reconciliation: rows per scope of one core table ({table}), and when the pipeline last
-- wrote one of them (_updated_at). Grain: one row per scope. One scan of the table, shared by the checks.
-- {received} leaves out the members normalize infers for Power BI (is_inferred, normalize/members.py):
-- they stand for records, they are not records that came from stg.
SELECT scope, count(*) FILTER (WHERE {received}) AS rows, max(_updated_at) FILTER (WHERE {received}) AS newest
FROM {table}
WHERE %(scope)s::text IS NULL OR scope = %(scope)s
GROUP BY scope
