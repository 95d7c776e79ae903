-- Roles the reader is a member of. Wanted: none (a membership lends privileges or SET ROLE, e.g.
-- pg_read_all_data reads every table). Grain: one row per role it is a member of.
SELECT 'member of ' || g.rolname AS what, g.rolname AS granted
FROM pg_catalog.pg_auth_members m
JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
JOIN pg_catalog.pg_roles r ON r.oid = m.member
WHERE r.rolname = %(role)s
ORDER BY g.rolname
