-- core.pd_custom_field_values: custom-field values of deals, persons and organizations, long format
-- (bridge). Built by normalize/pipedrive/pd_custom_field_values.sql from the records' v2 custom_fields.
-- Grain: one row per record per custom field that has a value (nulls and empty sets have no row).
-- Key: (scope, entity, record_id, field_key). A record's rows are replaced whenever a newer version of
-- the record is normalized. value_text follows the current catalog: option labels are re-resolved
-- when core.pd_custom_fields changes (rules: sql/20_util/pd_custom_values.sql).
CREATE TABLE core.pd_custom_field_values (
    -- ids
    scope               text        NOT NULL,
    entity              text        NOT NULL CHECK (entity IN ('deal', 'person', 'organization', 'activity')),
    record_id           bigint      NOT NULL,
    field_key           text        NOT NULL,
    -- values
    value_text          text,
    value_numeric       numeric,
    value_currency      text,
    value_raw           jsonb,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, entity, record_id, field_key)
);

-- Re-resolving one field's labels reads all its values.
CREATE INDEX pd_custom_field_values_field_key_idx ON core.pd_custom_field_values (scope, entity, field_key);

COMMENT ON TABLE core.pd_custom_field_values IS 'Custom-field values of Pipedrive deals, persons and organizations, one row per record and field that has a value. Join core.pd_custom_fields on (scope, entity, field_key) for the field name.';
COMMENT ON COLUMN core.pd_custom_field_values.scope IS 'Pipedrive account (tenant); part of every key.';
COMMENT ON COLUMN core.pd_custom_field_values.entity IS 'deal, person or organization: which table record_id points to.';
COMMENT ON COLUMN core.pd_custom_field_values.record_id IS 'deal_id, person_id or organization_id of the record (per entity).';
COMMENT ON COLUMN core.pd_custom_field_values.field_key IS 'Pipedrive field key (core.pd_custom_fields.field_key).';
COMMENT ON COLUMN core.pd_custom_field_values.value_text IS 'The value as text: option ids resolved to their current labels (several joined with '', '' in option order; unknown ids kept as the id); money as ''<amount> <currency>''; ranges, times and addresses as their main value.';
COMMENT ON COLUMN core.pd_custom_field_values.value_numeric IS 'The number, for number (double) and monetary fields.';
COMMENT ON COLUMN core.pd_custom_field_values.value_currency IS 'ISO 4217 currency, for monetary fields.';
COMMENT ON COLUMN core.pd_custom_field_values.value_raw IS 'The value exactly as Pipedrive sent it (JSON).';
COMMENT ON COLUMN core.pd_custom_field_values._source_updated_at IS 'Version (source_updated_at) of the record the value was read from.';
COMMENT ON COLUMN core.pd_custom_field_values._blob_path IS 'Bronze object of the record version the value was read from (lineage).';
COMMENT ON COLUMN core.pd_custom_field_values._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.pd_custom_field_values._updated_at IS 'When normalize last wrote this row (UTC).';
