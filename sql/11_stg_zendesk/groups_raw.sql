-- stg_zendesk.groups_raw: Zendesk groups as received from /api/v2/groups.json (full refresh each run), one JSONB doc per bronze line.
-- Grain: one row per bronze line, i.e. every version of every group ever extracted. Key: (_blob_path, _line_no),
-- so reloading a bronze file is a no-op. record_id is the payload's "id" as text; (scope, record_id) is
-- indexed for "all versions of this group"; _load_id is indexed for normalize's incremental read.
-- Written only by load/load_zendesk_stg.py (COPY, set-based); rows are never updated.
CREATE TABLE stg_zendesk.groups_raw (
    -- ids
    scope              text        NOT NULL,
    record_id          text        NOT NULL,
    -- payload
    doc                jsonb       NOT NULL,
    source_updated_at  timestamptz,
    -- lineage
    _blob_path         text        NOT NULL,
    _line_no           integer     NOT NULL,
    _loaded_at         timestamptz NOT NULL DEFAULT now(),
    _load_id           bigint      NOT NULL,
    PRIMARY KEY (_blob_path, _line_no)
);

CREATE INDEX groups_raw_scope_record_id_idx ON stg_zendesk.groups_raw (scope, record_id);
CREATE INDEX groups_raw_load_id_idx ON stg_zendesk.groups_raw (_load_id);

COMMENT ON TABLE stg_zendesk.groups_raw IS 'Zendesk groups as received (JSONB), one row per bronze line: every version of every group, with lineage.';
COMMENT ON COLUMN stg_zendesk.groups_raw.scope IS 'Account (tenant, Zendesk subdomain) the record came from (bronze scope=...).';
COMMENT ON COLUMN stg_zendesk.groups_raw.record_id IS 'The group''s Zendesk "id", as text.';
COMMENT ON COLUMN stg_zendesk.groups_raw.doc IS 'The record exactly as the API returned it (a \u0000 escape, which jsonb refuses, is stripped and recorded in meta.rejected_rows).';
COMMENT ON COLUMN stg_zendesk.groups_raw.source_updated_at IS 'The record''s updated_at (UTC), when present and valid; null otherwise.';
COMMENT ON COLUMN stg_zendesk.groups_raw._blob_path IS 'Bronze object the line came from (see meta.loaded_files).';
COMMENT ON COLUMN stg_zendesk.groups_raw._line_no IS 'Line number in the decompressed bronze object, starting at 1.';
COMMENT ON COLUMN stg_zendesk.groups_raw._loaded_at IS 'When the row was loaded (UTC).';
COMMENT ON COLUMN stg_zendesk.groups_raw._load_id IS 'meta.load_id_seq value of the load that inserted the row; normalize reads _load_id > meta.normalize_state.last_load_id.';
