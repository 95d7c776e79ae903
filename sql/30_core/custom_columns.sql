-- core.custom_columns: which column of which custom-field table holds which custom field (catalog for the
-- Power BI author, and normalize's memory of the names it gave). Filled by normalize/pivots.py when a field
-- first appears in its source's catalog. Grain: one row per custom field per custom-field table per
-- scope. Key: (scope, table_name, field_key). A column keeps its name for ever, whatever the field is
-- renamed to in the CRM: Power BI reports refer to it by name.
CREATE TABLE core.custom_columns (
    -- ids
    scope            text        NOT NULL,
    table_name       text        NOT NULL,
    field_key        text        NOT NULL,
    -- attributes
    column_name      text        NOT NULL,
    currency_column  text,
    column_type      text        NOT NULL,
    field_name       text,
    field_type       text,
    -- timestamps
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, table_name, field_key)
);

COMMENT ON TABLE core.custom_columns IS 'Custom fields published as columns: one row per field and custom-field table (core.pd_deal_custom_fields, core.zd_ticket_custom_fields...).';
COMMENT ON COLUMN core.custom_columns.scope IS 'Account (scope) whose catalog holds the field.';
COMMENT ON COLUMN core.custom_columns.table_name IS 'The custom-field table (in core) that has the column.';
COMMENT ON COLUMN core.custom_columns.field_key IS 'The field in its catalog: Pipedrive field key (core.pd_custom_fields.field_key) or Zendesk ticket_field_id, as text.';
COMMENT ON COLUMN core.custom_columns.column_name IS 'The column: the field''s first-seen name in lower snake_case, made unique within the table; never renamed.';
COMMENT ON COLUMN core.custom_columns.currency_column IS 'For a money field: the column holding its ISO 4217 currency.';
COMMENT ON COLUMN core.custom_columns.column_type IS 'PostgreSQL type of the column: numeric, date, boolean, bigint or text.';
COMMENT ON COLUMN core.custom_columns.field_name IS 'Name (Pipedrive) or title (Zendesk) of the field when first seen.';
COMMENT ON COLUMN core.custom_columns.field_type IS 'Field type in the source when first seen (e.g. monetary, enum, set, date; tagger, multiselect, checkbox).';
COMMENT ON COLUMN core.custom_columns.created_at IS 'When normalize added the column (UTC).';
