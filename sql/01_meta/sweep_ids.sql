-- meta.sweep_ids: the record ids a deletion sweep listed, for the newest complete sweep of each
-- source x scope x entity only (the loader deletes older ones; see meta.sweeps).
-- Grain: one row per sweep x listed record. Key: (scope, sweep_id, record_id); scope first so that the
-- table can be distributed by scope next to core (DESIGN.md §9): normalize anti-joins it with core.
-- Filled by the loader in the transaction of each sweep part; read by normalize/sql/sweep_flag.sql.
CREATE TABLE meta.sweep_ids (
    scope      text   NOT NULL,
    sweep_id   bigint NOT NULL,
    record_id  text   NOT NULL,
    PRIMARY KEY (scope, sweep_id, record_id)
);

COMMENT ON TABLE meta.sweep_ids IS 'Record ids listed by the newest complete deletion sweep of each source, scope and entity.';
COMMENT ON COLUMN meta.sweep_ids.scope IS 'Account (tenant) that was listed.';
COMMENT ON COLUMN meta.sweep_ids.sweep_id IS 'The sweep (meta.sweeps.sweep_id).';
COMMENT ON COLUMN meta.sweep_ids.record_id IS 'Id of a record the listing held, as text (stg record_id).';
