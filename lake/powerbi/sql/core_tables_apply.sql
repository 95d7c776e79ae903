-- SELECT on every table and view in core, nothing else ("ALL TABLES" includes views, materialized
-- views, foreign and partitioned tables); nothing on sequences (USAGE would allow nextval).
REVOKE ALL ON ALL TABLES IN SCHEMA {core} FROM {role};
REVOKE ALL ON ALL SEQUENCES IN SCHEMA {core} FROM {role};
GRANT SELECT ON ALL TABLES IN SCHEMA {core} TO {role};
