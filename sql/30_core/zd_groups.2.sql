-- core.zd_groups, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a single
-- column of the same type: scope_key, then group_key, generated from (scope_key, id) by util.member_key, so
-- they are never stale and never null. is_inferred marks members normalize adds so that no fact loses its link
-- ((none), (unknown <id>)). Grain and key unchanged: one row per group per scope, key (scope, group_id).
-- Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.zd_groups');

ALTER TABLE core.zd_groups
    ADD COLUMN group_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, group_id)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX zd_groups_group_key_idx ON core.zd_groups (group_key);

COMMENT ON COLUMN core.zd_groups.group_key IS 'One-column key of the row for Power BI relationships: (scope, group_id) as one bigint (util.member_key); equals group_id in the first scope.';
