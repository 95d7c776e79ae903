-- The reader's own settings for every database (ALTER ROLE ... SET), one 'name=value' per row.
SELECT unnest(s.setconfig)
FROM pg_catalog.pg_db_role_setting s
JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
WHERE r.rolname = %(role)s AND s.setdatabase = 0
