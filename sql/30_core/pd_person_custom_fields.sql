-- core.pd_person_custom_fields: the custom fields of Pipedrive persons as columns (Power BI), one typed column per field.
-- Grain: one row per person per scope. Key: (scope, person_id); person_key relates it to core.pd_persons (one to one).
-- Pivoted by normalize/pivots.py from core.pd_custom_field_values (which stays, long) for the persons each run
-- writes, and for every person holding a field whose catalog row changed (labels follow renames). Only the
-- base columns are created here: normalize adds one column per field when it first appears in
-- core.pd_custom_fields (named after the field's first-seen name, made unique and safe; registry
-- core.custom_columns), additively: a column Power BI uses is never renamed or dropped.
CREATE TABLE core.pd_person_custom_fields (
    -- ids
    scope        text        NOT NULL,
    person_id    bigint      NOT NULL,
    scope_key    integer     NOT NULL,
    person_key   bigint      GENERATED ALWAYS AS (util.member_key(scope_key, person_id)) STORED,
    -- lineage
    _updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, person_id)
);

CREATE INDEX pd_person_custom_fields_person_key_idx ON core.pd_person_custom_fields (person_key);

COMMENT ON TABLE core.pd_person_custom_fields IS 'Pipedrive person custom fields, one column per field (core.custom_columns says which): one row per person. Relate person_key to core.pd_persons.person_key.';
COMMENT ON COLUMN core.pd_person_custom_fields.scope IS 'Pipedrive account (scope) of the person; part of every key.';
COMMENT ON COLUMN core.pd_person_custom_fields.person_id IS 'Pipedrive person id (core.pd_persons).';
COMMENT ON COLUMN core.pd_person_custom_fields.scope_key IS 'Number of the scope (core.dim_scope); the high bits of person_key.';
COMMENT ON COLUMN core.pd_person_custom_fields.person_key IS 'Key of the person for Power BI: relate to core.pd_persons.person_key (one to one).';
COMMENT ON COLUMN core.pd_person_custom_fields._updated_at IS 'When normalize last wrote this row (UTC).';
