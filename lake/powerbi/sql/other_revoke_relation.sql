-- Nothing on a table, view or sequence outside core (one row of other_schemas_check.sql).
REVOKE ALL ON TABLE {schema}.{object} FROM {role}
