-- Visual 4 (q4_tickets_by_status_week.sql) when mapped to the aggregation table core.zd_tickets_agg_status_day
-- (ticket_count = Count table rows, status = GroupBy zd_tickets.status, relationship on created_date): the SQL
-- DirectQuery sends instead.
select "_"."c1", "_"."c2", "_"."c3", "_"."a0"
from (
    select "basetable1"."iso_year" as "c1", "basetable1"."iso_week" as "c2", "basetable0"."status" as "c3",
           sum("basetable0"."ticket_count") as "a0"
    from (select "_"."created_date", "_"."status", "_"."ticket_count"
          from "core"."zd_tickets_agg_status_day" "_") "basetable0"
    inner join (select "_"."date_day", "_"."iso_year", "_"."iso_week" from "core"."dim_date" "_") "basetable1"
        on "basetable0"."created_date" = "basetable1"."date_day"
    where "basetable1"."date_day" >= date '2026-08-10' and "basetable1"."date_day" < date '2026-11-02'
    group by "basetable1"."iso_year", "basetable1"."iso_week", "basetable0"."status"
) "_"
where not "_"."a0" is null
limit 1000001
