"""Pipedrive from API to core: the simulator's truth must be what Power BI would read.

Real HTTP (simulator), real bronze (local store), real PostgreSQL; each stage through its main().
"""
from collections import defaultdict
from decimal import Decimal

import pytest

from extract import pipedrive_bronze
from lake.settings import get_settings
from load import load_pipedrive_stg
from normalize import normalize_pipedrive
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN

STAGES = (pipedrive_bronze.main, load_pipedrive_stg.main, normalize_pipedrive.main)
CORE = ("pd_deals", "pd_persons", "pd_organizations", "pd_activities", "pd_users", "pd_pipelines", "pd_stages",
        "pd_custom_fields", "pd_custom_field_values")


@pytest.fixture
def pipeline(monkeypatch, tmp_path, pg_url, pipedrive_sim):
    for name in ("DATABASE_URL", "LAKE_BACKEND", "PIPEDRIVE_SCOPES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("LAKE_ROOT", str(tmp_path / "lake"))
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", PIPEDRIVE_SIM_TOKEN)
    monkeypatch.setenv("PIPEDRIVE_BASE_URL", pipedrive_sim.base_url)
    get_settings.cache_clear()
    yield pipedrive_sim
    get_settings.cache_clear()


def run_pipeline():
    assert [stage([]) for stage in STAGES] == [0, 0, 0]


def clean(value):
    """What core holds for a source string: PostgreSQL cannot store NUL, the loader strips it."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def rows(conn, query):
    with conn.cursor() as cur:
        cur.execute(query)
        return cur.fetchall()


def assert_core_matches_truth(conn, sim):
    for entity, table, key in (("deals", "pd_deals", "deal_id"), ("persons", "pd_persons", "person_id"),
                               ("organizations", "pd_organizations", "organization_id"),
                               ("activities", "pd_activities", "activity_id"), ("users", "pd_users", "user_id"),
                               ("pipelines", "pd_pipelines", "pipeline_id"), ("stages", "pd_stages", "stage_id")):
        truth = {r["id"]: r for r in sim.truth(entity)}
        core = dict(rows(conn, f"select {key}, is_deleted from core.{table} where scope = 'default' and not is_inferred"))
        assert set(truth) <= set(core), f"{table}: records of the API missing in core"
        purged = set(core) - set(truth)  # Pipedrive purges deleted records after 30 days; core keeps them flagged
        assert all(core[i] for i in purged), f"{table}: rows the API no longer has must be flagged deleted"
        wrong = [i for i, r in truth.items() if bool(r.get("is_deleted")) != core[i]]
        assert not wrong, f"{table}: deleted flags differ for {wrong[:5]}"
    deals = sim.truth("deals")
    core_deals = {r[0]: r[1:] for r in rows(conn, "select deal_id, title, status, value, currency, stage_id "
                                                  "from core.pd_deals")}
    for d in deals:
        title, status, value, currency, stage_id = core_deals[d["id"]]
        assert title == clean(d["title"]), "unicode must survive the whole journey"
        assert (status, currency, stage_id) == (d["status"], d["currency"], d["stage_id"])
        assert value == (Decimal(str(d["value"])) if d["value"] is not None else None)
    sums = defaultdict(Decimal)
    for d in deals:
        if not d["is_deleted"] and d["value"] is not None:
            sums[d["currency"]] += Decimal(str(d["value"]))
    core_sums = dict(rows(conn, "select currency, sum(value) from core.pd_deals where not is_deleted "
                                "and value is not null group by currency"))
    assert core_sums == dict(sums)
    # custom field labels: option ids resolved through the *current* catalog
    catalog = {f["key"]: f for f in sim.field_catalog("deals") if f.get("edit_flag") and not f.get("is_subfield")}
    values = {(r[0], r[1]): r[2] for r in rows(conn, "select record_id, field_key, value_text from "
                                                     "core.pd_custom_field_values where entity = 'deal'")}
    checked = 0
    for d in deals:
        for key, raw in (d.get("custom_fields") or {}).items():
            field = catalog.get(key)
            if field is None or raw in (None, []) or field["field_type"] not in ("enum", "set"):
                continue
            labels = {o["id"]: o["label"] for o in field["options"]}
            ids = raw if isinstance(raw, list) else [raw]
            order = [o["id"] for o in field["options"]]
            expected = ", ".join(labels[i] for i in sorted(ids, key=order.index))
            assert values[(d["id"], key)] == expected
            checked += 1
    assert checked > 50
    names = dict(rows(conn, "select field_key, field_name from core.pd_custom_fields where entity = 'deal'"))
    assert set(catalog) <= set(names)


def snapshot(conn):
    return {t: sorted(map(repr, rows(conn, f"select * from core.{t}"))) for t in CORE}


def stg_count(conn):
    return sum(rows(conn, f"select count(*) from stg_pipedrive.{e}_raw")[0][0]
               for e in ("deals", "persons", "organizations", "activities", "pipelines", "stages", "users",
                         "deal_fields", "person_fields", "organization_fields", "activity_fields"))


def test_two_runs_with_time_passing_then_a_quiet_run(pipeline, db):
    sim = pipeline
    run_pipeline()
    assert_core_matches_truth(db, sim)
    changes = sim.advance(hours=30, changes=60)
    ops = {c["op"] for c in changes}
    assert {"update_deal", "win_deal", "lose_deal", "rename_field"} <= ops and any(o.startswith("delete") for o in ops)
    renamed = [c for c in changes if c["op"] == "rename_field"]
    run_pipeline()
    db.rollback()
    assert_core_matches_truth(db, sim)
    names = {r[0]: r[1:] for r in rows(db, "select field_key, field_name, current_name from core.pd_custom_fields")}
    for c in renamed:  # a renamed field keeps the name Power BI already uses; the new name is there too
        first_name, current = names[c["key"]]
        assert first_name != c["new_name"] and current == [f for f in sim.field_catalog(c["entity"])
                                                           if f["key"] == c["key"]][0]["name"]
    before_stg, before_core = stg_count(db), snapshot(db)
    db.rollback()
    run_pipeline()
    db.rollback()
    assert stg_count(db) == before_stg, "a run with no changes must add no stg rows"
    assert snapshot(db) == before_core, "a run with no changes must change no core row"
