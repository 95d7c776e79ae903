-- core.zd_ticket_custom_fields: the custom fields of Zendesk tickets as columns (Power BI), one typed column per field.
-- Grain: one row per ticket per scope. Key: (scope, ticket_id); ticket_key relates it to core.zd_tickets (one to one).
-- Pivoted by normalize/pivots.py from core.zd_ticket_custom_field_values (which stays, long) for the tickets each run
-- writes, and for every ticket holding a field whose catalog row changed (labels follow renames). Only the
-- base columns are created here: normalize adds one column per field when it first appears in
-- core.zd_ticket_fields (named after the field's first-seen name, made unique and safe; registry
-- core.custom_columns), additively: a column Power BI uses is never renamed or dropped.
CREATE TABLE core.zd_ticket_custom_fields (
    -- ids
    scope        text        NOT NULL,
    ticket_id    bigint      NOT NULL,
    scope_key    integer     NOT NULL,
    ticket_key   bigint      GENERATED ALWAYS AS (util.member_key(scope_key, ticket_id)) STORED,
    -- lineage
    _updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, ticket_id)
);

CREATE INDEX zd_ticket_custom_fields_ticket_key_idx ON core.zd_ticket_custom_fields (ticket_key);

COMMENT ON TABLE core.zd_ticket_custom_fields IS 'Zendesk ticket custom fields, one column per field (core.custom_columns says which): one row per ticket. Relate ticket_key to core.zd_tickets.ticket_key.';
COMMENT ON COLUMN core.zd_ticket_custom_fields.scope IS 'Zendesk account (scope) of the ticket; part of every key.';
COMMENT ON COLUMN core.zd_ticket_custom_fields.ticket_id IS 'Zendesk ticket id (core.zd_tickets).';
COMMENT ON COLUMN core.zd_ticket_custom_fields.scope_key IS 'Number of the scope (core.dim_scope); the high bits of ticket_key.';
COMMENT ON COLUMN core.zd_ticket_custom_fields.ticket_key IS 'Key of the ticket for Power BI: relate to core.zd_tickets.ticket_key (one to one).';
COMMENT ON COLUMN core.zd_ticket_custom_fields._updated_at IS 'When normalize last wrote this row (UTC).';
