-- core.zd_ticket_fields: catalog of Zendesk ticket fields, system and custom (dimension). Built by
-- normalize/zendesk/zd_ticket_fields.sql from stg_zendesk.ticket_fields_raw (list, full refresh each run).
-- Grain: one row per ticket field per scope. Key: (scope, ticket_field_id).
-- title is the FIRST title seen and never changes (Power BI columns are named after it); current_title
-- follows renames in Zendesk. option_labels resolves ticket values (core.zd_ticket_custom_field_values).
CREATE TABLE core.zd_ticket_fields (
    -- ids
    scope               text        NOT NULL,
    ticket_field_id     bigint      NOT NULL,
    -- attributes
    title               text,
    current_title       text,
    type                text,
    tag                 text,
    description         text,
    position            integer,
    options             jsonb,
    option_labels       jsonb,
    is_custom           boolean,
    is_active           boolean,
    is_required         boolean,
    -- timestamps
    created_at          timestamptz,
    updated_at          timestamptz,
    -- lineage
    _source_updated_at  timestamptz,
    _blob_path          text        NOT NULL,
    _line_no            integer     NOT NULL,
    _updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, ticket_field_id)
);

COMMENT ON TABLE core.zd_ticket_fields IS 'Zendesk ticket fields (system and custom). One row per scope and ticket_field_id.';
COMMENT ON COLUMN core.zd_ticket_fields.scope IS 'Zendesk account (subdomain); part of every key. Field ids differ between accounts.';
COMMENT ON COLUMN core.zd_ticket_fields.ticket_field_id IS 'Zendesk ticket field id: the id in tickets'' custom_fields; never changes.';
COMMENT ON COLUMN core.zd_ticket_fields.title IS 'Title the field had when first seen. Kept when the field is renamed in Zendesk, so report columns keep their name.';
COMMENT ON COLUMN core.zd_ticket_fields.current_title IS 'Title the field has in Zendesk now.';
COMMENT ON COLUMN core.zd_ticket_fields.type IS 'Zendesk field type: system (subject, description, status, tickettype, priority, group, assignee, custom_status...) or custom (text, textarea, checkbox, date, integer, decimal, regexp, tagger/dropdown, multiselect, lookup...).';
COMMENT ON COLUMN core.zd_ticket_fields.tag IS 'For a checkbox: the tag added to a ticket when it is checked.';
COMMENT ON COLUMN core.zd_ticket_fields.description IS 'Description of the field shown to end users.';
COMMENT ON COLUMN core.zd_ticket_fields.position IS 'Position of the field in Zendesk''s list.';
COMMENT ON COLUMN core.zd_ticket_fields.options IS 'For dropdown/multiselect fields: the options as Zendesk lists them ([{id, name, value, ...}], in order; value is the tag tickets carry).';
COMMENT ON COLUMN core.zd_ticket_fields.option_labels IS 'For dropdown/multiselect fields: option tag value -> current option name, as a JSON object (used to render values).';
COMMENT ON COLUMN core.zd_ticket_fields.is_custom IS 'False for Zendesk''s system fields (by type, or removable false); true for fields the account created.';
COMMENT ON COLUMN core.zd_ticket_fields.is_active IS 'False when the field was deactivated in Zendesk.';
COMMENT ON COLUMN core.zd_ticket_fields.is_required IS 'True when agents must fill the field to solve a ticket.';
COMMENT ON COLUMN core.zd_ticket_fields.created_at IS 'When the field was created (UTC).';
COMMENT ON COLUMN core.zd_ticket_fields.updated_at IS 'When the field or its options last changed (UTC).';
COMMENT ON COLUMN core.zd_ticket_fields._source_updated_at IS 'Version of the catalog row in stg (updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.zd_ticket_fields._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.zd_ticket_fields._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.zd_ticket_fields._updated_at IS 'When normalize last wrote this row (UTC).';
