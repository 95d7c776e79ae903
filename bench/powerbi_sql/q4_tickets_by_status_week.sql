-- Visual 4: tickets by status and week. Stacked columns: core.dim_date iso_year and iso_week (of
-- zd_tickets.created_date), legend zd_tickets.status, Count of tickets; a relative date slicer "last 12 weeks"
-- on dim_date.date_day, which Power BI turns into a date range (2026-08-10 to 2026-11-01 inclusive here: the
-- bench's data ends on 2026-11-01). Shape as in q1 (docs/powerbi.md §4.1).
select "_"."c1", "_"."c2", "_"."c3", "_"."a0"
from (
    select "basetable1"."iso_year" as "c1", "basetable1"."iso_week" as "c2", "basetable0"."status" as "c3",
           count(1) as "a0"
    from (select "_"."ticket_key", "_"."created_date", "_"."status" from "core"."zd_tickets" "_") "basetable0"
    inner join (select "_"."date_day", "_"."iso_year", "_"."iso_week" from "core"."dim_date" "_") "basetable1"
        on "basetable0"."created_date" = "basetable1"."date_day"
    where "basetable1"."date_day" >= date '2026-08-10' and "basetable1"."date_day" < date '2026-11-02'
    group by "basetable1"."iso_year", "basetable1"."iso_week", "basetable0"."status"
) "_"
where not "_"."a0" is null
limit 1000001
