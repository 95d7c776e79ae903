-- core.pd_deals: Pipedrive deals, the newest version of each (fact). Built by normalize/pipedrive/pd_deals.sql
-- from stg_pipedrive.deals_raw (v2 shape). Grain: one row per deal per scope. Key: (scope, deal_id).
-- Deleted deals stay, flagged (is_deleted, deleted_at); no foreign-key constraints (records arrive out of order).
CREATE TABLE core.pd_deals (
    -- ids
    scope               text        NOT NULL,
    deal_id             bigint      NOT NULL,
    pipeline_id         bigint,
    stage_id            bigint,
    owner_id            bigint,
    creator_user_id     bigint,
    person_id           bigint,
    organization_id     bigint,
    -- attributes
    title               text,
    status              text,
    lost_reason         text,
    label_ids           jsonb,
    is_archived         boolean,
    is_deleted          boolean     NOT NULL DEFAULT false,
    -- amounts
    value               numeric,
    currency            text,
    probability         numeric,
    -- timestamps
    created_at          timestamptz,
    updated_at          timestamptz,
    stage_changed_at    timestamptz,
    closed_at           timestamptz,
    won_at              timestamptz,
    lost_at             timestamptz,
    deleted_at          timestamptz,
    expected_close_date date,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, deal_id)
);

CREATE INDEX pd_deals_pipeline_id_idx ON core.pd_deals (scope, pipeline_id);
CREATE INDEX pd_deals_stage_id_idx ON core.pd_deals (scope, stage_id);
CREATE INDEX pd_deals_owner_id_idx ON core.pd_deals (scope, owner_id);
CREATE INDEX pd_deals_person_id_idx ON core.pd_deals (scope, person_id);
CREATE INDEX pd_deals_organization_id_idx ON core.pd_deals (scope, organization_id);

COMMENT ON TABLE core.pd_deals IS 'Pipedrive deals (fact): newest version of each deal, deleted ones flagged. One row per scope and deal_id.';
COMMENT ON COLUMN core.pd_deals.scope IS 'Pipedrive account (tenant) the deal belongs to; part of every key.';
COMMENT ON COLUMN core.pd_deals.deal_id IS 'Pipedrive deal id.';
COMMENT ON COLUMN core.pd_deals.pipeline_id IS 'Pipeline the deal is in (core.pd_pipelines).';
COMMENT ON COLUMN core.pd_deals.stage_id IS 'Stage the deal is in (core.pd_stages).';
COMMENT ON COLUMN core.pd_deals.owner_id IS 'User who owns the deal (core.pd_users).';
COMMENT ON COLUMN core.pd_deals.creator_user_id IS 'User who created the deal (core.pd_users).';
COMMENT ON COLUMN core.pd_deals.person_id IS 'Contact person of the deal (core.pd_persons).';
COMMENT ON COLUMN core.pd_deals.organization_id IS 'Organization of the deal (core.pd_organizations); Pipedrive org_id.';
COMMENT ON COLUMN core.pd_deals.title IS 'Deal title.';
COMMENT ON COLUMN core.pd_deals.status IS 'open, won, lost (or deleted).';
COMMENT ON COLUMN core.pd_deals.lost_reason IS 'Why the deal was lost, as typed in Pipedrive.';
COMMENT ON COLUMN core.pd_deals.label_ids IS 'Ids of the deal''s labels, as a JSON array.';
COMMENT ON COLUMN core.pd_deals.is_archived IS 'True when the deal is archived in Pipedrive.';
COMMENT ON COLUMN core.pd_deals.is_deleted IS 'True when the deal was deleted in Pipedrive (the row is kept).';
COMMENT ON COLUMN core.pd_deals.value IS 'Deal value in currency (not converted).';
COMMENT ON COLUMN core.pd_deals.currency IS 'ISO 4217 code of value.';
COMMENT ON COLUMN core.pd_deals.probability IS 'Win probability in percent, when set on the deal.';
COMMENT ON COLUMN core.pd_deals.created_at IS 'When the deal was created (Pipedrive add_time, UTC).';
COMMENT ON COLUMN core.pd_deals.updated_at IS 'When the deal was last changed in Pipedrive (update_time, UTC).';
COMMENT ON COLUMN core.pd_deals.stage_changed_at IS 'When the deal last moved stage (UTC).';
COMMENT ON COLUMN core.pd_deals.closed_at IS 'When the deal was closed, won or lost (close_time, UTC).';
COMMENT ON COLUMN core.pd_deals.won_at IS 'When the deal was won (UTC).';
COMMENT ON COLUMN core.pd_deals.lost_at IS 'When the deal was lost (UTC).';
COMMENT ON COLUMN core.pd_deals.deleted_at IS 'When the deal was deleted (its update_time when it came back deleted, UTC).';
COMMENT ON COLUMN core.pd_deals.expected_close_date IS 'Expected close date set on the deal.';
COMMENT ON COLUMN core.pd_deals._source_updated_at IS 'Version of the record in stg (source_updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.pd_deals._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.pd_deals._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_deals._updated_at IS 'When normalize last wrote this row (UTC).';
