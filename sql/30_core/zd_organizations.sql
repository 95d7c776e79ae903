-- core.zd_organizations: Zendesk organizations (customers' companies), newest version of each (dimension).
-- Built by normalize/zendesk/zd_organizations.sql from stg_zendesk.organizations_raw (time-based export).
-- Grain: one row per organization per scope. Key: (scope, organization_id). Deleted organizations stay,
-- flagged (is_deleted: Zendesk's deleted_at is set).
CREATE TABLE core.zd_organizations (
    -- ids
    scope               text        NOT NULL,
    organization_id     bigint      NOT NULL,
    group_id            bigint,
    external_id         text,
    -- attributes
    name                text,
    domain_names        jsonb,
    tags                jsonb,
    is_shared_tickets   boolean,
    is_shared_comments  boolean,
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
    PRIMARY KEY (scope, organization_id)
);

COMMENT ON TABLE core.zd_organizations IS 'Zendesk organizations: newest version of each, deleted ones flagged. One row per scope and organization_id.';
COMMENT ON COLUMN core.zd_organizations.scope IS 'Zendesk account (subdomain) the organization belongs to; part of every key.';
COMMENT ON COLUMN core.zd_organizations.organization_id IS 'Zendesk organization id.';
COMMENT ON COLUMN core.zd_organizations.group_id IS 'Group new tickets of the organization go to (core.zd_groups).';
COMMENT ON COLUMN core.zd_organizations.external_id IS 'Id of the organization in another system, as set through the API.';
COMMENT ON COLUMN core.zd_organizations.name IS 'Organization name (unique within the account).';
COMMENT ON COLUMN core.zd_organizations.domain_names IS 'Email domains whose users join the organization, as a JSON array of text.';
COMMENT ON COLUMN core.zd_organizations.tags IS 'Tags of the organization, as a JSON array of text.';
COMMENT ON COLUMN core.zd_organizations.is_shared_tickets IS 'True when members can see each other''s tickets.';
COMMENT ON COLUMN core.zd_organizations.is_shared_comments IS 'True when members can comment on each other''s tickets.';
COMMENT ON COLUMN core.zd_organizations.is_deleted IS 'True when the organization was deleted in Zendesk (deleted_at set; the row is kept).';
COMMENT ON COLUMN core.zd_organizations.created_at IS 'When the organization was created (UTC).';
COMMENT ON COLUMN core.zd_organizations.updated_at IS 'When the organization was last changed (UTC).';
COMMENT ON COLUMN core.zd_organizations.deleted_at IS 'When the organization was deleted (Zendesk deleted_at, UTC).';
COMMENT ON COLUMN core.zd_organizations._source_updated_at IS 'Version of the record in stg (updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.zd_organizations._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.zd_organizations._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.zd_organizations._updated_at IS 'When normalize last wrote this row (UTC).';
