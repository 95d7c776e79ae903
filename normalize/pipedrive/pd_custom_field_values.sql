-- core.pd_custom_field_values <- the v2 custom_fields object of deals, persons, organizations
-- (api/pipedrive.md §4.1); entity from the stg entity name (deals -> deal).
-- Grain: one row per record per custom field with a value. Key: (scope, entity, record_id, field_key).
-- Runs after the record's own table, on temp view winners: this run's versions that are now the stored
-- ones (an older version replayed late is not a winner). Each winner's values are replaced: changed ones
-- upserted, ones gone or null deleted; rows that would not change are not written. Labels resolved
-- against core.pd_custom_fields (util.pd_value_text; a field not in the catalog yet is re-resolved when
-- it arrives). Returns the number of rows written (upserted + deleted).
-- The stored values are looked up in statements of their own, before any write: a probe inside the
-- inserting statement walks the index entries that statement adds (quadratic on a first full run), and
-- ON CONFLICT alone would lock, i.e. write, every conflicting row even when its WHERE says no. Lookups
-- are LATERAL ... OFFSET 0 (never flattened): one primary-key probe per record or value, where a join
-- would be planned as a hash of the whole table (14M rows: 20 s for a 1 % change).
create temp table _cfv_records on commit drop as
select
    scope,
    regexp_replace(regexp_replace(_entity, 'ies$', 'y'), 's$', '') as entity,
    util.try_bigint(record_id)                  as record_id,
    case jsonb_typeof(doc->'custom_fields') when 'object' then doc->'custom_fields' end as custom_fields,
    source_updated_at                           as _source_updated_at,
    _blob_path,
    _line_no
from winners;

-- every winner's row in its custom-field table is rewritten after this script (normalize/pivots.py)
insert into _nz_pivot_records select scope, entity, record_id from _cfv_records where record_id is not null;

-- the values to write: new ones, and those that differ from the stored row (values stored exactly so
-- already are not written again)
create temp table _cfv_new on commit drop as
select n.*
from (
    select
        -- ids
        r.scope, r.entity, r.record_id, cf.key      as field_key,
        -- values
        util.pd_value_text(f.field_type, f.options, f.option_labels, cf.value) as value_text,
        util.pd_value_numeric(f.field_type, cf.value) as value_numeric,
        case jsonb_typeof(cf.value) when 'object' then cf.value->>'currency' end as value_currency,
        cf.value                                    as value_raw,
        -- lineage
        r._source_updated_at, r._blob_path, r._line_no
    from _cfv_records r
    cross join lateral jsonb_each(r.custom_fields) as cf
    left join core.pd_custom_fields f on f.scope = r.scope and f.entity = r.entity and f.field_key = cf.key
    where util.pd_has_value(cf.value)
    offset 0
) as n
left join lateral (
    select x.* from core.pd_custom_field_values x
    where x.scope = n.scope and x.entity = n.entity and x.record_id = n.record_id and x.field_key = n.field_key
    offset 0
) as s on true
where s.field_key is null
   or (s.value_text, s.value_numeric, s.value_currency, s.value_raw, s._blob_path, s._line_no)
      is distinct from (n.value_text, n.value_numeric, n.value_currency, n.value_raw, n._blob_path, n._line_no);

-- stored values the record no longer has (key gone, or null/empty now)
create temp table _cfv_gone on commit drop as
select v.ctid as stored_row
from _cfv_records r
cross join lateral (
    select x.ctid, x.field_key from core.pd_custom_field_values x
    where x.scope = r.scope and x.entity = r.entity and x.record_id = r.record_id offset 0
) as v
where not util.pd_has_value(r.custom_fields -> v.field_key);

with removed as (
    delete from core.pd_custom_field_values
    where ctid = any (array(select stored_row from _cfv_gone))
    returning 1
),

upserted as (
    insert into core.pd_custom_field_values as v (scope, entity, record_id, field_key, value_text, value_numeric,
        value_currency, value_raw, _source_updated_at, _blob_path, _line_no, _updated_at)
    select scope, entity, record_id, field_key, value_text, value_numeric, value_currency, value_raw,
           _source_updated_at, _blob_path, _line_no, now()
    from _cfv_new
    on conflict (scope, entity, record_id, field_key) do update
    set value_text = excluded.value_text, value_numeric = excluded.value_numeric,
        value_currency = excluded.value_currency, value_raw = excluded.value_raw,
        _source_updated_at = excluded._source_updated_at, _blob_path = excluded._blob_path,
        _line_no = excluded._line_no, _updated_at = excluded._updated_at
    returning 1
)

select (select count(*) from removed) + (select count(*) from upserted)
