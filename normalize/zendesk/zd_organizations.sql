-- core.zd_organizations <- stg_zendesk.organizations_raw (time-based export shape, api/zendesk.md §5.3).
-- Grain: one row per organization per scope (batch: the newest version of each in this run).
-- Key: (scope, organization_id). Text out, typed by normalize/engine.py (util.try_*).
-- Deleted = deleted_at set ('' counts as unset). domain_names and tags stay JSON arrays.
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as organization_id,
        doc->>'group_id'                            as group_id,
        doc->>'external_id'                         as external_id,

        -- attributes
        doc->>'name'                                as name,
        case jsonb_typeof(doc->'domain_names') when 'array' then doc->'domain_names' end as domain_names,
        case jsonb_typeof(doc->'tags') when 'array' then doc->'tags' end as tags,
        doc->>'shared_tickets'                      as is_shared_tickets,
        doc->>'shared_comments'                     as is_shared_comments,
        case when nullif(doc->>'deleted_at', '') is not null then 'true' else 'false' end as is_deleted,

        -- timestamps
        doc->>'created_at'                          as created_at,
        doc->>'updated_at'                          as updated_at,
        nullif(doc->>'deleted_at', '')              as deleted_at,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
