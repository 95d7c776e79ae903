-- core.pd_custom_field_values, re-resolved after a catalog change: runs right after core.pd_custom_fields
-- is upserted, for the fields whose catalog row changed in this run (temp table changed: scope, entity,
-- field_key). An option renamed in Pipedrive shows under its new label everywhere, without waiting for
-- the records to change. Same rendering as new values (util.pd_value_text), so both paths agree.
-- Grain: one row per existing value of a changed field. Key: (scope, entity, record_id, field_key).
-- Set-based; rows whose text does not change are not written; their records are listed in
-- _nz_pivot_records. Returns the number of rows updated.
with source as (
    select
        v.scope,
        v.entity,
        v.record_id,
        v.field_key,
        util.pd_value_text(f.field_type, f.options, f.option_labels, v.value_raw) as value_text,
        util.pd_value_numeric(f.field_type, v.value_raw)                          as value_numeric
    from changed c
    join core.pd_custom_fields f using (scope, entity, field_key)
    join core.pd_custom_field_values v using (scope, entity, field_key)
),

updated as (
    update core.pd_custom_field_values v
    set value_text = s.value_text,
        value_numeric = s.value_numeric,
        _updated_at = now()
    from source s
    where v.scope = s.scope and v.entity = s.entity and v.record_id = s.record_id and v.field_key = s.field_key
      and (v.value_text, v.value_numeric) is distinct from (s.value_text, s.value_numeric)
    returning v.scope, v.entity, v.record_id
),

pivoted as (  -- their records' rows in the custom-field tables follow (normalize/pivots.py)
    insert into _nz_pivot_records select distinct scope, entity, record_id from updated
)

select count(*) from updated
