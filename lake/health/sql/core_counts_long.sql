-- volume: rows per scope of one long core table ({table}: custom values, tags), where millions of rows are
-- normal. count(*) alone lets PostgreSQL count from its smallest index (index-only scan).
-- Grain: one row per scope.
SELECT scope, count(*) AS rows, NULL::timestamptz AS newest
FROM {table}
WHERE %(scope)s::text IS NULL OR scope = %(scope)s
GROUP BY scope
