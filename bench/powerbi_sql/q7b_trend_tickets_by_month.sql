-- Visual 7, second query: the tickets of the 12-month trend (q7a has the visual and the deals). Shape as in q1
-- (docs/powerbi.md §4.1).
select "_"."c1", "_"."a0"
from (
    select "basetable1"."year_month" as "c1", count(1) as "a0"
    from (select "_"."ticket_key", "_"."created_date" from "core"."zd_tickets" "_") "basetable0"
    inner join (select "_"."date_day", "_"."year_month" from "core"."dim_date" "_") "basetable1"
        on "basetable0"."created_date" = "basetable1"."date_day"
    where "basetable1"."date_day" >= date '2025-11-01' and "basetable1"."date_day" < date '2026-11-01'
    group by "basetable1"."year_month"
) "_"
where not "_"."a0" is null
limit 1000001
