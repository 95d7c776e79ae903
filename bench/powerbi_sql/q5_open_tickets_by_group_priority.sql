-- Visual 5: open tickets by group and priority. Matrix: core.zd_groups.name (zd_tickets.group_key), columns
-- zd_tickets.priority, Count of tickets; a filter on zd_tickets.status with new, open, pending and hold ticked
-- (Power BI lists the values it keeps, sorted). Shape as in q1 (docs/powerbi.md §4.1).
select "_"."c1", "_"."c2", "_"."a0"
from (
    select "basetable1"."name" as "c1", "basetable0"."priority" as "c2", count(1) as "a0"
    from (select "_"."ticket_key", "_"."group_key", "_"."status", "_"."priority"
          from "core"."zd_tickets" "_") "basetable0"
    inner join (select "_"."group_key", "_"."name" from "core"."zd_groups" "_") "basetable1"
        on "basetable0"."group_key" = "basetable1"."group_key"
    where "basetable0"."status" in ('hold', 'new', 'open', 'pending')
    group by "basetable1"."name", "basetable0"."priority"
) "_"
where not "_"."a0" is null
limit 1000001
