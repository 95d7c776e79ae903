-- core.pd_pipelines <- stg_pipedrive.pipelines_raw (v2 shape, api/pipedrive.md §5.7; full refresh each run).
-- Grain: one row per pipeline per scope (batch: the newest version of each in this run). Key: (scope, pipeline_id).
-- Text out, typed by normalize/engine.py (util.try_*; bad values -> NULL + meta.rejected_rows 'bad_type').
with source as (
    select * from batch
),

renamed as (
    select
        -- ids
        scope,
        record_id                                   as pipeline_id,

        -- attributes
        doc->>'name'                                as name,
        doc->>'order_nr'                            as order_nr,
        doc->>'is_deal_probability_enabled'         as is_deal_probability_enabled,
        doc->>'is_selected'                         as is_selected,
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
