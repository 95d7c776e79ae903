-- core.pd_stages, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a single
-- column of the same type: scope_key, then stage_key, pipeline_key, generated from (scope_key, id) by
-- util.member_key, so they are never stale and never null. is_inferred marks members normalize adds so that no
-- fact loses its link ((none), (unknown <id>)). Grain and key unchanged: one row per stage per scope, key
-- (scope, stage_id). Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.pd_stages');

ALTER TABLE core.pd_stages
    ADD COLUMN stage_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, stage_id)) STORED,
    ADD COLUMN pipeline_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, pipeline_id)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX pd_stages_stage_key_idx ON core.pd_stages (stage_key);

COMMENT ON COLUMN core.pd_stages.stage_key IS 'One-column key of the row for Power BI relationships: (scope, stage_id) as one bigint (util.member_key); equals stage_id in the first scope.';
COMMENT ON COLUMN core.pd_stages.pipeline_key IS 'Key of pipeline_id in core.pd_pipelines (relate to its pipeline_key); never null: no pipeline is the (none) member.';
