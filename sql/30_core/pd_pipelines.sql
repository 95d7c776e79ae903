-- core.pd_pipelines: Pipedrive sales pipelines, newest version of each (dimension). Built by
-- normalize/pipedrive/pd_pipelines.sql from stg_pipedrive.pipelines_raw (v2 shape, full refresh).
-- Grain: one row per pipeline per scope. Key: (scope, pipeline_id). Deleted pipelines stay, flagged.
CREATE TABLE core.pd_pipelines (
    -- ids
    scope                        text        NOT NULL,
    pipeline_id                  bigint      NOT NULL,
    -- attributes
    name                         text,
    order_nr                     integer,
    is_deal_probability_enabled  boolean,
    is_selected                  boolean,
    is_deleted                   boolean     NOT NULL DEFAULT false,
    -- timestamps
    created_at                   timestamptz,
    updated_at                   timestamptz,
    deleted_at                   timestamptz,
    -- lineage
    _source_updated_at           timestamptz,
    _blob_path                   text        NOT NULL,
    _line_no                     integer     NOT NULL,
    _updated_at                  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, pipeline_id)
);

COMMENT ON TABLE core.pd_pipelines IS 'Pipedrive sales pipelines: newest version of each, deleted ones flagged. One row per scope and pipeline_id.';
COMMENT ON COLUMN core.pd_pipelines.scope IS 'Pipedrive account (tenant) the pipeline belongs to; part of every key.';
COMMENT ON COLUMN core.pd_pipelines.pipeline_id IS 'Pipedrive pipeline id.';
COMMENT ON COLUMN core.pd_pipelines.name IS 'Pipeline name.';
COMMENT ON COLUMN core.pd_pipelines.order_nr IS 'Position of the pipeline in Pipedrive''s list.';
COMMENT ON COLUMN core.pd_pipelines.is_deal_probability_enabled IS 'True when deal probabilities are used in this pipeline.';
COMMENT ON COLUMN core.pd_pipelines.is_selected IS 'True for the pipeline selected in the extracting user''s UI.';
COMMENT ON COLUMN core.pd_pipelines.is_deleted IS 'True when the pipeline was deleted in Pipedrive (the row is kept).';
COMMENT ON COLUMN core.pd_pipelines.created_at IS 'When the pipeline was created (Pipedrive add_time, UTC).';
COMMENT ON COLUMN core.pd_pipelines.updated_at IS 'When the pipeline was last changed (update_time, UTC).';
COMMENT ON COLUMN core.pd_pipelines.deleted_at IS 'When the pipeline was deleted (its update_time when it came back deleted, UTC).';
COMMENT ON COLUMN core.pd_pipelines._source_updated_at IS 'Version of the record in stg (source_updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.pd_pipelines._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.pd_pipelines._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_pipelines._updated_at IS 'When normalize last wrote this row (UTC).';
