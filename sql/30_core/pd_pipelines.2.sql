-- core.pd_pipelines, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a
-- single column of the same type: scope_key, then pipeline_key, generated from (scope_key, id) by
-- util.member_key, so they are never stale and never null. is_inferred marks members normalize adds so that no
-- fact loses its link ((none), (unknown <id>)). Grain and key unchanged: one row per pipeline per scope, key
-- (scope, pipeline_id). Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.pd_pipelines');

ALTER TABLE core.pd_pipelines
    ADD COLUMN pipeline_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, pipeline_id)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX pd_pipelines_pipeline_key_idx ON core.pd_pipelines (pipeline_key);

COMMENT ON COLUMN core.pd_pipelines.pipeline_key IS 'One-column key of the row for Power BI relationships: (scope, pipeline_id) as one bigint (util.member_key); equals pipeline_id in the first scope.';
