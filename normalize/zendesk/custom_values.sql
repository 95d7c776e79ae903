-- The Zendesk custom values normalize/pivots.py reads, in the shape every source gives them: one row per
-- ticket per field with a value (core.zd_ticket_custom_field_values, already rendered). Used as a
-- subquery filtered by scope and record_id (its primary key's prefix) or by field_key.
select
    scope,
    'ticket'                    as entity,
    ticket_id                   as record_id,
    ticket_field_id::text       as field_key,
    value_text,
    value_numeric,
    null::text                  as value_currency
from core.zd_ticket_custom_field_values
