-- core.zd_groups: Zendesk groups (teams of agents tickets are assigned to), newest version of each (dimension).
-- Built by normalize/zendesk/zd_groups.sql from stg_zendesk.groups_raw (list, full refresh each run).
-- Grain: one row per group per scope. Key: (scope, group_id). Deleted groups stay, flagged (Zendesk deleted).
CREATE TABLE core.zd_groups (
    -- ids
    scope               text        NOT NULL,
    group_id            bigint      NOT NULL,
    -- attributes
    name                text,
    description         text,
    is_default          boolean,
    is_public           boolean,
    is_deleted          boolean     NOT NULL DEFAULT false,
    -- timestamps
    created_at          timestamptz,
    updated_at          timestamptz,
    deleted_at          timestamptz,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, group_id)
);

COMMENT ON TABLE core.zd_groups IS 'Zendesk groups of agents: newest version of each, deleted ones flagged. One row per scope and group_id.';
COMMENT ON COLUMN core.zd_groups.scope IS 'Zendesk account (subdomain) the group belongs to; part of every key.';
COMMENT ON COLUMN core.zd_groups.group_id IS 'Zendesk group id.';
COMMENT ON COLUMN core.zd_groups.name IS 'Group name.';
COMMENT ON COLUMN core.zd_groups.description IS 'Group description.';
COMMENT ON COLUMN core.zd_groups.is_default IS 'True for the account''s default group.';
COMMENT ON COLUMN core.zd_groups.is_public IS 'True when the group is public (false: a private group, visible to its members only).';
COMMENT ON COLUMN core.zd_groups.is_deleted IS 'True when the group was deleted in Zendesk (deleted; the row is kept).';
COMMENT ON COLUMN core.zd_groups.created_at IS 'When the group was created (UTC).';
COMMENT ON COLUMN core.zd_groups.updated_at IS 'When the group was last changed (UTC).';
COMMENT ON COLUMN core.zd_groups.deleted_at IS 'When the group was deleted (updated_at of the version that came back deleted, UTC).';
COMMENT ON COLUMN core.zd_groups._source_updated_at IS 'Version of the record in stg (updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.zd_groups._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.zd_groups._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.zd_groups._updated_at IS 'When normalize last wrote this row (UTC).';
