-- schema: every applied migration file and the SHA-256 it had when applied. Grain: one row per file.
SELECT path, sha256 FROM meta.schema_migrations
