-- core.pd_organization_custom_fields: the custom fields of Pipedrive organizations as columns (Power BI), one typed column per field.
-- Grain: one row per organization per scope. Key: (scope, organization_id); organization_key relates it to core.pd_organizations (one to one).
-- Pivoted by normalize/pivots.py from core.pd_custom_field_values (which stays, long) for the organizations each run
-- writes, and for every organization holding a field whose catalog row changed (labels follow renames). Only the
-- base columns are created here: normalize adds one column per field when it first appears in
-- core.pd_custom_fields (named after the field's first-seen name, made unique and safe; registry
-- core.custom_columns), additively: a column Power BI uses is never renamed or dropped.
CREATE TABLE core.pd_organization_custom_fields (
    -- ids
    scope        text        NOT NULL,
    organization_id bigint      NOT NULL,
    scope_key    integer     NOT NULL,
    organization_key bigint      GENERATED ALWAYS AS (util.member_key(scope_key, organization_id)) STORED,
    -- lineage
    _updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, organization_id)
);

CREATE INDEX pd_organization_custom_fields_organization_key_idx ON core.pd_organization_custom_fields (organization_key);

COMMENT ON TABLE core.pd_organization_custom_fields IS 'Pipedrive organization custom fields, one column per field (core.custom_columns says which): one row per organization. Relate organization_key to core.pd_organizations.organization_key.';
COMMENT ON COLUMN core.pd_organization_custom_fields.scope IS 'Pipedrive account (scope) of the organization; part of every key.';
COMMENT ON COLUMN core.pd_organization_custom_fields.organization_id IS 'Pipedrive organization id (core.pd_organizations).';
COMMENT ON COLUMN core.pd_organization_custom_fields.scope_key IS 'Number of the scope (core.dim_scope); the high bits of organization_key.';
COMMENT ON COLUMN core.pd_organization_custom_fields.organization_key IS 'Key of the organization for Power BI: relate to core.pd_organizations.organization_key (one to one).';
COMMENT ON COLUMN core.pd_organization_custom_fields._updated_at IS 'When normalize last wrote this row (UTC).';
