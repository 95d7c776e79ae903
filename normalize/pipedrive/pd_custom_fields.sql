-- core.pd_custom_fields <- stg_pipedrive.{deal,person,organization,activity}_fields_raw (v1 *Fields,
-- api/pipedrive.md §4.2); the entity comes from the stg entity name (deal_fields -> deal).
-- Grain: one row per custom field per entity per scope (batch: newest version of each). Key: (scope, entity, field_key).
-- Only custom fields: edit_flag true (or a 40-hex key when the flag is missing); subfield rows
-- (<key>_currency, is_subfield) are skipped. field_name is the name of the field's OLDEST version in stg
-- (stg_source: every version) and the engine writes it on insert only (keep_first), so a rename never
-- renames a Power BI column; current_name follows Pipedrive. option_labels: {"<id>": "<label>"}.
with source as (
    select * from batch
    where (doc->>'edit_flag' = 'true' or (doc->>'edit_flag' is null and record_id ~ '^[0-9a-f]{40}$'))
      and coalesce(doc->>'is_subfield', 'false') <> 'true'
),

first_names as (
    select distinct on (s.scope, s.record_id) s.scope, s.record_id, s.doc->>'name' as first_name
    from stg_source s
    join source b on b.scope = s.scope and b.record_id = s.record_id
    order by s.scope, s.record_id, s.source_updated_at asc nulls first, s._blob_path collate "C", s._line_no
),

renamed as (
    select
        -- ids
        source.scope,
        regexp_replace(source._entity, '_fields$', '')  as entity,
        source.record_id                                as field_key,
        doc->>'id'                                      as field_id,

        -- attributes
        first_names.first_name                          as field_name,
        doc->>'name'                                    as current_name,
        doc->>'field_type'                              as field_type,
        case jsonb_typeof(doc->'options') when 'array' then doc->'options' end as options,
        (select jsonb_object_agg(o->>'id', o->>'label')
         from jsonb_array_elements(case jsonb_typeof(doc->'options') when 'array' then doc->'options' end) o
         where o->>'id' is not null)                    as option_labels,
        doc->>'order_nr'                                as order_nr,
        coalesce(doc->>'active_flag', 'true')           as is_active,

        -- timestamps
        doc->>'add_time'                                as created_at,
        doc->>'update_time'                             as updated_at,

        -- lineage
        source_updated_at                               as _source_updated_at,
        _blob_path,
        _line_no
    from source
    join first_names using (scope, record_id)
)

select * from renamed
