"""Record builders: one function per entity returning a record in the shape of doc §5.

Data flow: World (rng, related records, catalog) + timestamps -> make_*() -> dict stored in World.tables.
Run standalone: python -c "from sandbox.zendesk.generate import build_world; import json; print(json.dumps(build_world(1).truth('tickets')[0], ensure_ascii=False, indent=1)[:3000])"

Used by the initial generator and by mutations (creates), so a record created "later" looks exactly
like one generated up front. Timestamps are ISO 'Z' strings; a ticket's generated_timestamp is epoch
seconds. satisfaction_rating takes every shape seen in the wild: a rating object, {"score": "offered"},
{"score": "unoffered"}, or null.
"""
from __future__ import annotations

from sandbox.zendesk import catalog, names
from sandbox.zendesk.wire import epoch
from sandbox.zendesk.world import AI_AGENT_CHANNEL, World

GROUP_NAMES = ("Support", "Billing 💶", "Technik & Entwicklung", "サポート窓口", "الدعم الفني", "Tier 2 (old)")
TIMEZONES = (("Copenhagen", "Europe/Copenhagen", "da"), ("Eastern Time (US & Canada)", "America/New_York", "en-US"),
             ("Tokyo", "Asia/Tokyo", "ja"), ("Paris", "Europe/Paris", "fr"), ("Jerusalem", "Asia/Jerusalem", "he"),
             ("Riyadh", "Asia/Riyadh", "ar"))
CHANNELS = ("web", "email", "email", "api", "mobile", "native_messaging")
# With custom statuses on, `status` is the category and custom_status_id the status (doc §5.1).
CUSTOM_STATUS = {"new": 360_000_100_001, "open": 360_000_100_002, "pending": 360_000_100_003,
                 "hold": 360_000_100_004, "solved": 360_000_100_005, "closed": 360_000_100_005}


def _tags(world: World, most: int) -> list[str]:
    return sorted(world.rng.sample(names.TAGS, world.rng.randint(0, most)))


def _pick(world: World, ids: list[int], null_share: float) -> int | None:
    return None if not ids or world.rng.random() < null_share else world.rng.choice(ids)


def make_group(world: World, nth: int, created: str, updated: str) -> dict:
    gid = world.allocate("groups")
    name = GROUP_NAMES[nth % len(GROUP_NAMES)] + ("" if nth < len(GROUP_NAMES) else f" {nth}")
    return {"url": f"{world.base}/api/v2/groups/{gid}.json", "id": gid, "is_public": nth != 2, "name": name,
            "description": f"{name} team", "default": nth == 0, "deleted": nth == len(GROUP_NAMES) - 1,
            "created_at": created, "updated_at": updated}


def make_organization(world: World, nth: int, created: str, updated: str) -> dict:
    rng, oid = world.rng, world.allocate("organizations")
    domains = [] if rng.random() < 0.3 else [f"org{nth}.example.com"]
    if domains and rng.random() < 0.2:
        domains.append(f"org{nth}.example.de")
    # Organization date fields carry a +00:00 offset, unlike every other timestamp (doc §5.3).
    contract = None if rng.random() < 0.3 else f"20{rng.randint(18, 26)}-0{rng.randint(1, 9)}-01T00:00:00+00:00"
    return {"url": f"{world.base}/api/v2/organizations/{oid}.json", "id": oid, "name": names.org_name(rng, nth),
            "shared_tickets": rng.random() < 0.2, "shared_comments": False,
            "external_id": None if rng.random() < 0.6 else f"CRM-{nth:05d}",
            "created_at": created, "updated_at": updated, "domain_names": domains,
            "details": rng.choice(("", "Key account", "Sucursal en Madrid", "本社: 東京")), "notes": "",
            "group_id": _pick(world, world.live_ids("groups"), 0.6), "tags": _tags(world, 2),
            "organization_fields": {"contract_start": contract,
                                    "org_region": rng.choice((None, "region_emea", "region_apac", "region_na")),
                                    "seats_licensed": None if rng.random() < 0.3 else rng.randint(1, 500)},
            "deleted_at": None}


def make_user(world: World, nth: int, created: str, updated: str, role: str) -> dict:
    rng, uid = world.rng, world.allocate("users")
    name, first, last = names.person_name(rng)
    zone, iana, locale = rng.choice(TIMEZONES)
    staff = role != "end-user"
    return {"id": uid, "url": f"{world.base}/api/v2/users/{uid}.json", "name": name,
            "email": names.email_for(first, last, nth, "simco.example" if staff else "example.com"),
            "created_at": created, "updated_at": updated, "time_zone": zone, "iana_time_zone": iana,
            "phone": None if rng.random() < 0.6 else names.phone(rng), "shared_phone_number": None, "photo": None,
            "locale_id": 1 + TIMEZONES.index((zone, iana, locale)), "locale": locale,
            "organization_id": None if staff else _pick(world, world.live_ids("organizations"), 0.25),
            "role": role, "verified": rng.random() < 0.8, "external_id": None, "tags": _tags(world, 2),
            "alias": "", "active": True, "shared": False, "shared_agent": False,
            "last_login_at": updated if staff or rng.random() < 0.4 else None, "two_factor_auth_enabled": None,
            "signature": f"— {first}" if staff else None, "details": "", "notes": "",
            "role_type": 0 if role == "agent" else None, "custom_role_id": 360_000_550_001 if role == "agent" else None,
            "moderator": staff, "ticket_restriction": None if staff else "requested", "only_private_comments": False,
            "restricted_agent": False, "suspended": False,
            "default_group_id": _pick(world, world.live_ids("groups"), 0.0) if staff else None,
            "report_csv": role == "admin", "user_fields": _user_fields(world)}


def _user_fields(world: World) -> dict:
    """Custom user fields keep their API types: dropdown -> tag value, date -> ISO 'Z', decimal -> number."""
    rng = world.rng
    birthday = None if rng.random() < 0.7 else f"19{rng.randint(50, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
    return {"customer_tier": rng.choice((None, "tier_gold", "tier_silver", "tier_bronze")),
            "birthday": birthday and f"{birthday}T00:00:00Z",
            "nps_score": None if rng.random() < 0.5 else round(rng.uniform(0, 10), 1)}


def _via(world: World, ai: bool, requester: dict) -> dict:
    if ai:
        return {"channel": AI_AGENT_CHANNEL, "source": {"from": {"name": "AI agent"}, "to": {}, "rel": "ai_agent"}}
    channel = world.rng.choice(CHANNELS)
    if channel == "email":
        sender = {"address": requester["email"], "name": requester["name"]}
        return {"channel": "email",
                "source": {"from": sender, "to": {"address": "support@simco.example", "name": "Support"}, "rel": None}}
    return {"channel": channel, "source": {"from": {}, "to": {}, "rel": None}}


def _rating(world: World, status: str):
    roll = world.rng.random()
    if status not in ("solved", "closed") or roll < 0.15:
        return None if roll < 0.15 else {"score": "unoffered"}
    if roll < 0.45:
        return {"score": "offered"}
    good = world.rng.random() < 0.8
    return {"id": world.allocate("rating"), "score": "good" if good else "bad",
            "comment": world.rng.choice(("Merci beaucoup !", "Great support!", "とても助かりました", "")),
            **({} if good else {"reason": "The issue was not resolved", "reason_id": 360_000_001_100})}


def ticket_pools(world: World) -> dict[str, list[int]]:
    """The ids a new ticket picks from; the generator computes them once for thousands of tickets."""
    return {"requesters": world.user_ids(active_only=False), "agents": world.agent_ids(),
            "groups": world.live_ids("groups"),
            "forms": sorted(i for i, f in world.tables["ticket_forms"].items() if f["active"])}


def make_ticket(world: World, nth: int, created: str, updated: str, status: str, ai: bool = False,
                pools: dict[str, list[int]] | None = None) -> dict:
    pools = pools or ticket_pools(world)
    rng, tid = world.rng, world.allocate("tickets")
    requester_id = rng.choice(pools["requesters"])
    requester, agents, forms = world.tables["users"][requester_id], pools["agents"], pools["forms"]
    title = names.subject(rng, nth)
    kind = rng.choice((None, "question", "incident", "problem", "task"))
    via = _via(world, ai, requester)
    ticket = {"url": f"{world.base}/api/v2/tickets/{tid}.json", "id": tid,
              "external_id": None if rng.random() < 0.7 else f"ext-{nth}",
              "via": via, "created_at": created, "updated_at": updated, "generated_timestamp": epoch(updated),
              "type": kind, "subject": title, "raw_subject": title, "description": names.description(rng, nth),
              "priority": rng.choice((None, "low", "normal", "normal", "high", "urgent")), "status": status,
              "recipient": "support@simco.example" if via["channel"] == "email" else None,
              "requester_id": requester_id, "submitter_id": requester_id if rng.random() < 0.8 else rng.choice(agents),
              "assignee_id": None if status == "new" or ai else _pick(world, agents, 0.1),
              "organization_id": requester["organization_id"],
              "group_id": None if status == "new" else _pick(world, pools["groups"], 0.1),
              "collaborator_ids": [], "follower_ids": [], "email_cc_ids": [], "forum_topic_id": None,
              "problem_id": None, "has_incidents": False, "is_public": True,
              "due_at": f"{updated[:10]}T17:00:00Z" if kind == "task" else None,
              "tags": _tags(world, 3), "custom_fields": [],
              "satisfaction_rating": _rating(world, status), "sharing_agreement_ids": [],
              "custom_status_id": CUSTOM_STATUS[status], "fields": [], "followup_ids": [],
              "ticket_form_id": _pick(world, forms, 0.2), "brand_id": rng.choice(world.brand_ids),
              "allow_channelback": False, "allow_attachments": True,
              "from_messaging_channel": via["channel"] == "native_messaging"}
    if rng.random() < 0.2:
        ticket["collaborator_ids"] = sorted(rng.sample(agents, min(2, len(agents))))
        ticket["follower_ids"] = list(ticket["collaborator_ids"])
    for field in catalog.value_fields(world.tables["ticket_fields"].values()):
        catalog.set_custom_value(ticket, field, catalog.custom_value(rng, field, nth))
    return ticket
