-- Relations in core whose own grants to the reader are not exactly SELECT: tables, views, materialized
-- views, foreign and partitioned tables must be readable and nothing more; sequences get nothing.
-- Grain: one row per relation that differs.
WITH reader AS (
    SELECT oid FROM pg_catalog.pg_roles WHERE rolname = %(role)s
), rels AS (
    SELECT c.relname, c.relkind, c.relacl
    FROM pg_catalog.pg_class c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = %(core)s AND c.relkind IN ('r', 'v', 'm', 'f', 'p', 'S')
)
SELECT rels.relname || ': ' || coalesce(g.privileges, 'nothing') AS what
FROM rels
CROSS JOIN LATERAL (
    SELECT string_agg(a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                      ', ' ORDER BY a.privilege_type) AS privileges
    FROM aclexplode(rels.relacl) a
    JOIN reader ON reader.oid = a.grantee
) g
WHERE coalesce(g.privileges, '') <> CASE WHEN rels.relkind = 'S' THEN '' ELSE 'SELECT' END
ORDER BY rels.relname
