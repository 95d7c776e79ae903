-- core.zd_ticket_fields <- stg_zendesk.ticket_fields_raw (list shape, api/zendesk.md §5.5; full refresh each run).
-- Grain: one row per ticket field per scope (batch: newest version of each). Key: (scope, ticket_field_id).
-- System fields are kept too (is_custom false: a system type, or removable false, which Zendesk sets on
-- its own fields). title is the title of the field's OLDEST version in stg (stg_source: every version)
-- and the engine writes it on insert only (keep_first), so a rename never renames a Power BI column;
-- current_title follows Zendesk. options: custom_field_options as sent; option_labels: {"<tag value>": "<name>"}.
with source as (
    select * from batch
),

first_titles as (
    select distinct on (s.scope, s.record_id) s.scope, s.record_id, s.doc->>'title' as first_title
    from stg_source s
    join source b on b.scope = s.scope and b.record_id = s.record_id
    order by s.scope, s.record_id, s.source_updated_at asc nulls first, s._blob_path collate "C", s._line_no
),

renamed as (
    select
        -- ids
        source.scope,
        source.record_id                            as ticket_field_id,

        -- attributes
        first_titles.first_title                    as title,
        doc->>'title'                               as current_title,
        doc->>'type'                                as type,
        doc->>'tag'                                 as tag,
        doc->>'description'                         as description,
        doc->>'position'                            as position,
        case jsonb_typeof(doc->'custom_field_options') when 'array' then doc->'custom_field_options' end as options,
        (select jsonb_object_agg(o->>'value', o->>'name')
         from jsonb_array_elements(case jsonb_typeof(doc->'custom_field_options')
                                   when 'array' then doc->'custom_field_options' end) o
         where o->>'value' is not null)             as option_labels,
        case when doc->>'type' in ('subject', 'description', 'status', 'custom_status', 'tickettype',
                                   'priority', 'group', 'assignee', 'brand', 'requester')
                  or doc->>'removable' = 'false'
             then 'false' else 'true' end           as is_custom,
        doc->>'active'                              as is_active,
        doc->>'required'                            as is_required,

        -- timestamps
        doc->>'created_at'                          as created_at,
        doc->>'updated_at'                          as updated_at,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
    join first_titles using (scope, record_id)
)

select * from renamed
