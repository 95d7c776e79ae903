-- Tables and views that {creator} creates in core later (a migration, normalize adding a table) are
-- readable by the reader at once, without running the set-up again; nothing else is granted.
ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {core} REVOKE ALL ON TABLES FROM {role};
ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {core} REVOKE ALL ON SEQUENCES FROM {role};
ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {core} REVOKE ALL ON FUNCTIONS FROM {role};
ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {core} REVOKE ALL ON TYPES FROM {role};
ALTER DEFAULT PRIVILEGES FOR ROLE {creator} IN SCHEMA {core} GRANT SELECT ON TABLES TO {role};
