-- The reader's stored password verifier (SCRAM-SHA-256$... or md5...; NULL: no password).
-- pg_authid is readable by superusers only: the caller checks has_table_privilege first.
SELECT rolpassword FROM pg_catalog.pg_authid WHERE rolname = %(role)s
