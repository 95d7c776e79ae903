"""Zendesk Support's entities, declared once (API facts: ../shared/api/zendesk.md, decisions: DESIGN.md §3).

Data flow: ENTITIES -> extract/zendesk_bronze.py, load/load_zendesk_stg.py, normalize/normalize_zendesk.py.
Run standalone: python -c "from lake.sources.zendesk import ENTITIES; print(*ENTITIES, sep='\\n')"

- tickets, users: the cursor-based incremental export (per_page 1000). The run resumes from the
  export's own cursor (kept in the watermark file), never from a timestamp, so it cannot be pinned on
  a second shared by many records and repeats nothing. Tickets ask for support_type_scope=all (the
  default 'agent' silently leaves out AI-agent tickets) and never exclude_deleted: deleted tickets
  come back with status "deleted". A ticket's version is generated_timestamp (epoch seconds), which
  moves on system updates that leave updated_at alone (api/zendesk.md §6.4).
- organizations: only the time-based export exists. It resumes from the last page's end_time; its
  start_time is inclusive, so boundary records repeat (the loader stores a version once).
- groups, ticket_fields, ticket_forms: cursor-paginated lists (page[size] 100), full refresh each run.
  ticket_forms is a plan feature: a 403/404 there means "not on this plan", not a failure.
- Order (every stage): the ticket field catalog first (ticket values render option labels against
  it), forms, groups, organizations, users, and tickets last. core.zd_ticket_fields keeps the first
  title it saw and re-renders a field's stored values when its catalog row changes; tags and custom
  values are replaced per ticket from its newest version by their own scripts.
"""
from lake.entities import CoreTable, Entity, Pivot

SOURCE = "zendesk"
EXPORT = {"per_page": "1000"}
PIVOTS = (Pivot("zd_ticket_custom_fields", "ticket", "zd_tickets"),)
LIST = {"page[size]": "100"}

ENTITIES = (
    Entity("ticket_fields", "/api/v2/ticket_fields.json", "links", records="ticket_fields", params=LIST,
           core_tables=(CoreTable("zd_ticket_fields", keep_first=("title",), then="zd_ticket_fields_resolve",
                                  pivots=PIVOTS),)),
    Entity("ticket_forms", "/api/v2/ticket_forms.json", "links", records="ticket_forms", params=LIST,
           optional=True, core_tables=("zd_ticket_forms",)),
    Entity("groups", "/api/v2/groups.json", "links", records="groups", params=LIST, core_tables=("zd_groups",)),
    Entity("organizations", "/api/v2/incremental/organizations.json", "export_time", records="organizations",
           watermark="page_state", version_fields=("updated_at",), params=EXPORT,
           core_tables=(CoreTable("zd_organizations", refs={"group_id": "zd_groups"}),)),
    Entity("users", "/api/v2/incremental/users/cursor.json", "export_cursor", records="users",
           watermark="page_state", version_fields=("updated_at",), params=EXPORT,
           core_tables=(CoreTable("zd_users", refs={"organization_id": "zd_organizations",
                                                     "default_group_id": "zd_groups"}),)),
    Entity("tickets", "/api/v2/incremental/tickets/cursor.json", "export_cursor", records="tickets",
           watermark="page_state", version_fields=("generated_timestamp", "updated_at"),
           params={**EXPORT, "support_type_scope": "all"},
           core_tables=(CoreTable("zd_tickets", refs={
                            "requester_id": "zd_users", "submitter_id": "zd_users", "assignee_id": "zd_users",
                            "organization_id": "zd_organizations", "group_id": "zd_groups",
                            "ticket_form_id": "zd_ticket_forms"}),
                        CoreTable("zd_ticket_tags", script=True),
                        CoreTable("zd_ticket_custom_field_values", script=True, pivots=PIVOTS))),
)
