-- Default privileges in core for the roles that create its objects: the owner of schema core, the owners
-- of its relations (the role that runs migrations and normalize), and the connecting role when it may
-- create there (an admin that may not gets no entry, which would only block dropping it). Wanted for
-- each: SELECT on tables created later, granted to the reader, and nothing else for it.
-- Grain: one row per creating role whose default privileges differ.
WITH reader AS (
    SELECT oid FROM pg_catalog.pg_roles WHERE rolname = %(role)s
), core AS (
    SELECT oid, nspowner FROM pg_catalog.pg_namespace WHERE nspname = %(core)s
), creators AS (
    SELECT current_user::text AS creator FROM core WHERE has_schema_privilege(core.oid, 'CREATE')
    UNION SELECT pg_catalog.pg_get_userbyid(nspowner)::text FROM core
    UNION SELECT pg_catalog.pg_get_userbyid(c.relowner)::text
          FROM pg_catalog.pg_class c JOIN core ON core.oid = c.relnamespace
), have AS (
    SELECT pg_catalog.pg_get_userbyid(d.defaclrole)::text AS creator,
           CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                WHEN 'T' THEN 'types' ELSE d.defaclobjtype::text END
           || ' ' || a.privilege_type || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END AS grant_text
    FROM pg_catalog.pg_default_acl d
    JOIN core ON core.oid = d.defaclnamespace
    CROSS JOIN LATERAL aclexplode(d.defaclacl) a
    JOIN reader ON reader.oid = a.grantee
)
SELECT 'objects created by ' || c.creator || ': '
       || coalesce(string_agg(h.grant_text, ', ' ORDER BY h.grant_text), 'nothing') AS what,
       c.creator
FROM creators c
LEFT JOIN have h ON h.creator = c.creator
GROUP BY c.creator
HAVING coalesce(string_agg(h.grant_text, ', ' ORDER BY h.grant_text), '') <> 'tables SELECT'
ORDER BY c.creator
