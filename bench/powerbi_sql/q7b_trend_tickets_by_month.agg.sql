-- Visual 7, tickets (q7b_trend_tickets_by_month.sql), when mapped to the aggregation table
-- core.zd_tickets_agg_status_day (ticket_count = Count table rows, relationship on created_date): the SQL
-- DirectQuery sends instead.
select "_"."c1", "_"."a0"
from (
    select "basetable1"."year_month" as "c1", sum("basetable0"."ticket_count") as "a0"
    from (select "_"."created_date", "_"."ticket_count" from "core"."zd_tickets_agg_status_day" "_") "basetable0"
    inner join (select "_"."date_day", "_"."year_month" from "core"."dim_date" "_") "basetable1"
        on "basetable0"."created_date" = "basetable1"."date_day"
    where "basetable1"."date_day" >= date '2025-11-01' and "basetable1"."date_day" < date '2026-11-01'
    group by "basetable1"."year_month"
) "_"
where not "_"."a0" is null
limit 1000001
