-- Nothing on a schema other than core (one row of other_schemas_check.sql).
REVOKE ALL ON SCHEMA {schema} FROM {role}
