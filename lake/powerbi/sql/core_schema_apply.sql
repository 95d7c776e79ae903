-- USAGE only on the published schema: the reader can name its objects, never create one.
REVOKE ALL ON SCHEMA {core} FROM {role};
GRANT USAGE ON SCHEMA {core} TO {role};
