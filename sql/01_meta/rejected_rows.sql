-- meta.rejected_rows: bronze lines that could not be loaded as they were, so nothing is dropped silently.
-- Grain: one row per bronze line x reason. Key: rejected_id; unique (_blob_path, _line_no, reason_code)
-- so reloading a file records each problem once (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE meta.rejected_rows (
    -- ids
    rejected_id  bigserial   PRIMARY KEY,
    load_id      bigint,
    -- what
    source       text        NOT NULL,
    scope        text        NOT NULL,
    entity       text        NOT NULL,
    -- the problem
    reason_code  text        NOT NULL,
    detail       text,
    raw_text     text,
    is_repaired  boolean     NOT NULL DEFAULT false,
    -- lineage
    _blob_path   text        NOT NULL,
    _line_no     integer     NOT NULL,
    -- timestamps
    rejected_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (_blob_path, _line_no, reason_code)
);

COMMENT ON TABLE meta.rejected_rows IS 'Bronze lines rejected by a loader, or loaded only after a repair (is_repaired), with the raw text.';
COMMENT ON COLUMN meta.rejected_rows.rejected_id IS 'Surrogate key.';
COMMENT ON COLUMN meta.rejected_rows.load_id IS 'meta.load_id_seq value of the load that found the problem.';
COMMENT ON COLUMN meta.rejected_rows.source IS 'pipedrive or zendesk.';
COMMENT ON COLUMN meta.rejected_rows.scope IS 'Account (tenant) the line came from.';
COMMENT ON COLUMN meta.rejected_rows.entity IS 'Entity name, e.g. deals.';
COMMENT ON COLUMN meta.rejected_rows.reason_code IS 'invalid_json, missing_id, not_an_object, oversize, nul_stripped, ...';
COMMENT ON COLUMN meta.rejected_rows.detail IS 'Human-readable detail (parser message, size, which field).';
COMMENT ON COLUMN meta.rejected_rows.raw_text IS 'The line as read (a loader may truncate a very long line and say so in detail).';
COMMENT ON COLUMN meta.rejected_rows.is_repaired IS 'True when the line WAS loaded after a repair (e.g. \u0000 stripped); false when it was not loaded.';
COMMENT ON COLUMN meta.rejected_rows._blob_path IS 'Bronze object the line is in.';
COMMENT ON COLUMN meta.rejected_rows._line_no IS 'Line number in the decompressed object, starting at 1.';
COMMENT ON COLUMN meta.rejected_rows.rejected_at IS 'When the problem was first recorded (UTC).';
