-- core.zd_ticket_custom_field_values: custom-field values of Zendesk tickets, long format (bridge). Built by
-- normalize/zendesk/zd_ticket_custom_field_values.sql from the custom_fields array of the ticket version
-- stored in core.zd_tickets. Grain: one row per ticket per field that has a value (null, "" and [] have
-- no row). Key: (scope, ticket_id, ticket_field_id). A ticket's rows are replaced whenever a newer version
-- of the ticket is normalized. value_text follows the current catalog: option names are re-rendered when
-- core.zd_ticket_fields changes (rules: sql/20_util/zd_custom_values.sql).
CREATE TABLE core.zd_ticket_custom_field_values (
    -- ids
    scope               text        NOT NULL,
    ticket_id           bigint      NOT NULL,
    ticket_field_id     bigint      NOT NULL,
    -- values
    value_text          text,
    value_numeric       numeric,
    value_raw           jsonb,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, ticket_id, ticket_field_id)
);

-- Re-rendering one field's values reads all of them.
CREATE INDEX zd_ticket_custom_field_values_field_id_idx ON core.zd_ticket_custom_field_values (scope, ticket_field_id);

COMMENT ON TABLE core.zd_ticket_custom_field_values IS 'Custom-field values of Zendesk tickets, one row per ticket and field that has a value. Join core.zd_ticket_fields on (scope, ticket_field_id) for the field title.';
COMMENT ON COLUMN core.zd_ticket_custom_field_values.scope IS 'Zendesk account (subdomain); part of every key.';
COMMENT ON COLUMN core.zd_ticket_custom_field_values.ticket_id IS 'The ticket (core.zd_tickets).';
COMMENT ON COLUMN core.zd_ticket_custom_field_values.ticket_field_id IS 'The field (core.zd_ticket_fields).';
COMMENT ON COLUMN core.zd_ticket_custom_field_values.value_text IS 'The value as text: dropdown tags rendered as their current option name (the tag when unknown), multiselect names joined with '', '' in the order sent, checkbox ''true''/''false'', numbers and dates as sent.';
COMMENT ON COLUMN core.zd_ticket_custom_field_values.value_numeric IS 'The number, for integer and decimal fields.';
COMMENT ON COLUMN core.zd_ticket_custom_field_values.value_raw IS 'The value exactly as Zendesk sent it (JSON).';
COMMENT ON COLUMN core.zd_ticket_custom_field_values._source_updated_at IS 'Version (generated_timestamp) of the ticket the value was read from.';
COMMENT ON COLUMN core.zd_ticket_custom_field_values._blob_path IS 'Bronze object of the ticket version the value was read from (lineage).';
COMMENT ON COLUMN core.zd_ticket_custom_field_values._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.zd_ticket_custom_field_values._updated_at IS 'When normalize last wrote this row (UTC).';
