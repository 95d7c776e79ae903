-- meta.normalize_state: how far normalize has read each stg table, for incremental runs.
-- Grain: one row per source x entity (normalize covers every scope). Key: (source, entity).
-- Written in the same transaction as the core upserts it covers.
CREATE TABLE meta.normalize_state (
    source        text        NOT NULL,
    entity        text        NOT NULL,
    last_load_id  bigint      NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source, entity)
);

COMMENT ON TABLE meta.normalize_state IS 'Incremental normalize position: the highest stg _load_id already cast into core, per source entity.';
COMMENT ON COLUMN meta.normalize_state.source IS 'pipedrive or zendesk.';
COMMENT ON COLUMN meta.normalize_state.entity IS 'Entity name, e.g. deals.';
COMMENT ON COLUMN meta.normalize_state.last_load_id IS 'Highest meta.load_id_seq value whose stg rows are already in core; the next run reads _load_id > this.';
COMMENT ON COLUMN meta.normalize_state.updated_at IS 'When the position last moved (UTC).';
