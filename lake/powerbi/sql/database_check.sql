-- The reader's own grants on this database, compared with the wanted ones: CONNECT, nothing else
-- (no CREATE, no TEMPORARY, no grant option). Grain: one row per privilege missing or not wanted.
WITH have AS (
    SELECT a.privilege_type, a.is_grantable
    FROM pg_catalog.pg_database d
    CROSS JOIN LATERAL aclexplode(d.datacl) a
    JOIN pg_catalog.pg_roles r ON r.oid = a.grantee AND r.rolname = %(role)s
    WHERE d.datname = current_database()
), want AS (
    SELECT 'CONNECT'::text AS privilege_type, false AS is_grantable
)
SELECT CASE WHEN h.privilege_type IS NULL THEN w.privilege_type || ' missing'
            ELSE h.privilege_type || CASE WHEN h.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END || ' not wanted'
       END AS what
FROM have h
FULL JOIN want w ON w.privilege_type = h.privilege_type AND w.is_grantable = h.is_grantable
WHERE h.privilege_type IS NULL OR w.privilege_type IS NULL
ORDER BY 1
