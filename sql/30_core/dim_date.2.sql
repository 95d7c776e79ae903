-- core.dim_date, version 2: util.extend_dim_date clips each end of the span into 1990..2100 before
-- joining it to the days already there. Version 1 clipped only the inner side, so a batch whose dates
-- all lay beyond 2100 added nothing to an empty calendar but filled up to 2100 a non-empty one: the
-- calendar depended on how the data had been batched, and an incremental history disagreed with a
-- full rerun. Grain and key unchanged: one row per calendar day, key date_day.
CREATE OR REPLACE FUNCTION util.extend_dim_date(first_day date, last_day date) RETURNS integer
LANGUAGE sql VOLATILE AS $$
    WITH clipped AS (
        SELECT least(greatest(first_day, date '1990-01-01'), date '2100-12-31') AS lo,
               least(greatest(last_day, date '1990-01-01'), date '2100-12-31') AS hi
    ), span AS (
        SELECT least(clipped.lo, (SELECT min(date_day) FROM core.dim_date)) AS lo,
               greatest(clipped.hi, (SELECT max(date_day) FROM core.dim_date)) AS hi
        FROM clipped
    ), added AS (
        INSERT INTO core.dim_date (date_day, year, quarter, month, month_name, year_month, day_of_month,
                                   iso_year, iso_week, day_of_week, day_name, is_weekend)
        SELECT d, extract(year FROM d), extract(quarter FROM d), extract(month FROM d), to_char(d, 'FMMonth'),
               to_char(d, 'YYYY-MM'), extract(day FROM d), extract(isoyear FROM d), extract(week FROM d),
               extract(isodow FROM d), to_char(d, 'FMDay'), extract(isodow FROM d) IN (6, 7)
        FROM span, generate_series(span.lo, span.hi, interval '1 day') AS g(ts), LATERAL (SELECT ts::date AS d) AS x
        WHERE first_day IS NOT NULL AND last_day IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM core.dim_date e WHERE e.date_day = x.d)
        ON CONFLICT (date_day) DO NOTHING
        RETURNING 1
    )
    SELECT count(*)::integer FROM added
$$;
COMMENT ON FUNCTION util.extend_dim_date(date, date) IS 'Add the days of a span (each end clipped to 1990..2100) to core.dim_date, gap-free; returns days added.';
