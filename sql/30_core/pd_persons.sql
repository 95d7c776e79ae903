-- core.pd_persons: Pipedrive persons (contacts), the newest version of each (dimension). Built by
-- normalize/pipedrive/pd_persons.sql from stg_pipedrive.persons_raw (v2 shape).
-- Grain: one row per person per scope. Key: (scope, person_id). Deleted persons stay, flagged.
CREATE TABLE core.pd_persons (
    -- ids
    scope               text        NOT NULL,
    person_id           bigint      NOT NULL,
    organization_id     bigint,
    owner_id            bigint,
    -- attributes
    name                text,
    first_name          text,
    last_name           text,
    primary_email       text,
    primary_phone       text,
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
    PRIMARY KEY (scope, person_id)
);

CREATE INDEX pd_persons_organization_id_idx ON core.pd_persons (scope, organization_id);
CREATE INDEX pd_persons_owner_id_idx ON core.pd_persons (scope, owner_id);

COMMENT ON TABLE core.pd_persons IS 'Pipedrive persons (contacts): newest version of each, deleted ones flagged. One row per scope and person_id.';
COMMENT ON COLUMN core.pd_persons.scope IS 'Pipedrive account (tenant) the person belongs to; part of every key.';
COMMENT ON COLUMN core.pd_persons.person_id IS 'Pipedrive person id.';
COMMENT ON COLUMN core.pd_persons.organization_id IS 'Organization the person belongs to (core.pd_organizations); Pipedrive org_id.';
COMMENT ON COLUMN core.pd_persons.owner_id IS 'User who owns the person (core.pd_users).';
COMMENT ON COLUMN core.pd_persons.name IS 'Full name.';
COMMENT ON COLUMN core.pd_persons.first_name IS 'First name.';
COMMENT ON COLUMN core.pd_persons.last_name IS 'Last name.';
COMMENT ON COLUMN core.pd_persons.primary_email IS 'The email marked primary (else the first one); null when none.';
COMMENT ON COLUMN core.pd_persons.primary_phone IS 'The phone marked primary (else the first one); null when none.';
COMMENT ON COLUMN core.pd_persons.label_ids IS 'Ids of the person''s labels, as a JSON array.';
COMMENT ON COLUMN core.pd_persons.is_deleted IS 'True when the person was deleted in Pipedrive (the row is kept).';
COMMENT ON COLUMN core.pd_persons.created_at IS 'When the person was created (Pipedrive add_time, UTC).';
COMMENT ON COLUMN core.pd_persons.updated_at IS 'When the person was last changed in Pipedrive (update_time, UTC).';
COMMENT ON COLUMN core.pd_persons.deleted_at IS 'When the person was deleted (its update_time when it came back deleted, UTC).';
COMMENT ON COLUMN core.pd_persons._source_updated_at IS 'Version of the record in stg (source_updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.pd_persons._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.pd_persons._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_persons._updated_at IS 'When normalize last wrote this row (UTC).';
