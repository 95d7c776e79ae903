-- core.pd_organizations: Pipedrive organizations, the newest version of each (dimension). Built by
-- normalize/pipedrive/pd_organizations.sql from stg_pipedrive.organizations_raw (v2 shape).
-- Grain: one row per organization per scope. Key: (scope, organization_id). Deleted ones stay, flagged.
CREATE TABLE core.pd_organizations (
    -- ids
    scope               text        NOT NULL,
    organization_id     bigint      NOT NULL,
    owner_id            bigint,
    -- attributes
    name                text,
    address             text,
    address_locality    text,
    address_country     text,
    label_ids           jsonb,
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

CREATE INDEX pd_organizations_owner_id_idx ON core.pd_organizations (scope, owner_id);

COMMENT ON TABLE core.pd_organizations IS 'Pipedrive organizations: newest version of each, deleted ones flagged. One row per scope and organization_id.';
COMMENT ON COLUMN core.pd_organizations.scope IS 'Pipedrive account (tenant) the organization belongs to; part of every key.';
COMMENT ON COLUMN core.pd_organizations.organization_id IS 'Pipedrive organization id (org_id elsewhere in Pipedrive).';
COMMENT ON COLUMN core.pd_organizations.owner_id IS 'User who owns the organization (core.pd_users).';
COMMENT ON COLUMN core.pd_organizations.name IS 'Organization name.';
COMMENT ON COLUMN core.pd_organizations.address IS 'Full address as formatted by Pipedrive (else as typed).';
COMMENT ON COLUMN core.pd_organizations.address_locality IS 'City of the address.';
COMMENT ON COLUMN core.pd_organizations.address_country IS 'Country of the address.';
COMMENT ON COLUMN core.pd_organizations.label_ids IS 'Ids of the organization''s labels, as a JSON array.';
COMMENT ON COLUMN core.pd_organizations.is_deleted IS 'True when the organization was deleted in Pipedrive (the row is kept).';
COMMENT ON COLUMN core.pd_organizations.created_at IS 'When the organization was created (Pipedrive add_time, UTC).';
COMMENT ON COLUMN core.pd_organizations.updated_at IS 'When the organization was last changed in Pipedrive (update_time, UTC).';
COMMENT ON COLUMN core.pd_organizations.deleted_at IS 'When the organization was deleted (its update_time when it came back deleted, UTC).';
COMMENT ON COLUMN core.pd_organizations._source_updated_at IS 'Version of the record in stg (source_updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.pd_organizations._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.pd_organizations._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_organizations._updated_at IS 'When normalize last wrote this row (UTC).';
