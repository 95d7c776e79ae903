-- No default privileges for the reader outside core (one row of other_schemas_check.sql).
ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {schema} REVOKE ALL ON {objects} FROM {role}
