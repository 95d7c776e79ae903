-- meta.members_ensured: core tables whose every row has what normalize derives for Power BI: the inferred
-- members it points at (normalize/members.py), or, for a custom-field table, a row per record
-- (normalize/pivots.py). Grain: one row per core table. Key: core_table. A table not listed yet (the first
-- normalize on a fresh database, or the first after the upgrade that introduced these) is ensured whole,
-- then listed; from then on only the rows each run writes are looked at.
CREATE TABLE meta.members_ensured (
    core_table  text        PRIMARY KEY,
    ensured_at  timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE meta.members_ensured IS 'Core tables whose rows all have their inferred members (or, custom-field tables, a row per record); a table not listed is ensured whole by its next normalize.';
COMMENT ON COLUMN meta.members_ensured.core_table IS 'Core table name (without schema).';
COMMENT ON COLUMN meta.members_ensured.ensured_at IS 'When the whole table was first ensured (UTC).';
