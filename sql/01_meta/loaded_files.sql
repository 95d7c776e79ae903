-- meta.loaded_files: bronze objects already loaded into stg, so each is loaded exactly once.
-- Grain: one row per bronze part file. Key: blob_path.
-- The loader inserts this row in the same transaction as the file's stg rows.
CREATE TABLE meta.loaded_files (
    -- ids
    blob_path      text        PRIMARY KEY,
    load_id        bigint      NOT NULL,
    -- what
    source         text        NOT NULL,
    scope          text        NOT NULL,
    entity         text        NOT NULL,
    bronze_run_id  text        NOT NULL,
    -- file facts
    sha256         text        NOT NULL,
    rows           bigint      NOT NULL,
    bytes          bigint      NOT NULL,
    rows_duplicate bigint      NOT NULL DEFAULT 0,
    -- timestamps
    loaded_at      timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE meta.loaded_files IS 'One row per bronze part file loaded into stg (exactly-once loading; bronze-vs-stg reconciliation).';
COMMENT ON COLUMN meta.loaded_files.blob_path IS 'Path of the bronze object relative to the lake root (bronze/{source}/scope=.../part-N.jsonl.gz); the _blob_path of its rows.';
COMMENT ON COLUMN meta.loaded_files.load_id IS 'meta.load_id_seq value of the load that loaded this file (the _load_id of its stg rows).';
COMMENT ON COLUMN meta.loaded_files.source IS 'pipedrive or zendesk.';
COMMENT ON COLUMN meta.loaded_files.scope IS 'Account (tenant) the file came from.';
COMMENT ON COLUMN meta.loaded_files.entity IS 'Entity name, e.g. deals.';
COMMENT ON COLUMN meta.loaded_files.bronze_run_id IS 'The extractor run (run_id=... path segment) that wrote the file.';
COMMENT ON COLUMN meta.loaded_files.sha256 IS 'SHA-256 of the object bytes, as listed in the run manifest.';
COMMENT ON COLUMN meta.loaded_files.rows IS 'Lines in the file (loaded plus rejected).';
COMMENT ON COLUMN meta.loaded_files.rows_duplicate IS 'Lines not stored because they equal the newest stored version of their record (re-read at the incremental boundary or by a full refresh). rows = stg rows + rejected (not repaired) + rows_duplicate.';
COMMENT ON COLUMN meta.loaded_files.bytes IS 'Size of the object in bytes (compressed).';
COMMENT ON COLUMN meta.loaded_files.loaded_at IS 'When the file was loaded (UTC).';
