-- Visual 5 (q5_open_tickets_by_group_priority.sql) when mapped to the aggregation table
-- core.zd_tickets_agg_group_priority (ticket_count = Count table rows, status and priority = GroupBy, relationship
-- on group_key): the SQL DirectQuery sends instead.
select "_"."c1", "_"."c2", "_"."a0"
from (
    select "basetable1"."name" as "c1", "basetable0"."priority" as "c2", sum("basetable0"."ticket_count") as "a0"
    from (select "_"."group_key", "_"."status", "_"."priority", "_"."ticket_count"
          from "core"."zd_tickets_agg_group_priority" "_") "basetable0"
    inner join (select "_"."group_key", "_"."name" from "core"."zd_groups" "_") "basetable1"
        on "basetable0"."group_key" = "basetable1"."group_key"
    where "basetable0"."status" in ('hold', 'new', 'open', 'pending')
    group by "basetable1"."name", "basetable0"."priority"
) "_"
where not "_"."a0" is null
limit 1000001
