-- core.zd_ticket_tags <- the tags array of tickets (api/zendesk.md §5.1).
-- Grain: one row per ticket per tag. Key: (scope, ticket_id, tag).
-- Runs after core.zd_tickets, on temp view winners: this run's ticket versions that are now the stored
-- ones (an older version replayed late is not a winner). Each winner's tag set is replaced: tags it no
-- longer has are deleted (by key), new ones inserted, kept ones only rewritten when their lineage moves
-- to the new version; rows that would not change are not written. A tags member that is missing or not
-- an array means no tags. Tags are distinct per ticket; '' is no tag. Returns the rows written
-- (upserted + deleted). The stored rows are looked up in statements of their own, before any write, by
-- primary-key probes (LATERAL ... OFFSET 0), as in normalize/pipedrive/pd_custom_field_values.sql.
create temp table _tt_records on commit drop as
select
    scope,
    scope_key,
    util.try_bigint(record_id)                      as ticket_id,
    case jsonb_typeof(doc->'tags') when 'array' then doc->'tags' end as tags,
    source_updated_at                               as _source_updated_at,
    _blob_path,
    _line_no
from winners;

-- the tags to write: new ones, and those whose stored row points at an older version
create temp table _tt_new on commit drop as
select n.*
from (
    select distinct
        -- ids
        r.scope, r.scope_key, r.ticket_id, t.tag,
        -- lineage
        r._source_updated_at, r._blob_path, r._line_no
    from _tt_records r
    cross join lateral jsonb_array_elements_text(r.tags) as t(tag)
    where t.tag <> ''
    offset 0
) as n
left join lateral (
    select x.* from core.zd_ticket_tags x
    where x.scope = n.scope and x.ticket_id = n.ticket_id and x.tag = n.tag
    offset 0
) as s on true
where s.tag is null
   or (s._source_updated_at, s._blob_path, s._line_no)
      is distinct from (n._source_updated_at, n._blob_path, n._line_no);

-- stored tags the ticket no longer has
create temp table _tt_gone on commit drop as
select v.scope, v.ticket_id, v.tag
from _tt_records r
cross join lateral (
    select x.scope, x.ticket_id, x.tag from core.zd_ticket_tags x
    where x.scope = r.scope and x.ticket_id = r.ticket_id offset 0
) as v
where not exists (select 1 from jsonb_array_elements_text(r.tags) as t(tag) where t.tag = v.tag);

with removed as (
    delete from core.zd_ticket_tags
    where (scope, ticket_id, tag) in (select scope, ticket_id, tag from _tt_gone)
    returning 1
),

upserted as (
    insert into core.zd_ticket_tags as t (scope, scope_key, ticket_id, tag, _source_updated_at, _blob_path, _line_no,
                                          _updated_at)
    select scope, scope_key, ticket_id, tag, _source_updated_at, _blob_path, _line_no, now()
    from _tt_new
    on conflict (scope, ticket_id, tag) do update
    set _source_updated_at = excluded._source_updated_at, _blob_path = excluded._blob_path,
        _line_no = excluded._line_no, _updated_at = excluded._updated_at
    returning 1
)

select (select count(*) from removed) + (select count(*) from upserted)
