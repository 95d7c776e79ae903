-- meta.schema_migrations: which sql/ files have been applied to this database.
-- Grain: one row per migration file. Key: path.
-- lake/migrate.py also runs this file by itself, before anything else, when the table is missing
-- (it must exist before history can be read), hence CREATE ... IF NOT EXISTS, including the schema.
CREATE SCHEMA IF NOT EXISTS meta;

CREATE TABLE IF NOT EXISTS meta.schema_migrations (
    path        text        PRIMARY KEY,
    sha256      text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE meta.schema_migrations IS 'Migration history: one row per sql/ file applied. Immutable: an applied file may not change.';
COMMENT ON COLUMN meta.schema_migrations.path IS 'File path relative to sql/, e.g. 01_meta/pipeline_runs.sql.';
COMMENT ON COLUMN meta.schema_migrations.sha256 IS 'SHA-256 of the file text (CRLF folded to LF) when applied; a mismatch stops the migrator.';
COMMENT ON COLUMN meta.schema_migrations.applied_at IS 'When the file was applied.';
