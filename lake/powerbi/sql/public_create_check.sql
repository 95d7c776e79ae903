-- Whether PUBLIC (so every role, the reader too) may CREATE in schema public. PostgreSQL 15 and later
-- do not grant it; older servers, and clusters upgraded from them, do. Wanted: no row.
SELECT 'PUBLIC may CREATE in schema public' AS what
FROM pg_catalog.pg_namespace n
CROSS JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
WHERE n.nspname = 'public' AND a.grantee = 0 AND a.privilege_type = 'CREATE'
