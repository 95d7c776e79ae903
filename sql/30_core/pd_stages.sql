-- core.pd_stages: Pipedrive pipeline stages, newest version of each (dimension). Built by
-- normalize/pipedrive/pd_stages.sql from stg_pipedrive.stages_raw (v2 shape, full refresh).
-- Grain: one row per stage per scope. Key: (scope, stage_id). Deleted stages stay, flagged.
CREATE TABLE core.pd_stages (
    -- ids
    scope                text        NOT NULL,
    stage_id             bigint      NOT NULL,
    pipeline_id          bigint,
    -- attributes
    name                 text,
    order_nr             integer,
    deal_probability     integer,
    is_deal_rot_enabled  boolean,
    days_to_rotten       integer,
    is_deleted           boolean     NOT NULL DEFAULT false,
    -- timestamps
    created_at           timestamptz,
    updated_at           timestamptz,
    deleted_at           timestamptz,
    -- lineage
    _source_updated_at   timestamptz,
    _blob_path           text        NOT NULL,
    _line_no             integer     NOT NULL,
    _updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, stage_id)
);

CREATE INDEX pd_stages_pipeline_id_idx ON core.pd_stages (scope, pipeline_id);

COMMENT ON TABLE core.pd_stages IS 'Pipedrive pipeline stages: newest version of each, deleted ones flagged. One row per scope and stage_id.';
COMMENT ON COLUMN core.pd_stages.scope IS 'Pipedrive account (tenant) the stage belongs to; part of every key.';
COMMENT ON COLUMN core.pd_stages.stage_id IS 'Pipedrive stage id.';
COMMENT ON COLUMN core.pd_stages.pipeline_id IS 'Pipeline the stage belongs to (core.pd_pipelines).';
COMMENT ON COLUMN core.pd_stages.name IS 'Stage name.';
COMMENT ON COLUMN core.pd_stages.order_nr IS 'Position of the stage in its pipeline (1 = first).';
COMMENT ON COLUMN core.pd_stages.deal_probability IS 'Win probability in percent for deals in this stage.';
COMMENT ON COLUMN core.pd_stages.is_deal_rot_enabled IS 'True when deals rot (turn red) after days_to_rotten days in this stage.';
COMMENT ON COLUMN core.pd_stages.days_to_rotten IS 'Days without activity after which a deal in this stage rots.';
COMMENT ON COLUMN core.pd_stages.is_deleted IS 'True when the stage was deleted in Pipedrive (the row is kept).';
COMMENT ON COLUMN core.pd_stages.created_at IS 'When the stage was created (Pipedrive add_time, UTC).';
COMMENT ON COLUMN core.pd_stages.updated_at IS 'When the stage was last changed (update_time, UTC); null if never.';
COMMENT ON COLUMN core.pd_stages.deleted_at IS 'When the stage was deleted (its update_time when it came back deleted, UTC).';
COMMENT ON COLUMN core.pd_stages._source_updated_at IS 'Version of the record in stg (source_updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.pd_stages._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.pd_stages._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_stages._updated_at IS 'When normalize last wrote this row (UTC).';
