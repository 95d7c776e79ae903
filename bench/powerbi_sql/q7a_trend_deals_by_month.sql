-- Visual 7, first query: a 12-month trend across both sources. Line chart: core.dim_date.year_month, measures
-- Deals created (COUNTROWS of pd_deals by created_date) and Tickets created (COUNTROWS of zd_tickets by
-- created_date); a filter on dim_date.date_day keeps the last 12 months (2025-11-01 .. 2026-10-31). Two fact
-- tables: DirectQuery sends one query per fact (this one, and q7b) and joins the results itself. Shape as in
-- q1 (docs/powerbi.md §4.1).
select "_"."c1", "_"."a0"
from (
    select "basetable1"."year_month" as "c1", count(1) as "a0"
    from (select "_"."deal_key", "_"."created_date" from "core"."pd_deals" "_") "basetable0"
    inner join (select "_"."date_day", "_"."year_month" from "core"."dim_date" "_") "basetable1"
        on "basetable0"."created_date" = "basetable1"."date_day"
    where "basetable1"."date_day" >= date '2025-11-01' and "basetable1"."date_day" < date '2026-11-01'
    group by "basetable1"."year_month"
) "_"
where not "_"."a0" is null
limit 1000001
