-- What the reader may actually do, counting PUBLIC and memberships (has_*_privilege), that it must not,
-- or must and cannot. Wanted: no row. Temporary tables (TEMPORARY on the database, which PostgreSQL
-- grants to PUBLIC and the pipeline needs) are left alone: private to a session, and refused anyway while
-- default_transaction_read_only is on. Grain: one row per problem.
WITH schemas AS (
    SELECT oid, nspname
    FROM pg_catalog.pg_namespace
    WHERE nspname <> 'information_schema' AND nspname !~ '^pg_'
), rels AS (
    SELECT c.oid, s.nspname, c.relname, c.relkind
    FROM pg_catalog.pg_class c
    JOIN schemas s ON s.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S')
)
SELECT 'may CREATE in database ' || current_database() AS what
WHERE has_database_privilege(%(role)s, current_database(), 'CREATE')
UNION ALL
SELECT 'may not CONNECT to database ' || current_database()
WHERE NOT has_database_privilege(%(role)s, current_database(), 'CONNECT')
UNION ALL
SELECT 'may not use schema ' || nspname FROM schemas
WHERE nspname = %(core)s AND NOT has_schema_privilege(%(role)s, oid, 'USAGE')
UNION ALL
SELECT 'may CREATE in schema ' || nspname FROM schemas
WHERE has_schema_privilege(%(role)s, oid, 'CREATE')
UNION ALL
SELECT 'may use schema ' || nspname FROM schemas
WHERE nspname NOT IN (%(core)s, 'public') AND has_schema_privilege(%(role)s, oid, 'USAGE')
UNION ALL
SELECT 'may not SELECT ' || nspname || '.' || relname FROM rels
WHERE nspname = %(core)s AND relkind <> 'S' AND NOT has_table_privilege(%(role)s, oid, 'SELECT')
UNION ALL
SELECT 'may SELECT ' || nspname || '.' || relname FROM rels
WHERE nspname <> %(core)s AND relkind <> 'S' AND has_table_privilege(%(role)s, oid, 'SELECT')
UNION ALL
SELECT 'may change ' || nspname || '.' || relname FROM rels
WHERE relkind <> 'S' AND has_table_privilege(%(role)s, oid, 'INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
UNION ALL
SELECT 'may use sequence ' || nspname || '.' || relname FROM rels
-- CASE, not AND: SQL does not promise to test relkind first, and has_sequence_privilege fails on a table.
WHERE CASE WHEN relkind = 'S' THEN has_sequence_privilege(%(role)s, oid, 'USAGE, UPDATE') ELSE false END
ORDER BY 1
