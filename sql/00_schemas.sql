-- Schemas of the lake database. Runs first (top-level 00_ file).
-- meta:           pipeline bookkeeping (migration history, runs, loaded files, rejected rows, normalize state).
-- stg_pipedrive,
-- stg_zendesk:    silver, one {entity}_raw JSONB table per entity, every version of every record with lineage.
-- core:           gold star schema, read live by Power BI: additive changes only.
CREATE SCHEMA IF NOT EXISTS meta;
CREATE SCHEMA IF NOT EXISTS stg_pipedrive;
CREATE SCHEMA IF NOT EXISTS stg_zendesk;
CREATE SCHEMA IF NOT EXISTS core;

COMMENT ON SCHEMA meta IS 'Pipeline bookkeeping: migration history, stage runs, loaded bronze files, rejected rows, normalize state.';
COMMENT ON SCHEMA stg_pipedrive IS 'Silver: Pipedrive records as received (JSONB), every version kept, with lineage to the bronze file and line.';
COMMENT ON SCHEMA stg_zendesk IS 'Silver: Zendesk records as received (JSONB), every version kept, with lineage to the bronze file and line.';
COMMENT ON SCHEMA core IS 'Gold: typed star schema for reporting (Power BI). Tables and columns are only ever added, never dropped or renamed.';
