-- meta.quarantined_parts: bronze parts, or whole runs, that an operator set aside because they cannot be
-- loaded (a truncated gzip, a sha256 that does not match the manifest, an unreadable manifest), with why,
-- who and when. Written by python -m load.quarantine; the loader skips what is quarantined and not
-- released, so one bad object no longer fails every daily load. Nothing is ever deleted from bronze:
-- releasing a row (released_at) makes the next load try the part again. A part already loaded is never
-- quarantined (the command refuses: its rows are in stg).
-- Grain: one row per quarantine of a part or a run; a released row stays as history. Key: quarantine_id;
-- at most one active (not released) row per blob_path.
CREATE TABLE meta.quarantined_parts (
    -- ids
    quarantine_id   bigserial   PRIMARY KEY,
    -- what
    source          text        NOT NULL,
    scope           text        NOT NULL,
    entity          text        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('part', 'run')),
    blob_path       text        NOT NULL,
    bronze_run_id   text        NOT NULL,
    rows            bigint,
    -- why and who
    reason          text        NOT NULL CHECK (btrim(reason) <> ''),
    quarantined_by  text        NOT NULL,
    released_by     text,
    -- timestamps
    quarantined_at  timestamptz NOT NULL DEFAULT now(),
    released_at     timestamptz,
    CHECK ((released_at IS NULL) = (released_by IS NULL)),
    CHECK (kind = 'part' OR blob_path LIKE '%/')
);

CREATE UNIQUE INDEX quarantined_parts_active_idx ON meta.quarantined_parts (blob_path) WHERE released_at IS NULL;

COMMENT ON TABLE meta.quarantined_parts IS 'Bronze parts or runs set aside by an operator (python -m load.quarantine) because they cannot be loaded; the loader skips them until released. Bronze itself is never changed.';
COMMENT ON COLUMN meta.quarantined_parts.quarantine_id IS 'Surrogate key.';
COMMENT ON COLUMN meta.quarantined_parts.source IS 'pipedrive or zendesk.';
COMMENT ON COLUMN meta.quarantined_parts.scope IS 'Account (tenant) of the part or run.';
COMMENT ON COLUMN meta.quarantined_parts.entity IS 'Entity name, e.g. deals.';
COMMENT ON COLUMN meta.quarantined_parts.kind IS 'part (one bronze object) or run (every part of one bronze run).';
COMMENT ON COLUMN meta.quarantined_parts.blob_path IS 'The part''s path relative to the lake root (as in meta.loaded_files), or for kind run the run folder (ending in /).';
COMMENT ON COLUMN meta.quarantined_parts.bronze_run_id IS 'The extractor run (run_id=... path segment) the part or run belongs to.';
COMMENT ON COLUMN meta.quarantined_parts.rows IS 'Lines its manifest lists for it (for a run: every part); null when the manifest could not be read. Lines not in stg because of this row.';
COMMENT ON COLUMN meta.quarantined_parts.reason IS 'Why it was set aside, in the operator''s words (never empty).';
COMMENT ON COLUMN meta.quarantined_parts.quarantined_by IS 'Operating-system user and machine that quarantined it (user@host).';
COMMENT ON COLUMN meta.quarantined_parts.released_by IS 'Operating-system user and machine that released it (user@host); null while active.';
COMMENT ON COLUMN meta.quarantined_parts.quarantined_at IS 'When it was quarantined (UTC).';
COMMENT ON COLUMN meta.quarantined_parts.released_at IS 'When it was released (UTC): from then on the loader tries it again; null while active.';
