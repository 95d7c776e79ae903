-- util.try_*: text -> type casts that return NULL instead of raising, for normalize (stg JSONB -> core).
-- Grain/keys: n/a (functions). A NULL result for a non-NULL input is how normalize spots a bad value
-- and records it in meta.rejected_rows (reason_code 'bad_type'); the run goes on.
-- Pure SQL (no plpgsql EXCEPTION block per row), so the planner inlines them into the calling query.
-- A regex guards every cast; nested CASEs because AND does not fix the evaluation order.
-- STABLE where the built-in cast is (date/time input reads DateStyle), IMMUTABLE otherwise: a
-- function marked more strictly than its body is not inlined.
CREATE SCHEMA IF NOT EXISTS util;
COMMENT ON SCHEMA util IS 'Helper functions for the pipeline (safe casts, custom-field rendering, dim_date). Not for reports.';

-- Bounded repeats ({1,19}) make PostgreSQL regexes several times slower: check length apart.
CREATE OR REPLACE FUNCTION util.try_bigint(value text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value ~ '^[+-]?[0-9]+$' THEN
        CASE WHEN length(ltrim(value, '+-0')) <= 18 THEN value::bigint
             WHEN length(ltrim(value, '+-0')) = 19 THEN
                 CASE WHEN value::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN value::bigint END
        END END
$$;

CREATE OR REPLACE FUNCTION util.try_int(value text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value ~ '^[+-]?[0-9]+$' THEN
        CASE WHEN length(ltrim(value, '+-0')) <= 10 THEN
            CASE WHEN value::bigint BETWEEN -2147483648 AND 2147483647 THEN value::integer END END END
$$;

-- JSON numbers, optionally with an exponent; never NaN/Infinity.
CREATE OR REPLACE FUNCTION util.try_numeric(value text) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$' THEN
        CASE WHEN length(value) <= 1000 AND length(ltrim(split_part(lower(value), 'e', 2), '+-0')) <= 4
             THEN value::numeric END END
$$;

-- JSON true/false, and v1's 0/1 flags.
CREATE OR REPLACE FUNCTION util.try_boolean(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lower(value) WHEN 'true' THEN true WHEN '1' THEN true WHEN 'false' THEN false WHEN '0' THEN false END
$$;

-- Is the leading YYYY-MM-DD (already regex-checked) a real calendar day (no Feb 30)?
CREATE OR REPLACE FUNCTION util.is_calendar_day(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT substr(value, 9, 2)::int <= CASE substr(value, 6, 2)::int
        WHEN 2 THEN CASE WHEN substr(value, 1, 4)::int % 4 = 0 AND (substr(value, 1, 4)::int % 100 <> 0
                                   OR substr(value, 1, 4)::int % 400 = 0) THEN 29 ELSE 28 END
        WHEN 4 THEN 30 WHEN 6 THEN 30 WHEN 9 THEN 30 WHEN 11 THEN 30 ELSE 31 END
$$;

CREATE OR REPLACE FUNCTION util.try_date(value text) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value ~ '^[1-9][0-9][0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$' THEN
        CASE WHEN util.is_calendar_day(value) THEN value::date END END
$$;

CREATE OR REPLACE FUNCTION util.try_time(value text) RETURNS time
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value ~ '^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$' THEN value::time END
$$;

-- RFC 3339 (v2: 2024-07-01T05:46:33Z, .000Z, +02:00) and v1's zone-less 'YYYY-MM-DD HH:MM:SS', which
-- Pipedrive documents as UTC: read as UTC whatever the session TimeZone. A bare date is its UTC midnight.
CREATE OR REPLACE FUNCTION util.try_timestamptz(value text) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN value ~ ('^[1-9][0-9][0-9][0-9]-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'
                              '([Tt ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?)?'
                              '([Zz]|[+-](0[0-9]|1[0-5])(:?[0-5][0-9])?)?$') THEN
        CASE WHEN util.is_calendar_day(value) THEN
            CASE WHEN upper(right(value, 1)) = 'Z' OR strpos(substr(value, 12), '+') > 0
                      OR strpos(substr(value, 12), '-') > 0 THEN value::timestamptz
                 ELSE value::timestamp AT TIME ZONE 'UTC' END END END
$$;

COMMENT ON FUNCTION util.try_bigint(text) IS 'text -> bigint, NULL when not an integer in range.';
COMMENT ON FUNCTION util.try_int(text) IS 'text -> integer, NULL when not an integer in range.';
COMMENT ON FUNCTION util.try_numeric(text) IS 'text -> numeric, NULL when not a JSON number.';
COMMENT ON FUNCTION util.try_boolean(text) IS 'true/false/1/0 -> boolean, NULL otherwise.';
COMMENT ON FUNCTION util.try_date(text) IS 'YYYY-MM-DD -> date, NULL when malformed or not a calendar day.';
COMMENT ON FUNCTION util.try_time(text) IS 'HH:MM[:SS[.f]] -> time, NULL otherwise.';
COMMENT ON FUNCTION util.try_timestamptz(text) IS 'RFC 3339 or v1 YYYY-MM-DD HH:MM:SS (UTC) -> timestamptz, NULL otherwise.';
