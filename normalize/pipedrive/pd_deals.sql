-- core.pd_deals <- stg_pipedrive.deals_raw (v2 shape, api/pipedrive.md §5.2).
-- Grain: one row per deal per scope (batch holds the newest version of each in this run). Key: (scope, deal_id).
-- Columns come out as text; normalize/engine.py casts each to its core type with util.try_* and records a
-- value that does not cast in meta.rejected_rows ('bad_type'). A deal comes back deleted with is_deleted
-- true (v1: status 'deleted'); its update_time is then the delete time, and deletion_detected_by 'source'
-- ('sweep' is set by normalize/sweeps.py for a deal purged unseen; a later version resets it from here).
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as deal_id,
        doc->>'pipeline_id'                         as pipeline_id,
        doc->>'stage_id'                            as stage_id,
        doc->>'owner_id'                            as owner_id,
        doc->>'creator_user_id'                     as creator_user_id,
        doc->>'person_id'                           as person_id,
        doc->>'org_id'                              as organization_id,

        -- attributes
        doc->>'title'                               as title,
        doc->>'status'                              as status,
        doc->>'lost_reason'                         as lost_reason,
        doc->'label_ids'                            as label_ids,
        doc->>'is_archived'                         as is_archived,
        case when doc->>'status' = 'deleted' then 'true'
             else coalesce(doc->>'is_deleted', 'false') end as is_deleted,
        case when doc->>'status' = 'deleted' or doc->>'is_deleted' = 'true'
             then 'source' end                      as deletion_detected_by,

        -- amounts
        doc->>'value'                               as value,
        doc->>'currency'                            as currency,
        doc->>'probability'                         as probability,

        -- timestamps
        doc->>'add_time'                            as created_at,
        doc->>'update_time'                         as updated_at,
        doc->>'stage_change_time'                   as stage_changed_at,
        doc->>'close_time'                          as closed_at,
        doc->>'won_time'                            as won_at,
        doc->>'lost_time'                           as lost_at,
        case when doc->>'is_deleted' = 'true' or doc->>'status' = 'deleted'
             then doc->>'update_time' end           as deleted_at,
        doc->>'expected_close_date'                 as expected_close_date,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
