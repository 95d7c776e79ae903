-- core.pd_custom_fields: catalog of Pipedrive custom fields (dimension). Built by
-- normalize/pipedrive/pd_custom_fields.sql from stg_pipedrive.{deal,person,organization,activity}_fields_raw
-- (v1 *Fields). Only custom fields (edit_flag true, 40-hex keys); subfield rows (e.g. <key>_currency)
-- are left out: v2 nests them in the parent's value.
-- Grain: one row per custom field per entity per scope. Key: (scope, entity, field_key).
-- field_name is the FIRST name seen and never changes (Power BI columns are named after it);
-- current_name follows renames in Pipedrive.
CREATE TABLE core.pd_custom_fields (
    -- ids
    scope               text        NOT NULL,
    entity              text        NOT NULL CHECK (entity IN ('deal', 'person', 'organization', 'activity')),
    field_key           text        NOT NULL,
    field_id            bigint,
    -- attributes
    field_name          text,
    current_name        text,
    field_type          text,
    options             jsonb,
    option_labels       jsonb,
    order_nr            integer,
    is_active           boolean,
    -- timestamps
    created_at          timestamptz,
    updated_at          timestamptz,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, entity, field_key)
);

COMMENT ON TABLE core.pd_custom_fields IS 'Pipedrive custom fields of deals, persons, organizations and activities. One row per scope, entity and field_key.';
COMMENT ON COLUMN core.pd_custom_fields.scope IS 'Pipedrive account (tenant); part of every key. Keys differ between accounts.';
COMMENT ON COLUMN core.pd_custom_fields.entity IS 'deal, person, organization or activity.';
COMMENT ON COLUMN core.pd_custom_fields.field_key IS 'Pipedrive field key (40-hex hash): the key in records'' custom_fields; never changes.';
COMMENT ON COLUMN core.pd_custom_fields.field_id IS 'Pipedrive numeric id of the field.';
COMMENT ON COLUMN core.pd_custom_fields.field_name IS 'Name the field had when first seen. Kept when the field is renamed in Pipedrive, so report columns keep their name.';
COMMENT ON COLUMN core.pd_custom_fields.current_name IS 'Name the field has in Pipedrive now.';
COMMENT ON COLUMN core.pd_custom_fields.field_type IS 'Pipedrive field type: varchar, text, double, monetary, enum, set, date, user, address...';
COMMENT ON COLUMN core.pd_custom_fields.options IS 'For enum/set fields: the options as Pipedrive lists them ([{id, label, ...}], in order).';
COMMENT ON COLUMN core.pd_custom_fields.option_labels IS 'For enum/set fields: option id -> current label, as a JSON object (used to resolve values).';
COMMENT ON COLUMN core.pd_custom_fields.order_nr IS 'Position of the field in Pipedrive''s field list.';
COMMENT ON COLUMN core.pd_custom_fields.is_active IS 'False when the field was deactivated in Pipedrive (active_flag).';
COMMENT ON COLUMN core.pd_custom_fields.created_at IS 'When the field was created (Pipedrive add_time, UTC).';
COMMENT ON COLUMN core.pd_custom_fields.updated_at IS 'When the field or its options last changed (update_time, UTC).';
COMMENT ON COLUMN core.pd_custom_fields._source_updated_at IS 'Version of the catalog row in stg (source_updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.pd_custom_fields._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.pd_custom_fields._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_custom_fields._updated_at IS 'When normalize last wrote this row (UTC).';
