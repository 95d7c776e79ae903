-- core.zd_ticket_custom_field_values <- the custom_fields array of tickets (api/zendesk.md §5.1, §6.10);
-- the duplicate `fields` array is ignored. Grain: one row per ticket per custom field with a value.
-- Key: (scope, ticket_id, ticket_field_id).
-- Runs after core.zd_tickets, on temp view winners: this run's ticket versions that are now the stored
-- ones. Each winner's values are replaced: changed ones upserted, ones gone, null, "" or [] deleted (by
-- key); rows that would not change are not written. An entry without a numeric id is skipped; an id
-- listed twice keeps its first entry. Rendered against core.zd_ticket_fields (util.zd_value_text; a field
-- not in the catalog yet gets the raw value and is re-rendered when it arrives, zd_ticket_fields_resolve).
-- Returns the rows written (upserted + deleted). Stored rows are looked up before any write, by
-- primary-key probes (LATERAL ... OFFSET 0), as in normalize/pipedrive/pd_custom_field_values.sql.
create temp table _tcv_records on commit drop as
select
    scope,
    util.try_bigint(record_id)                      as ticket_id,
    case jsonb_typeof(doc->'custom_fields') when 'array' then doc->'custom_fields' end as custom_fields,
    source_updated_at                               as _source_updated_at,
    _blob_path,
    _line_no
from winners;

-- every winner's row in core.zd_ticket_custom_fields is rewritten after this script (normalize/pivots.py)
insert into _nz_pivot_records select scope, 'ticket', ticket_id from _tcv_records where ticket_id is not null;

-- every winner's values that hold one (first entry per field id)
create temp table _tcv_values on commit drop as
select * from (
    select distinct on (r.scope, r.ticket_id, f.ticket_field_id)
        r.scope, r.ticket_id, f.ticket_field_id, f.value, r._source_updated_at, r._blob_path, r._line_no
    from _tcv_records r
    cross join lateral (
        select util.try_bigint(e.cf->>'id') as ticket_field_id, e.cf->'value' as value, e.pos
        from jsonb_array_elements(r.custom_fields) with ordinality as e(cf, pos)
        where jsonb_typeof(e.cf) = 'object'
    ) as f
    where f.ticket_field_id is not null
    order by r.scope, r.ticket_id, f.ticket_field_id, f.pos
) as v
where util.zd_has_value(v.value);

-- the values to write: new ones, and those that differ from the stored row
create temp table _tcv_new on commit drop as
select n.*
from (
    select
        -- ids
        w.scope, w.ticket_id, w.ticket_field_id,
        -- values
        util.zd_value_text(f.type, f.option_labels, w.value) as value_text,
        util.zd_value_numeric(f.type, w.value)      as value_numeric,
        w.value                                     as value_raw,
        -- lineage
        w._source_updated_at, w._blob_path, w._line_no
    from _tcv_values w
    left join core.zd_ticket_fields f on f.scope = w.scope and f.ticket_field_id = w.ticket_field_id
    offset 0
) as n
left join lateral (
    select x.* from core.zd_ticket_custom_field_values x
    where x.scope = n.scope and x.ticket_id = n.ticket_id and x.ticket_field_id = n.ticket_field_id
    offset 0
) as s on true
where s.ticket_field_id is null
   or (s.value_text, s.value_numeric, s.value_raw, s._source_updated_at, s._blob_path, s._line_no)
      is distinct from (n.value_text, n.value_numeric, n.value_raw, n._source_updated_at, n._blob_path, n._line_no);

-- stored values the ticket no longer has (field gone from custom_fields, or null/empty now)
create temp table _tcv_gone on commit drop as
select v.scope, v.ticket_id, v.ticket_field_id
from _tcv_records r
cross join lateral (
    select x.scope, x.ticket_id, x.ticket_field_id from core.zd_ticket_custom_field_values x
    where x.scope = r.scope and x.ticket_id = r.ticket_id offset 0
) as v
where not exists (select 1 from _tcv_values w
                  where w.scope = v.scope and w.ticket_id = v.ticket_id and w.ticket_field_id = v.ticket_field_id);

with removed as (
    delete from core.zd_ticket_custom_field_values
    where (scope, ticket_id, ticket_field_id) in (select scope, ticket_id, ticket_field_id from _tcv_gone)
    returning 1
),

upserted as (
    insert into core.zd_ticket_custom_field_values as v (scope, ticket_id, ticket_field_id, value_text,
        value_numeric, value_raw, _source_updated_at, _blob_path, _line_no, _updated_at)
    select scope, ticket_id, ticket_field_id, value_text, value_numeric, value_raw,
           _source_updated_at, _blob_path, _line_no, now()
    from _tcv_new
    on conflict (scope, ticket_id, ticket_field_id) do update
    set value_text = excluded.value_text, value_numeric = excluded.value_numeric, value_raw = excluded.value_raw,
        _source_updated_at = excluded._source_updated_at, _blob_path = excluded._blob_path,
        _line_no = excluded._line_no, _updated_at = excluded._updated_at
    returning 1
)

select (select count(*) from removed) + (select count(*) from upserted)
