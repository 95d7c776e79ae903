-- volume: accept the current counts as the next check's baseline (the VALUES list is filled by
-- psycopg2.extras.execute_values: table_name, scope, rows, counted_at).
INSERT INTO meta.health_core_counts (table_name, scope, rows, counted_at)
VALUES %s
ON CONFLICT (table_name, scope) DO UPDATE SET rows = excluded.rows, counted_at = excluded.counted_at
