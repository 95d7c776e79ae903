-- core.pd_deal_custom_fields: the custom fields of Pipedrive deals as columns (Power BI), one typed column per field.
-- Grain: one row per deal per scope. Key: (scope, deal_id); deal_key relates it to core.pd_deals (one to one).
-- Pivoted by normalize/pivots.py from core.pd_custom_field_values (which stays, long) for the deals each run
-- writes, and for every deal holding a field whose catalog row changed (labels follow renames). Only the
-- base columns are created here: normalize adds one column per field when it first appears in
-- core.pd_custom_fields (named after the field's first-seen name, made unique and safe; registry
-- core.custom_columns), additively: a column Power BI uses is never renamed or dropped.
CREATE TABLE core.pd_deal_custom_fields (
    -- ids
    scope        text        NOT NULL,
    deal_id      bigint      NOT NULL,
    scope_key    integer     NOT NULL,
    deal_key     bigint      GENERATED ALWAYS AS (util.member_key(scope_key, deal_id)) STORED,
    -- lineage
    _updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, deal_id)
);

CREATE INDEX pd_deal_custom_fields_deal_key_idx ON core.pd_deal_custom_fields (deal_key);

COMMENT ON TABLE core.pd_deal_custom_fields IS 'Pipedrive deal custom fields, one column per field (core.custom_columns says which): one row per deal. Relate deal_key to core.pd_deals.deal_key.';
COMMENT ON COLUMN core.pd_deal_custom_fields.scope IS 'Pipedrive account (scope) of the deal; part of every key.';
COMMENT ON COLUMN core.pd_deal_custom_fields.deal_id IS 'Pipedrive deal id (core.pd_deals).';
COMMENT ON COLUMN core.pd_deal_custom_fields.scope_key IS 'Number of the scope (core.dim_scope); the high bits of deal_key.';
COMMENT ON COLUMN core.pd_deal_custom_fields.deal_key IS 'Key of the deal for Power BI: relate to core.pd_deals.deal_key (one to one).';
COMMENT ON COLUMN core.pd_deal_custom_fields._updated_at IS 'When normalize last wrote this row (UTC).';
