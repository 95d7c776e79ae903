-- CONNECT only. Granted explicitly, so it survives a later REVOKE CONNECT ... FROM PUBLIC.
REVOKE ALL ON DATABASE {database} FROM {role};
GRANT CONNECT ON DATABASE {database} TO {role};
