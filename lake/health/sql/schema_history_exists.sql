-- schema: whether the migration history table exists at all (a database nothing was ever applied to).
SELECT to_regclass('meta.schema_migrations') IS NOT NULL
