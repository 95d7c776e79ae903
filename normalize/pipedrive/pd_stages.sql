-- core.pd_stages <- stg_pipedrive.stages_raw (v2 shape, api/pipedrive.md §5.8; full refresh each run).
-- Grain: one row per stage per scope (batch: the newest version of each in this run). Key: (scope, stage_id).
-- Text out, typed by normalize/engine.py (util.try_*). update_time may be null (never updated): such a
-- version counts as oldest, and deleted_at falls back to null.
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as stage_id,
        doc->>'pipeline_id'                         as pipeline_id,

        -- attributes
        doc->>'name'                                as name,
        doc->>'order_nr'                            as order_nr,
        doc->>'deal_probability'                    as deal_probability,
        doc->>'is_deal_rot_enabled'                 as is_deal_rot_enabled,
        doc->>'days_to_rotten'                      as days_to_rotten,
        coalesce(doc->>'is_deleted', 'false')       as is_deleted,

        -- timestamps
        doc->>'add_time'                            as created_at,
        doc->>'update_time'                         as updated_at,
        case when doc->>'is_deleted' = 'true' then doc->>'update_time' end as deleted_at,

        -- lineage
        source_updated_at                           as _source_updated_at,
        _blob_path,
        _line_no
    from source
)

select * from renamed
