-- The reader role's attributes; no row when it does not exist yet.
-- Grain: one row (the role named %(role)s). Compared with lake/powerbi/role.py WANTED.
SELECT rolcanlogin, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolconnlimit
FROM pg_catalog.pg_roles
WHERE rolname = %(role)s
