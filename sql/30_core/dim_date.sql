-- core.dim_date: the calendar (dimension), shared by every source. Filled by normalize through
-- util.extend_dim_date() with every day between the earliest and the latest date found in core
-- (created_at, due_date, won_at, ...), kept within 1990-01-01 .. 2100-12-31 so one bad year cannot
-- create millions of rows. Only ever grows. Weeks are ISO weeks (Monday first); names are English.
-- Grain: one row per calendar day. Key: date_day.
CREATE TABLE core.dim_date (
    date_day     date     PRIMARY KEY,
    -- calendar parts
    year         integer  NOT NULL,
    quarter      integer  NOT NULL,
    month        integer  NOT NULL,
    month_name   text     NOT NULL,
    year_month   text     NOT NULL,
    day_of_month integer  NOT NULL,
    iso_year     integer  NOT NULL,
    iso_week     integer  NOT NULL,
    day_of_week  integer  NOT NULL,
    day_name     text     NOT NULL,
    is_weekend   boolean  NOT NULL
);

COMMENT ON TABLE core.dim_date IS 'Calendar: one row per day from the earliest to the latest date found in core (within 1990..2100).';
COMMENT ON COLUMN core.dim_date.date_day IS 'The day; join any *_date column, or a *_at column cast to date (UTC).';
COMMENT ON COLUMN core.dim_date.year IS 'Calendar year.';
COMMENT ON COLUMN core.dim_date.quarter IS 'Quarter of the year, 1-4.';
COMMENT ON COLUMN core.dim_date.month IS 'Month, 1-12.';
COMMENT ON COLUMN core.dim_date.month_name IS 'Month name in English, e.g. January.';
COMMENT ON COLUMN core.dim_date.year_month IS 'YYYY-MM, sorts chronologically.';
COMMENT ON COLUMN core.dim_date.day_of_month IS 'Day of the month, 1-31.';
COMMENT ON COLUMN core.dim_date.iso_year IS 'ISO 8601 week-numbering year (differs from year around New Year).';
COMMENT ON COLUMN core.dim_date.iso_week IS 'ISO 8601 week number, 1-53.';
COMMENT ON COLUMN core.dim_date.day_of_week IS 'ISO day of week: 1 = Monday ... 7 = Sunday.';
COMMENT ON COLUMN core.dim_date.day_name IS 'Day name in English, e.g. Monday.';
COMMENT ON COLUMN core.dim_date.is_weekend IS 'True on Saturday and Sunday.';

-- Add the missing days of [first_day, last_day] (clipped to 1990..2100) and every day between them
-- and the days already there, so the calendar stays gap-free. Returns the number of days added.
CREATE FUNCTION util.extend_dim_date(first_day date, last_day date) RETURNS integer
LANGUAGE sql VOLATILE AS $$
    WITH span AS (
        SELECT least(greatest(first_day, date '1990-01-01'), (SELECT min(date_day) FROM core.dim_date)) AS lo,
               greatest(least(last_day, date '2100-12-31'), (SELECT max(date_day) FROM core.dim_date)) AS hi
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
COMMENT ON FUNCTION util.extend_dim_date(date, date) IS 'Add the days of a span (clipped to 1990..2100) to core.dim_date, gap-free; returns days added.';
