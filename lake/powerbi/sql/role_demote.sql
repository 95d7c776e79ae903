-- Take SUPERUSER, REPLICATION and BYPASSRLS away from the reader. PostgreSQL lets only a superuser
-- change these, so it runs only when the role has one of them.
ALTER ROLE {role} WITH NOSUPERUSER NOREPLICATION NOBYPASSRLS
