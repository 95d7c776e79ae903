"""Zendesk from API to core: the simulator's truth must be what Power BI would read.

Data flow: ZendeskSimulator (real HTTP) -> extract/load/normalize main() -> local bronze -> PostgreSQL
           stg_zendesk -> core.zd_* compared with sim.truth().
Run standalone: python -m pytest tests/test_zendesk_end_to_end.py -q
"""
from __future__ import annotations

import pytest

from extract import zendesk_bronze
from lake.settings import get_settings
from load import load_zendesk_stg
from normalize import normalize_zendesk
from tests.fixtures.zendesk_sim import ZENDESK_SIM_EMAIL, ZENDESK_SIM_TOKEN

STAGES = (zendesk_bronze.main, load_zendesk_stg.main, normalize_zendesk.main)
CORE = ("zd_tickets", "zd_users", "zd_organizations", "zd_groups", "zd_ticket_fields", "zd_ticket_forms",
        "zd_ticket_tags", "zd_ticket_custom_field_values")
STG = ("tickets", "users", "organizations", "groups", "ticket_fields", "ticket_forms")


@pytest.fixture
def pipeline(monkeypatch, tmp_path, pg_url, zendesk_sim):
    for name in ("DATABASE_URL", "LAKE_BACKEND", "ZENDESK_SCOPES", "ZENDESK_OAUTH_TOKEN", "ZENDESK_SUBDOMAIN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("LAKE_ROOT", str(tmp_path / "lake"))
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("ZENDESK_EMAIL", ZENDESK_SIM_EMAIL)
    monkeypatch.setenv("ZENDESK_API_TOKEN", ZENDESK_SIM_TOKEN)
    monkeypatch.setenv("ZENDESK_BASE_URL", zendesk_sim.base_url)
    get_settings.cache_clear()
    yield zendesk_sim
    get_settings.cache_clear()


def run_pipeline():
    assert [stage([]) for stage in STAGES] == [0, 0, 0]


def rows(conn, query):
    with conn.cursor() as cur:
        cur.execute(query)
        found = cur.fetchall()
    conn.rollback()
    return found


def clean(value):
    """What core holds for a source string: PostgreSQL cannot store NUL, the loader strips it."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def rendered(field: dict | None, value) -> str:
    """What a custom value should read in core: dropdown/multiselect tags as their labels."""
    labels = {o["value"]: o["name"] for o in (field or {}).get("custom_field_options") or []}
    if isinstance(value, list):
        return ", ".join(labels.get(v, v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return labels.get(value, value) if isinstance(value, str) else str(value)


def assert_core_matches_truth(conn, sim):
    tickets = {t["id"]: t for t in sim.truth("tickets")}
    core = {r[0]: r[1:] for r in rows(conn, "select ticket_id, status, assignee_id, group_id, organization_id, "
                                            "subject, description, is_deleted from core.zd_tickets")}
    assert set(core) == set(tickets)
    for i, t in tickets.items():
        expected = (t["status"], t["assignee_id"], t["group_id"], t["organization_id"], clean(t["subject"]),
                    clean(t["description"]), t["status"] == "deleted")
        assert core[i] == expected, f"ticket {i} differs"
    tags = {}
    for ticket_id, tag in rows(conn, "select ticket_id, tag from core.zd_ticket_tags"):
        tags.setdefault(ticket_id, set()).add(tag)
    assert tags == {i: set(t["tags"]) for i, t in tickets.items() if t["tags"]}
    fields = {f["id"]: f for f in sim.truth("ticket_fields")}
    values = {(r[0], r[1]): r[2] for r in rows(conn, "select ticket_id, ticket_field_id, value_text "
                                                     "from core.zd_ticket_custom_field_values")}
    expected = {(i, cf["id"]): clean(rendered(fields.get(cf["id"]), cf["value"])) for i, t in tickets.items()
                for cf in t.get("custom_fields") or [] if cf["value"] not in (None, "", [])}
    assert values == expected
    assert len({k[1] for k in expected}) >= 10, "every custom field type should be exercised"
    users = dict(rows(conn, "select user_id, is_active from core.zd_users where not is_inferred"))
    assert users == {u["id"]: u["active"] for u in sim.truth("users")}
    orgs = {r[0]: r[1:] for r in rows(conn, "select organization_id, name, is_deleted from core.zd_organizations "
                                           "where not is_inferred")}
    assert orgs == {o["id"]: (clean(o["name"]), o["deleted_at"] is not None) for o in sim.truth("organizations")}
    groups = dict(rows(conn, "select group_id, name from core.zd_groups where not is_inferred"))
    assert groups == {g["id"]: clean(g["name"]) for g in sim.truth("groups")}
    titles = dict(rows(conn, "select ticket_field_id, current_title from core.zd_ticket_fields"))
    assert titles == {f["id"]: clean(f["title"]) for f in sim.truth("ticket_fields")}


def snapshot(conn):
    return {t: sorted(map(repr, rows(conn, f"select * from core.{t}"))) for t in CORE}


def stg_count(conn):
    return sum(rows(conn, f"select count(*) from stg_zendesk.{e}_raw")[0][0] for e in STG)


def test_two_runs_with_time_passing_then_a_quiet_run(pipeline, db):
    sim = pipeline
    run_pipeline()
    assert_core_matches_truth(db, sim)
    first_titles = dict(rows(db, "select ticket_field_id, title from core.zd_ticket_fields"))
    sim.advance(hours=30, changes=60)
    run_pipeline()
    assert_core_matches_truth(db, sim)
    # a renamed field keeps the title Power BI already shows
    assert dict(rows(db, "select ticket_field_id, title from core.zd_ticket_fields")) == first_titles
    assert rows(db, "select count(*) from core.zd_tickets where octet_length(description) >= 200000")[0][0] >= 2
    # the NUL in one description was stripped on the way into stg, and the repair is on record
    nul = [t["id"] for t in sim.truth("tickets") if "\x00" in (t["description"] or "")]
    repaired = rows(db, "select distinct s.record_id::bigint from meta.rejected_rows r join stg_zendesk.tickets_raw s "
                        "using (_blob_path, _line_no) where r.reason_code = 'nul_stripped' and r.is_repaired")
    assert nul and {r[0] for r in repaired} == set(nul)
    before_stg, before_core = stg_count(db), snapshot(db)
    run_pipeline()
    assert stg_count(db) == before_stg, "a run with no changes must add no stg rows"
    assert snapshot(db) == before_core, "a run with no changes must change no core row"
