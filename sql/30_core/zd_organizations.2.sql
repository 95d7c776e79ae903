-- core.zd_organizations, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a
-- single column of the same type: scope_key, then organization_key, group_key, generated from (scope_key, id)
-- by util.member_key, so they are never stale and never null. is_inferred marks members normalize adds so that
-- no fact loses its link ((none), (unknown <id>)). Grain and key unchanged: one row per organization per
-- scope, key (scope, organization_id). Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.zd_organizations');

ALTER TABLE core.zd_organizations
    ADD COLUMN organization_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, organization_id)) STORED,
    ADD COLUMN group_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, group_id)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX zd_organizations_organization_key_idx ON core.zd_organizations (organization_key);

COMMENT ON COLUMN core.zd_organizations.organization_key IS 'One-column key of the row for Power BI relationships: (scope, organization_id) as one bigint (util.member_key); equals organization_id in the first scope.';
COMMENT ON COLUMN core.zd_organizations.group_key IS 'Key of group_id in core.zd_groups (relate to its group_key); never null: no group is the (none) member.';
