-- Create the reader: may log in, nothing else. NOINHERIT: a membership granted to it by mistake lends it
-- no privileges (memberships are revoked anyway, see memberships_check.sql).
CREATE ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS
    CONNECTION LIMIT {connection_limit}
