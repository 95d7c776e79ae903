-- How many tables and views of core the reader may SELECT (for the set-up's last line).
SELECT count(*)
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %(core)s AND c.relkind IN ('r', 'v', 'm', 'f', 'p')
  AND has_table_privilege(%(role)s, c.oid, 'SELECT')
