-- core.zd_ticket_custom_field_values, re-rendered after a catalog change: runs right after
-- core.zd_ticket_fields is upserted, for the fields whose catalog row changed in this run (temp table
-- changed: scope, ticket_field_id). An option renamed in Zendesk shows under its new name everywhere, and a
-- field that arrives after its values were stored gets them rendered, without waiting for the tickets to
-- change. Same rendering as new values (util.zd_value_text), so both paths agree.
-- Grain: one row per existing value of a changed field. Key: (scope, ticket_id, ticket_field_id).
-- Set-based; rows whose text does not change are not written; their tickets are listed in
-- _nz_pivot_records. Returns the number of rows updated.
with source as (
    select
        v.scope,
        v.ticket_id,
        v.ticket_field_id,
        util.zd_value_text(f.type, f.option_labels, v.value_raw) as value_text,
        util.zd_value_numeric(f.type, v.value_raw)                          as value_numeric
    from changed c
    join core.zd_ticket_fields f using (scope, ticket_field_id)
    join core.zd_ticket_custom_field_values v using (scope, ticket_field_id)
),

updated as (
    update core.zd_ticket_custom_field_values v
    set value_text = s.value_text,
        value_numeric = s.value_numeric,
        _updated_at = now()
    from source s
    where v.scope = s.scope and v.ticket_id = s.ticket_id and v.ticket_field_id = s.ticket_field_id
      and (v.value_text, v.value_numeric) is distinct from (s.value_text, s.value_numeric)
    returning v.scope, v.ticket_id
),

pivoted as (  -- their tickets' rows in core.zd_ticket_custom_fields follow (normalize/pivots.py)
    insert into _nz_pivot_records select distinct scope, 'ticket', ticket_id from updated
)

select count(*) from updated
