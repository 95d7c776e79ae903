-- core.zd_ticket_forms, version 2: one-column keys for Power BI (docs/powerbi.md), which relates tables on a
-- single column of the same type: scope_key, then ticket_form_key, generated from (scope_key, id) by
-- util.member_key, so they are never stale and never null. is_inferred marks members normalize adds so that no
-- fact loses its link ((none), (unknown <id>)). Grain and key unchanged: one row per ticket form per scope,
-- key (scope, ticket_form_id). Additive only: Power BI reads this table live.
CALL util.add_scope_key('core.zd_ticket_forms');

ALTER TABLE core.zd_ticket_forms
    ADD COLUMN ticket_form_key bigint GENERATED ALWAYS AS (util.member_key(scope_key, ticket_form_id)) STORED;

-- the one side of relationships: Power BI joins and probes by it
CREATE INDEX zd_ticket_forms_ticket_form_key_idx ON core.zd_ticket_forms (ticket_form_key);

COMMENT ON COLUMN core.zd_ticket_forms.ticket_form_key IS 'One-column key of the row for Power BI relationships: (scope, ticket_form_id) as one bigint (util.member_key); equals ticket_form_id in the first scope.';
