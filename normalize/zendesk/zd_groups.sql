-- core.zd_groups <- stg_zendesk.groups_raw (list shape, api/zendesk.md §5.4; full refresh each run).
-- Grain: one row per group per scope (batch: the newest version of each in this run). Key: (scope, group_id).
-- Text out, typed by normalize/engine.py (util.try_*). Zendesk marks a deleted group deleted true:
-- flagged, deleted_at = the updated_at of that version.
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as group_id,

        -- attributes
        doc->>'name'                                as name,
        doc->>'description'                         as description,
        doc->>'default'                             as is_default,
        doc->>'is_public'                           as is_public,
        coalesce(doc->>'deleted', 'false')          as is_deleted,

        -- timestamps
        doc->>'created_at'                          as created_at,
        doc->>'updated_at'                          as updated_at,
        case when doc->>'deleted' = 'true' then doc->>'updated_at' end as deleted_at,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
