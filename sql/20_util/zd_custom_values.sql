-- util.zd_*: how one Zendesk ticket custom-field value (custom_fields[].value, api/zendesk.md §5.1) becomes
-- text for core.zd_ticket_custom_field_values, given its field's catalog row (core.zd_ticket_fields: type,
-- option_labels). Grain/keys: n/a (functions). Used both when values are written and when a
-- catalog change (an option renamed, a field arriving late) re-renders them, so the two paths agree.
-- value_text rules (the value's JSON type varies by field type, api/zendesk.md §6.10):
--   dropdown/tagger tag -> the option's current name (option_labels), else the tag itself;
--   multiselect array of tags -> names joined with ', ' in the order sent (Zendesk's tag order;
--   an unknown tag stays the tag);
--   checkbox true/false -> 'true'/'false'; numbers (sent as strings), dates and text -> as sent;
--   any other object -> its JSON text.
CREATE SCHEMA IF NOT EXISTS util;

-- Not inlinable (it aggregates), so zd_value_text calls it only for arrays.
CREATE OR REPLACE FUNCTION util.zd_multi_text(option_labels jsonb, raw jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT string_agg(coalesce(option_labels ->> e.tag, e.tag), ', ' ORDER BY e.pos)
    FROM jsonb_array_elements_text(raw) WITH ORDINALITY AS e(tag, pos)
$$;

-- option_labels: {"<tag value>": "<name>"} (core.zd_ticket_fields.option_labels): an O(1) lookup that
-- keeps this function inlinable. field_type NULL = a field not in the catalog yet: the raw value.
CREATE OR REPLACE FUNCTION util.zd_value_text(field_type text, option_labels jsonb, raw jsonb) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN raw IS NULL OR jsonb_typeof(raw) = 'null' THEN NULL
        WHEN jsonb_typeof(raw) = 'array' THEN util.zd_multi_text(option_labels, raw)
        WHEN jsonb_typeof(raw) = 'object' THEN raw::text
        WHEN field_type IN ('dropdown', 'tagger', 'multiselect') AND jsonb_typeof(raw) = 'string'
            THEN coalesce(option_labels ->> (raw #>> '{}'), raw #>> '{}')
        ELSE raw #>> '{}'
    END
$$;

-- Does the JSON value hold a value worth a row? Not for null, "" or []. A row is written exactly when
-- this is true, and a stored row whose ticket now fails it (or no longer lists the field) is deleted.
-- A checkbox's false is a value.
CREATE OR REPLACE FUNCTION util.zd_has_value(raw jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE jsonb_typeof(raw)
        WHEN 'null' THEN false
        WHEN 'array' THEN jsonb_array_length(raw) > 0
        WHEN 'string' THEN raw <> '""'::jsonb
        ELSE raw IS NOT NULL
    END
$$;

-- The number behind an integer/decimal field's value (Zendesk sends it as a string or a number);
-- NULL for other field types, for fields not in the catalog yet, and for text that is not a number.
CREATE OR REPLACE FUNCTION util.zd_value_numeric(field_type text, raw jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN field_type IN ('integer', 'decimal') AND jsonb_typeof(raw) IN ('string', 'number')
                THEN util.try_numeric(raw #>> '{}') END
$$;

COMMENT ON FUNCTION util.zd_multi_text(jsonb, jsonb) IS 'Multiselect value (array of option tags) -> current option names joined with '', '' in the order sent.';
COMMENT ON FUNCTION util.zd_value_text(text, jsonb, jsonb) IS 'Zendesk ticket custom-field value (JSON) -> display text (option tags resolved to names); see file header for the rules.';
COMMENT ON FUNCTION util.zd_has_value(jsonb) IS 'True when a Zendesk custom-field JSON value is set (not null, "" or []).';
COMMENT ON FUNCTION util.zd_value_numeric(text, jsonb) IS 'Numeric value of an integer/decimal Zendesk custom field.';
