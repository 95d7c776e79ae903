-- Anything granted to the reader outside core (stg_pipedrive, stg_zendesk, meta, util, public and any
-- other non-system schema): on the schema itself, on its relations, or as default privileges there.
-- Wanted: nothing. Grain: one row per schema, relation or default-privilege entry that grants it something.
WITH reader AS (
    SELECT oid FROM pg_catalog.pg_roles WHERE rolname = %(role)s
), schemas AS (
    SELECT oid, nspname, nspacl
    FROM pg_catalog.pg_namespace
    WHERE nspname <> %(core)s AND nspname <> 'information_schema' AND nspname !~ '^pg_'
)
SELECT 'schema ' || s.nspname || ': ' || string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type) AS what,
       'schema' AS kind, s.nspname AS schema, NULL AS object, NULL AS creator, NULL AS objects
FROM schemas s
CROSS JOIN LATERAL aclexplode(s.nspacl) a
JOIN reader ON reader.oid = a.grantee
GROUP BY s.nspname
UNION ALL
SELECT s.nspname || '.' || c.relname || ': ' || string_agg(a.privilege_type, ', ' ORDER BY a.privilege_type),
       'relation', s.nspname, c.relname, NULL, NULL
FROM pg_catalog.pg_class c
JOIN schemas s ON s.oid = c.relnamespace
CROSS JOIN LATERAL aclexplode(c.relacl) a
JOIN reader ON reader.oid = a.grantee
GROUP BY s.nspname, c.relname
UNION ALL
SELECT 'default privileges of ' || pg_catalog.pg_get_userbyid(d.defaclrole) || ' in ' || s.nspname,
       'default', s.nspname, NULL, pg_catalog.pg_get_userbyid(d.defaclrole)::text,
       CASE d.defaclobjtype WHEN 'r' THEN 'TABLES' WHEN 'S' THEN 'SEQUENCES' WHEN 'f' THEN 'FUNCTIONS'
            WHEN 'T' THEN 'TYPES' END
FROM pg_catalog.pg_default_acl d
JOIN schemas s ON s.oid = d.defaclnamespace
CROSS JOIN LATERAL aclexplode(d.defaclacl) a
JOIN reader ON reader.oid = a.grantee
GROUP BY s.nspname, d.defaclrole, d.defaclobjtype
ORDER BY 1
