-- meta.sweeps: deletion sweeps (extract --sweep-deletions: every current record of an entity listed into
-- one bronze run) as the loader found them, and what normalize did with them.
-- Grain: one row per sweep run (source x scope x entity x bronze run). Key: sweep_id; unique
-- (source, scope, entity, run_id). Written by the loader in the transactions of the run's parts (the last
-- one decides complete | incomplete), then by normalize (applied | refused).
CREATE TABLE meta.sweeps (
    -- ids
    sweep_id          bigserial   PRIMARY KEY,
    source            text        NOT NULL,
    scope             text        NOT NULL,
    entity            text        NOT NULL,
    run_id            text        NOT NULL,
    run_path          text        NOT NULL,
    -- outcome
    status            text        NOT NULL DEFAULT 'loading'
                                  CHECK (status IN ('loading', 'complete', 'incomplete', 'superseded', 'applied', 'refused')),
    is_forced         boolean     NOT NULL DEFAULT false,
    rows_listed       bigint      NOT NULL DEFAULT 0,
    ids_listed        bigint      NOT NULL DEFAULT 0,
    lines_without_id  bigint      NOT NULL DEFAULT 0,
    rows_flagged      bigint,
    rows_restored     bigint,
    -- timestamps
    started_at        timestamptz NOT NULL,
    loaded_at         timestamptz,
    applied_at        timestamptz,
    UNIQUE (source, scope, entity, run_id)
);

COMMENT ON TABLE meta.sweeps IS 'Deletion sweeps: complete listings of an entity''s current records; normalize flags in core what a complete one lacks.';
COMMENT ON COLUMN meta.sweeps.sweep_id IS 'Surrogate key (meta.sweep_ids.sweep_id).';
COMMENT ON COLUMN meta.sweeps.source IS 'pipedrive or zendesk.';
COMMENT ON COLUMN meta.sweeps.scope IS 'Account (tenant) that was listed.';
COMMENT ON COLUMN meta.sweeps.entity IS 'Entity name, e.g. deals.';
COMMENT ON COLUMN meta.sweeps.run_id IS 'The bronze run (run_id=... path segment) that holds the listing.';
COMMENT ON COLUMN meta.sweeps.run_path IS 'The bronze folder of that run (bronze/.../run_id=.../). Bronze paths of one scope and entity sort chronologically, so a core row whose _blob_path sorts before it holds a version from an earlier run.';
COMMENT ON COLUMN meta.sweeps.status IS 'loading (parts still to load); complete (every record listed, ids in meta.sweep_ids, not yet applied); incomplete (the listing stopped part-way or a line had no id: never applied); superseded (a newer complete sweep came first); applied (normalize flagged with it); refused (it would have flagged more than half of the live rows: see normalize/sweeps.py).';
COMMENT ON COLUMN meta.sweeps.is_forced IS 'Set by an operator (with status back to complete) to apply a refused sweep whose deletions are real.';
COMMENT ON COLUMN meta.sweeps.rows_listed IS 'Lines in the sweep run (its manifest rows).';
COMMENT ON COLUMN meta.sweeps.ids_listed IS 'Distinct record ids the listing held (rows in meta.sweep_ids while kept).';
COMMENT ON COLUMN meta.sweeps.lines_without_id IS 'Lines whose id could not be read (rejected); any makes the sweep incomplete.';
COMMENT ON COLUMN meta.sweeps.rows_flagged IS 'Core rows normalize flagged deleted with this sweep (deletion_detected_by sweep).';
COMMENT ON COLUMN meta.sweeps.rows_restored IS 'Core rows an earlier sweep had flagged that this one listed again (flag removed).';
COMMENT ON COLUMN meta.sweeps.started_at IS 'When the listing began (manifest started_at, UTC); the deleted_at of the rows it flags.';
COMMENT ON COLUMN meta.sweeps.loaded_at IS 'When its last part was loaded (UTC).';
COMMENT ON COLUMN meta.sweeps.applied_at IS 'When normalize applied (or refused) it (UTC).';
