-- core.zd_ticket_forms: Zendesk ticket forms (which fields a ticket shows), newest version of each (dimension).
-- Built by normalize/zendesk/zd_ticket_forms.sql from stg_zendesk.ticket_forms_raw (list, full refresh;
-- a plan feature, so the table may stay empty). Grain: one row per form per scope. Key: (scope, ticket_form_id).
-- Deleted forms stay, flagged (Zendesk's deleted_at is set).
CREATE TABLE core.zd_ticket_forms (
    -- ids
    scope                 text        NOT NULL,
    ticket_form_id        bigint      NOT NULL,
    -- attributes
    name                  text,
    display_name          text,
    position              integer,
    ticket_field_ids      jsonb,
    restricted_brand_ids  jsonb,
    is_active             boolean,
    is_default            boolean,
    is_end_user_visible   boolean,
    is_in_all_brands      boolean,
    is_deleted            boolean     NOT NULL DEFAULT false,
    -- timestamps
    created_at            timestamptz,
    updated_at            timestamptz,
    deleted_at            timestamptz,
    -- lineage
    _source_updated_at    timestamptz,
    _blob_path            text        NOT NULL,
    _line_no              integer     NOT NULL,
    _updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, ticket_form_id)
);

COMMENT ON TABLE core.zd_ticket_forms IS 'Zendesk ticket forms: newest version of each, deleted ones flagged. One row per scope and ticket_form_id.';
COMMENT ON COLUMN core.zd_ticket_forms.scope IS 'Zendesk account (subdomain) the form belongs to; part of every key.';
COMMENT ON COLUMN core.zd_ticket_forms.ticket_form_id IS 'Zendesk ticket form id (core.zd_tickets.ticket_form_id).';
COMMENT ON COLUMN core.zd_ticket_forms.name IS 'Form name as agents see it.';
COMMENT ON COLUMN core.zd_ticket_forms.display_name IS 'Form name as end users see it.';
COMMENT ON COLUMN core.zd_ticket_forms.position IS 'Position of the form in Zendesk''s list.';
COMMENT ON COLUMN core.zd_ticket_forms.ticket_field_ids IS 'Ticket fields on the form, in order, as a JSON array of ids (core.zd_ticket_fields).';
COMMENT ON COLUMN core.zd_ticket_forms.restricted_brand_ids IS 'Brands the form is limited to, as a JSON array of ids (when not in all brands).';
COMMENT ON COLUMN core.zd_ticket_forms.is_active IS 'True while the form can be used.';
COMMENT ON COLUMN core.zd_ticket_forms.is_default IS 'True for the account''s default form.';
COMMENT ON COLUMN core.zd_ticket_forms.is_end_user_visible IS 'True when end users can pick the form.';
COMMENT ON COLUMN core.zd_ticket_forms.is_in_all_brands IS 'True when the form is available in every brand.';
COMMENT ON COLUMN core.zd_ticket_forms.is_deleted IS 'True when the form was deleted in Zendesk (deleted_at set; the row is kept).';
COMMENT ON COLUMN core.zd_ticket_forms.created_at IS 'When the form was created (UTC).';
COMMENT ON COLUMN core.zd_ticket_forms.updated_at IS 'When the form was last changed (UTC).';
COMMENT ON COLUMN core.zd_ticket_forms.deleted_at IS 'When the form was deleted (Zendesk deleted_at, UTC).';
COMMENT ON COLUMN core.zd_ticket_forms._source_updated_at IS 'Version of the record in stg (updated_at): a row is only replaced by a version at least as new.';
COMMENT ON COLUMN core.zd_ticket_forms._blob_path IS 'Bronze object the row''s version came from (lineage).';
COMMENT ON COLUMN core.zd_ticket_forms._line_no IS 'Line in that bronze object (lineage).';
COMMENT ON COLUMN core.zd_ticket_forms._updated_at IS 'When normalize last wrote this row (UTC).';
