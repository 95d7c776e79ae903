"""Record builders: one function per entity returning a record in the exact shape of doc §5.

Data flow: World (rng, users, catalogs, related records) + timestamps -> make_*() -> dict stored in World.tables.
Run standalone: python -c "from sandbox.pipedrive.generate import build_world; import json; print(json.dumps(build_world(1).truth('deals')[0], ensure_ascii=False, indent=1))"

Used by the initial generator and by mutations (creates), so a record created "later" looks exactly
like one generated up front. v2 shapes: flat integer foreign keys, RFC3339 'Z' timestamps,
`custom_fields` keyed by 40-hex; users keep the v1 shape because users only exist in v1.
"""
from __future__ import annotations

from datetime import timedelta

from sandbox.pipedrive import catalog, names
from sandbox.pipedrive.wire import parse_rfc3339, rfc3339, to_v1_time
from sandbox.pipedrive.world import FIELD_ENTITY, World

PIPELINE_NAMES = ("Sales Pipeline", "Partnerships", "Renewals 🔁", "Enterprise", "Ventes France", "APAC 営業")
STAGE_NAMES = ("Lead In", "Contact Made", "Demo Scheduled", "Proposal Made", "Negotiations Started",
               "Verhandlung", "Closing")
TIMEZONES = (("Europe/Berlin", "+01:00", "de_DE"), ("Europe/London", "+00:00", "en_GB"),
             ("America/New_York", "-05:00", "en_US"), ("Asia/Tokyo", "+09:00", "ja_JP"),
             ("Europe/Paris", "+01:00", "fr_FR"))


def _label_ids(world: World, entity: str) -> list[int]:
    label = next(f for f in world.catalogs[entity] if f["key"] == "label")
    picked = world.rng.sample(label["options"], world.rng.randint(0, 2))
    return sorted(option["id"] for option in picked)


def _custom(world: World, table: str, nth: int) -> dict:
    return catalog.custom_values(world.rng, world.catalogs[FIELD_ENTITY[table]], world.user_ids(), nth)


def _pick(world: World, table: str, null_share: float) -> int | None:
    ids = sorted(world.tables[table])
    return None if not ids or world.rng.random() < null_share else world.rng.choice(ids)


def _address(world: World) -> dict | None:
    rng = world.rng
    if rng.random() < 0.3:
        return None
    city, country, code = rng.choice((("Berlin", "Germany", "10115"), ("Paris", "France", "75002"),
                                      ("東京", "Japan", "100-0005"), ("London", "United Kingdom", "EC1A 1BB"),
                                      ("Kraków", "Poland", "31-008")))
    number, route = str(rng.randint(1, 200)), rng.choice(("Hauptstraße", "Rue de Rivoli", "Main St", "丸の内"))
    return {"value": f"{route} {number}, {code} {city}", "street_number": number, "route": route,
            "sublocality": None, "locality": city, "subpremise": None, "admin_area_level_1": None,
            "admin_area_level_2": None, "country": country, "postal_code": code,
            "formatted_address": f"{route} {number}, {code} {city}, {country}"}


def make_user(world: World, nth: int, created: str, modified: str) -> dict:
    rng = world.rng
    name, first, last = names.person_name(rng, nth)
    tz_name, offset, locale = rng.choice(TIMEZONES)
    active = nth != 7  # the 8th user has left the company: inactive but still listed
    return {"id": world.allocate("users"), "name": name, "default_currency": rng.choice(catalog.CURRENCIES),
            "timezone_name": tz_name, "timezone_offset": offset, "locale": locale,
            "email": names.email_for(first, last, nth), "phone": None if rng.random() < 0.5 else names.phone(rng),
            "created": to_v1_time(created), "modified": to_v1_time(modified), "lang": 1,
            "active_flag": active, "activated": active, "is_admin": 1 if nth == 0 else 0,
            "last_login": to_v1_time(modified), "role_id": 1, "has_created_company": nth == 0,
            "icon_url": None, "is_you": nth == 0, "is_deleted": False,
            "access": [{"app": "sales", "admin": nth == 0, "permission_set_id": f"ps-{nth % 2 + 1}"}]}


def make_pipeline(world: World, nth: int, add_time: str, update_time: str) -> dict:
    return {"id": world.allocate("pipelines"), "name": PIPELINE_NAMES[nth % len(PIPELINE_NAMES)],
            "order_nr": nth + 1, "is_deleted": False, "is_deal_probability_enabled": nth % 2 == 1,
            "add_time": add_time, "update_time": update_time, "is_selected": nth == 0}


def make_stage(world: World, pipeline_id: int, order_nr: int, add_time: str, update_time: str | None) -> dict:
    return {"id": world.allocate("stages"), "order_nr": order_nr,
            "name": STAGE_NAMES[(order_nr - 1) % len(STAGE_NAMES)], "is_deleted": False,
            "deal_probability": min(100, order_nr * 20), "pipeline_id": pipeline_id,
            "is_deal_rot_enabled": order_nr == 2, "days_to_rotten": 14 if order_nr == 2 else None,
            "add_time": add_time, "update_time": update_time}


def make_organization(world: World, nth: int, add_time: str, update_time: str) -> dict:
    rng = world.rng
    return {"id": world.allocate("organizations"), "name": names.org_name(rng, nth),
            "owner_id": rng.choice(world.user_ids()), "add_time": add_time, "update_time": update_time,
            "visible_to": rng.choice((1, 3, 3, 3, 5, 7)), "picture_id": None, "label_ids": _label_ids(world, "organization"),
            "is_deleted": False, "address": _address(world), "custom_fields": _custom(world, "organizations", nth)}


def make_person(world: World, nth: int, add_time: str, update_time: str) -> dict:
    rng = world.rng
    name, first, last = names.person_name(rng, nth)
    emails = [{"label": label, "value": names.email_for(first, last, nth * 10 + i), "primary": i == 0}
              for i, label in enumerate(("work", "home")[:rng.choice((0, 1, 1, 1, 2))])]
    phones = [] if rng.random() < 0.3 else [{"label": "work", "value": names.phone(rng), "primary": True}]
    return {"id": world.allocate("persons"), "name": name, "first_name": first, "last_name": last,
            "owner_id": rng.choice(world.user_ids()), "org_id": _pick(world, "organizations", 0.15),
            "picture_id": None, "add_time": add_time, "update_time": update_time,
            "visible_to": rng.choice((1, 3, 3, 7)), "label_ids": _label_ids(world, "person"), "is_deleted": False,
            "phones": phones, "emails": emails, "custom_fields": _custom(world, "persons", nth)}


def make_deal(world: World, nth: int, add_time: str, update_time: str, status: str) -> dict:
    rng = world.rng
    person_id = _pick(world, "persons", 0.1)
    org_id = world.tables["persons"][person_id]["org_id"] if person_id and rng.random() < 0.8 else None
    org_id = org_id or _pick(world, "organizations", 0.2)
    org_name = world.tables["organizations"][org_id]["name"] if org_id in world.tables["organizations"] else None
    stage = world.tables["stages"][rng.choice(sorted(world.tables["stages"]))]
    close = None if rng.random() < 0.3 else (parse_rfc3339(add_time) + timedelta(days=rng.randint(7, 200))).date().isoformat()
    deal = {"id": world.allocate("deals"), "title": names.deal_title(rng, nth, org_name if rng.random() < 0.5 else None),
            "value": float(rng.choice((0, rng.randint(100, 90000), round(rng.uniform(10, 5000), 2)))),
            "currency": rng.choice(catalog.CURRENCIES), "creator_user_id": rng.choice(world.user_ids()),
            "owner_id": rng.choice(world.user_ids()), "person_id": person_id, "org_id": org_id,
            "pipeline_id": stage["pipeline_id"], "stage_id": stage["id"], "status": "open",
            "probability": None if rng.random() < 0.6 else rng.randint(0, 100),
            "add_time": add_time, "update_time": update_time, "stage_change_time": None,
            "close_time": None, "won_time": None, "lost_time": None, "lost_reason": None,
            "expected_close_date": close, "local_won_date": None, "local_lost_date": None,
            "local_close_date": None, "visible_to": rng.choice((1, 3, 3, 3, 7)),
            "label_ids": _label_ids(world, "deal"), "is_deleted": False, "is_archived": False,
            "origin": rng.choice(("ManuallyCreated", "ManuallyCreated", "API", "Import")), "origin_id": None,
            "channel": None, "channel_id": None, "acv": None, "arr": None, "mrr": None,
            "custom_fields": _custom(world, "deals", nth)}
    if rng.random() < 0.15:
        deal["mrr"] = round(deal["value"] / 12, 2)
        deal["arr"] = deal["acv"] = deal["value"]
    if rng.random() < 0.5:
        deal["stage_change_time"] = between(world, add_time, update_time)
    if status != "open":
        set_deal_status(world, deal, status, between(world, add_time, update_time))
    return deal


def set_deal_status(world: World, deal: dict, status: str, at: str) -> None:
    """open -> won/lost (or back to open): keeps won/lost/close times and local dates consistent."""
    deal["status"] = status
    won, lost = status == "won", status == "lost"
    deal["won_time"], deal["lost_time"] = (at if won else None), (at if lost else None)
    deal["close_time"] = at if (won or lost) else None
    deal["lost_reason"] = world.rng.choice(names.LOST_REASONS) if lost else None
    day = at[:10] if (won or lost) else None
    deal["local_won_date"], deal["local_lost_date"] = (day if won else None), (day if lost else None)
    deal["local_close_date"] = day


def make_activity(world: World, nth: int, add_time: str, update_time: str) -> dict:
    rng = world.rng
    deal_id = _pick(world, "deals", 0.3)
    deal = world.tables["deals"].get(deal_id) if deal_id else None
    person_id = deal["person_id"] if deal else _pick(world, "persons", 0.3)
    org_id = deal["org_id"] if deal else _pick(world, "organizations", 0.5)
    done = rng.random() < 0.55
    due = (parse_rfc3339(add_time) + timedelta(days=rng.randint(-3, 40))).date().isoformat()
    owner = rng.choice(world.user_ids())
    timed = rng.random() < 0.6
    return {"id": world.allocate("activities"), "subject": names.subject(rng, nth),
            "type": rng.choice(catalog.ACTIVITY_TYPES)[0], "owner_id": owner, "creator_user_id": owner,
            "is_deleted": False, "add_time": add_time, "update_time": update_time, "deal_id": deal_id,
            "lead_id": None, "person_id": person_id, "org_id": org_id, "project_id": None,
            "due_date": due, "due_time": f"{rng.randint(7, 18):02d}:{rng.choice((0, 15, 30, 45)):02d}" if timed else None,
            "duration": rng.choice(("00:30", "01:00", "00:15")) if timed else None, "busy": timed,
            "done": done, "marked_as_done_time": update_time if done else None,
            "location": _address(world) if rng.random() < 0.2 else None,
            "participants": [{"person_id": person_id, "primary_flag": True}] if person_id else [],
            "conference_meeting_client": None, "conference_meeting_url": None, "conference_meeting_id": None,
            "public_description": None, "priority": None, "note": names.note(rng, nth)}


def between(world: World, low: str, high: str) -> str:
    """A random whole second in [low, high] (both RFC3339 strings)."""
    lo, hi = parse_rfc3339(low), parse_rfc3339(high)
    span = max(0, int((hi - lo).total_seconds()))
    return rfc3339(lo + timedelta(seconds=world.rng.randint(0, span)))
