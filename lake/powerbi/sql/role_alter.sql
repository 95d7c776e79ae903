-- Bring an existing reader back to the wanted attributes (those a CREATEROLE user may change).
ALTER ROLE {role} WITH LOGIN NOCREATEDB NOCREATEROLE NOINHERIT CONNECTION LIMIT {connection_limit}
