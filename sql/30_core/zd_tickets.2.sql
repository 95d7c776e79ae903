-- core.zd_tickets, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a single
-- column of the same type: scope_key, then ticket_key, requester_key, submitter_key, assignee_key,
-- organization_key, group_key, ticket_form_key, generated from (scope_key, id) by util.member_key, so they are
-- never stale and never null. Grain and key unchanged: one row per ticket per scope, key (scope, ticket_id).
-- Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.zd_tickets', false);

ALTER TABLE core.zd_tickets
    ADD COLUMN ticket_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, ticket_id)) STORED,
    ADD COLUMN requester_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, requester_id)) STORED,
    ADD COLUMN submitter_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, submitter_id)) STORED,
    ADD COLUMN assignee_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, assignee_id)) STORED,
    ADD COLUMN organization_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, organization_id)) STORED,
    ADD COLUMN group_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, group_id)) STORED,
    ADD COLUMN ticket_form_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, ticket_form_id)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX zd_tickets_ticket_key_idx ON core.zd_tickets (ticket_key);

COMMENT ON COLUMN core.zd_tickets.ticket_key IS 'One-column key of the row for Power BI relationships: (scope, ticket_id) as one bigint (util.member_key); equals ticket_id in the first scope.';
COMMENT ON COLUMN core.zd_tickets.requester_key IS 'Key of requester_id in core.zd_users (relate to its user_key); never null: no requester is the (none) member.';
COMMENT ON COLUMN core.zd_tickets.submitter_key IS 'Key of submitter_id in core.zd_users (relate to its user_key); never null: no submitter is the (none) member.';
COMMENT ON COLUMN core.zd_tickets.assignee_key IS 'Key of assignee_id in core.zd_users (relate to its user_key); never null: no assignee is the (none) member.';
COMMENT ON COLUMN core.zd_tickets.organization_key IS 'Key of organization_id in core.zd_organizations (relate to its organization_key); never null: no organization is the (none) member.';
COMMENT ON COLUMN core.zd_tickets.group_key IS 'Key of group_id in core.zd_groups (relate to its group_key); never null: no group is the (none) member.';
COMMENT ON COLUMN core.zd_tickets.ticket_form_key IS 'Key of ticket_form_id in core.zd_ticket_forms (relate to its ticket_form_key); never null: no ticket_form is the (none) member.';
