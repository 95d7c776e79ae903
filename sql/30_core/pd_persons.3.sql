-- core.pd_persons, version 3: one-column keys for Power BI (docs/powerbi.md), which relates tables on a single
-- column of the same type: scope_key, then person_key, organization_key, owner_key, created_date, generated
-- from (scope_key, id) by util.member_key and the UTC days of their timestamps (util.report_date), so they are
-- never stale and never null. is_inferred marks members normalize adds so that no fact loses its link ((none),
-- (unknown <id>)). Grain and key unchanged: one row per person per scope, key (scope, person_id). Additive
-- only: Power BI reads this table live.
CALL util.add_scope_key('core.pd_persons');

ALTER TABLE core.pd_persons
    ADD COLUMN person_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, person_id)) STORED,
    ADD COLUMN organization_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, organization_id)) STORED,
    ADD COLUMN owner_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, owner_id)) STORED,
    ADD COLUMN created_date date GENERATED ALWAYS AS (util.report_date(created_at)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX pd_persons_person_key_idx ON core.pd_persons (person_key);

COMMENT ON COLUMN core.pd_persons.person_key IS 'One-column key of the row for Power BI relationships: (scope, person_id) as one bigint (util.member_key); equals person_id in the first scope.';
COMMENT ON COLUMN core.pd_persons.organization_key IS 'Key of organization_id in core.pd_organizations (relate to its organization_key); never null: no organization is the (none) member.';
COMMENT ON COLUMN core.pd_persons.owner_key IS 'Key of owner_id in core.pd_users (relate to its user_key); never null: no owner is the (none) member.';
COMMENT ON COLUMN core.pd_persons.created_date IS 'Day the person was created: created_at as a UTC date (relate to core.dim_date.date_day); null when unset or outside 1990..2100.';
