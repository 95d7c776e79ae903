-- volume: the core counts the previous checks accepted, for the tables about to be compared.
-- Grain: one row per core table x scope.
SELECT table_name, scope, rows, counted_at
FROM meta.health_core_counts
WHERE table_name = ANY(%(tables)s)
