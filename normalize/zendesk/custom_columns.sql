-- The Zendesk ticket fields normalize/pivots.py publishes as columns: every custom ticket field in
-- core.zd_ticket_fields (system fields are columns of core.zd_tickets already), with the column type
-- its values take. Grain: one row per field per scope. Key: (scope, field_key).
-- column_type: integer, decimal -> numeric; date -> date; checkbox -> boolean; lookup -> bigint (the
-- related record's id); everything else -> text (dropdown and multiselect as their current option
-- names), as in the long table.
select
    scope,
    'ticket'                    as entity,
    ticket_field_id::text       as field_key,
    title                       as field_name,
    type                        as field_type,
    case
        when type in ('integer', 'decimal') then 'numeric'
        when type = 'date' then 'date'
        when type = 'checkbox' then 'boolean'
        when type = 'lookup' then 'bigint'
        else 'text'
    end as column_type
from core.zd_ticket_fields
where is_custom
