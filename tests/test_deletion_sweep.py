"""Deletion sweep from API to core: what Pipedrive purged while the pipeline did not look is flagged.

Real HTTP (simulator), real bronze (local store), real PostgreSQL; each stage through its main(). Every
test works in a scope of its own, so they share the module's database without seeing each other's rows.
The simulators start in 2025, well behind the wall clock, so no incremental run's updated_until (our
clock) hides a change the simulator makes.
"""
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from extract import pipedrive_bronze, zendesk_bronze
from extract.engine import parse_ts
from extract.sweep import sweep_due
from lake.bronze import RunWriter, complete_runs, iter_lines, read_last_sweep, read_watermark
from lake.settings import Settings, SettingsError, get_settings
from lake.store.local import LocalStore
from load import load_pipedrive_stg
from normalize import normalize_pipedrive
from sandbox.pipedrive import PipedriveSimulator
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN

EARLY = "2025-06-01T00:00:00Z"
SWEPT = {"deals": ("pd_deals", "deal_id"), "persons": ("pd_persons", "person_id"),
         "organizations": ("pd_organizations", "organization_id"), "activities": ("pd_activities", "activity_id")}


class Lake:
    """The environment of one test: a scope pointed at a simulator, and the three stages."""

    def __init__(self, monkeypatch, root, db):
        self.mp, self.root, self.db, self.scope = monkeypatch, root, db, None

    def point(self, scope: str, sim) -> None:
        self.scope = scope
        self.mp.setenv("PIPEDRIVE_SCOPES", scope)
        self.mp.setenv(f"PIPEDRIVE_API_TOKEN__{scope.upper()}", PIPEDRIVE_SIM_TOKEN)
        self.mp.setenv(f"PIPEDRIVE_BASE_URL__{scope.upper()}", sim.base_url)
        get_settings.cache_clear()

    @property
    def store(self) -> LocalStore:
        return LocalStore(self.root / "lake")

    def extract(self, *args: str) -> int:
        return pipedrive_bronze.main(list(args))

    def load_and_normalize(self) -> None:
        assert (load_pipedrive_stg.main([]), normalize_pipedrive.main([])) == (0, 0)
        self.db.rollback()

    def run(self, *args: str) -> None:
        assert self.extract(*args) == 0
        self.load_and_normalize()

    def query(self, text: str, *params):
        with self.db.cursor() as cur:
            cur.execute(text, params)
            rows = cur.fetchall()
        self.db.rollback()
        return rows

    def flags(self, entity: str = "deals") -> dict:
        """{id: (is_deleted, deletion_detected_by, deleted_at)} of the scope's core rows."""
        table, key = SWEPT[entity]
        return {r[0]: r[1:] for r in self.query(f"select {key}, is_deleted, deletion_detected_by, deleted_at "
                                                f"from core.{table} where scope = %s and not is_inferred", self.scope)}

    def sweeps(self, entity: str = "deals") -> list[tuple]:
        """(status, rows_flagged, rows_restored, started_at, ids kept) of the scope's sweeps, oldest first."""
        return self.query("select s.status, s.rows_flagged, s.rows_restored, s.started_at, "
                          "(select count(*) from meta.sweep_ids i where i.scope = s.scope and i.sweep_id = s.sweep_id) "
                          "from meta.sweeps s where s.source = 'pipedrive' and s.scope = %s and s.entity = %s "
                          "order by s.run_id", self.scope, entity)

    def assert_live_matches_truth(self, sim) -> None:
        """After a sweep, core's live records are exactly the API's, entity by entity."""
        for entity in SWEPT:
            truth = {r["id"]: bool(r.get("is_deleted")) for r in sim.truth(entity)}
            core = self.flags(entity)
            live = {i for i, f in core.items() if not f[0]}
            assert {i for i, deleted in truth.items() if not deleted} == live, entity
            assert all(core[i][0] for i, deleted in truth.items() if deleted), entity


@pytest.fixture
def lake(monkeypatch, tmp_path, pg_url, db):
    for name in [k for k in os.environ if k.startswith(("PIPEDRIVE_", "LAKE_", "SWEEP_"))]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("LAKE_ROOT", str(tmp_path / "lake"))
    monkeypatch.setenv("LOG_DIR", str(tmp_path / "logs"))
    get_settings.cache_clear()
    yield Lake(monkeypatch, tmp_path, db)
    get_settings.cache_clear()


def live_deals(sim) -> list[int]:
    return [d["id"] for d in sim.truth("deals") if not d["is_deleted"]]


def purge_unseen(sim, deal_id: int) -> None:
    """The pipeline is down while a deal is deleted and, 30 days later, purged."""
    sim.delete("deals", deal_id)
    sim.advance(days=40, changes=0)
    assert deal_id not in {d["id"] for d in sim.truth("deals")}


def test_a_deal_purged_while_the_pipeline_was_down_is_flagged_by_the_sweep_and_a_second_sweep_flags_nothing(lake):
    with PipedriveSimulator(seed=21, token=PIPEDRIVE_SIM_TOKEN, start=EARLY) as sim:
        lake.point("down", sim)
        lake.run()
        gone, recent = live_deals(sim)[:2]
        purge_unseen(sim, gone)
        sim.delete("deals", recent)  # deleted within the 30 days: the API still reports it
        lake.run()
        deals = lake.flags()
        assert deals[gone][:2] == (False, None), "no incremental run can hear of a purged deletion"
        assert deals[recent][:2] == (True, "source")
        watermarks = {e: read_watermark(lake.store, "pipedrive", "down", e) for e in SWEPT}

        lake.run("--sweep-deletions")
        [(status, flagged, restored, started_at, kept)] = lake.sweeps()
        deals = lake.flags()
        assert deals[gone] == (True, "sweep", started_at)
        deleted_at = parse_ts(next(d for d in sim.truth("deals") if d["id"] == recent)["update_time"])
        assert deals[recent] == (True, "source", deleted_at)
        assert (status, flagged, restored, kept) == ("applied", 1, 0, len(sim.truth("deals")))
        for entity in ("persons", "organizations", "activities"):
            assert [s[:3] for s in lake.sweeps(entity)] == [("applied", 0, 0)]
        assert {e: read_watermark(lake.store, "pipedrive", "down", e) for e in SWEPT} == watermarks
        assert read_last_sweep(lake.store, "pipedrive", "down", "deals")["started_at"] == started_at.strftime(
            "%Y-%m-%dT%H:%M:%SZ")
        lake.assert_live_matches_truth(sim)
        [(rows_out,)] = lake.query("select rows_out from meta.pipeline_runs where stage = 'normalize' and "
                                   "source = 'pipedrive' and entity = 'deals' order by run_id desc limit 1")
        assert rows_out >= 1, "the flagged row counts in the normalize run's rows_out"

        before = {e: lake.flags(e) for e in SWEPT}
        lake.run("--sweep-deletions")
        assert [s[:3] for s in lake.sweeps()] == [("applied", 1, 0), ("applied", 0, 0)]
        assert [s[4] for s in lake.sweeps()] == [0, len(sim.truth("deals"))], "only the newest sweep keeps its ids"
        assert {e: lake.flags(e) for e in SWEPT} == before

        # A full normalize re-upserts every stored version (turning the flag back), then re-applies the
        # newest sweep; replaying bronze records the sweeps again: either way core ends where it was.
        assert normalize_pipedrive.main(["--full"]) == 0
        assert {i: f[:2] for i, f in lake.flags().items()} == {i: f[:2] for i, f in before["deals"].items()}
        assert lake.sweeps()[-1][:2] == ("applied", 1)
        assert load_pipedrive_stg.main(["--rebuild", "--scope", "down"]) == 0
        assert normalize_pipedrive.main(["--full"]) == 0
        assert lake.flags()[gone][:2] == (True, "sweep")
        lake.assert_live_matches_truth(sim)


def test_records_created_after_the_sweep_began_are_not_flagged(lake):
    with PipedriveSimulator(seed=22, token=PIPEDRIVE_SIM_TOKEN, start=EARLY) as sim:
        lake.point("late", sim)
        lake.run()
        assert lake.extract("--sweep-deletions") == 0   # the listing ...
        changes = sim.advance(hours=2, changes=40)       # ... then records are created, changed, deleted
        created = [(c["entity"], c["id"]) for c in changes if c["op"].startswith("create")]
        assert {e for e, _ in created} >= {"deals", "activities"}
        lake.run()   # the next incremental run brings them; the sweep's listing never had them
        for entity, record_id in created:
            assert lake.flags(entity)[record_id][:2] == (False, None), (entity, record_id)
        assert [s[:2] for s in lake.sweeps()] == [("applied", 0)]
        lake.assert_live_matches_truth(sim)


def test_a_sweep_stopped_by_the_budget_or_killed_flags_nothing_and_the_next_complete_one_does(lake):
    with PipedriveSimulator(seed=23, token=PIPEDRIVE_SIM_TOKEN, start=EARLY, deals=1200) as sim:
        lake.point("cut", sim)
        lake.run()
        gone = live_deals(sim)[0]
        purge_unseen(sim, gone)
        sim.limiter.daily_budget = 25   # organizations, persons and the first of three deal pages
        sim.reset_daily_budget()
        assert lake.extract("--sweep-deletions") == 1
        lake.load_and_normalize()
        assert lake.flags()[gone][:2] == (False, None)
        assert [s[0] for s in lake.sweeps()] == ["incomplete"] and lake.sweeps()[0][4] == 0
        assert [s[0] for s in lake.sweeps("persons")] == ["applied"] and lake.sweeps("activities") == []

        sim.limiter.daily_budget = None
        sim.slow(5, 1.0, path="/api/v2/deals")
        proc = subprocess.Popen([sys.executable, "-m", "extract.pipedrive_bronze", "--sweep-deletions", "--entity",
                                 "deals"], env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while time.time() < deadline and not any(r["path"] == "/api/v2/deals" for r in sim.requests[-2:]):
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        lake.load_and_normalize()
        assert lake.flags()[gone][:2] == (False, None)
        assert [s[0] for s in lake.sweeps()] == ["incomplete"], "a killed sweep leaves no run to record"

        sim.clear_faults()
        lake.run("--sweep-deletions", "--entity", "deals")
        assert [s[:2] for s in lake.sweeps()] == [("incomplete", None), ("applied", 1)]
        assert lake.flags()[gone][:2] == (True, "sweep")


def write_run(lake, entity: str, records: list[dict], *, mode: str) -> None:
    """A bronze run as the extractor writes it (records as an API would have sent them)."""
    writer = RunWriter(lake.store, "pipedrive", lake.scope, entity, started_at=dt.datetime.now(dt.timezone.utc),
                       extractor_version="test")
    for record in records:
        writer.write(record)
    writer.commit(cursor_field=None, watermark_from=None, watermark_to=None, mode=mode)


def bronze_versions(lake, entity: str, record_id: int) -> list[dict]:
    store, found = lake.store, []
    for run in complete_runs(store, "pipedrive", lake.scope, entity):
        for part in run.manifest(store)["parts"]:
            found += [r for _, line in iter_lines(store, part["path"]) if (r := json.loads(line))["id"] == record_id]
    return found


def test_a_flagged_record_that_comes_back_is_live_again_by_a_new_version_or_by_the_next_listing(lake):
    with PipedriveSimulator(seed=24, token=PIPEDRIVE_SIM_TOKEN, start=EARLY) as sim:
        lake.point("back", sim)
        lake.run()
        undeleted, reappeared = live_deals(sim)[:2]
        purge_unseen(sim, undeleted)
        purge_unseen(sim, reappeared)
        lake.run()
        lake.run("--sweep-deletions")
        assert lake.flags()[undeleted][:2] == lake.flags()[reappeared][:2] == (True, "sweep")

        # Undeleted: a newer version. The sweep's flag is not a version, so "never older" lets it in.
        back = dict(bronze_versions(lake, "deals", undeleted)[0], title="back again", update_time=sim.now_iso)
        write_run(lake, "deals", [back], mode="incremental")
        lake.load_and_normalize()
        assert lake.flags()[undeleted] == (False, None, None)

        # Visible again with the very version core holds (the loader stores nothing new): the next
        # complete listing that has it takes the sweep's flag back.
        listing = sim.truth("deals") + [back] + bronze_versions(lake, "deals", reappeared)[:1]
        write_run(lake, "deals", listing, mode="sweep")
        lake.load_and_normalize()
        assert lake.flags()[reappeared] == (False, None, None)
        assert lake.sweeps()[-1][:3] == ("applied", 0, 1)


def test_a_listing_that_lost_most_records_is_refused_until_forced(lake):
    with PipedriveSimulator(seed=25, token=PIPEDRIVE_SIM_TOKEN, start=EARLY) as sim, \
            PipedriveSimulator(seed=25, token=PIPEDRIVE_SIM_TOKEN, start=EARLY, deals=12) as narrow:
        lake.point("guard", sim)
        lake.run()
        live_before = {i for i, f in lake.flags().items() if not f[0]}
        lake.point("guard", narrow)   # the same account seen through a token that lost visibility
        lake.run("--sweep-deletions", "--entity", "deals")
        assert [s[:2] for s in lake.sweeps()] == [("refused", 0)]
        narrow_ids = {d["id"] for d in narrow.truth("deals")}   # their versions did load
        assert {i for i, f in lake.flags().items() if not f[0]} >= live_before - narrow_ids
        assert not any(f[1] == "sweep" for f in lake.flags().values())
        with lake.db.cursor() as cur:   # an operator who checked: the deletions are real
            cur.execute("update meta.sweeps set status = 'complete', is_forced = true where scope = 'guard'")
        lake.db.commit()
        lake.load_and_normalize()
        [(status, flagged, *_)] = lake.sweeps()
        assert status == "applied" and flagged > len(live_before) / 2
        assert sum(f[1] == "sweep" for f in lake.flags().values()) == flagged


def test_usage_errors_a_source_with_nothing_to_sweep_and_when_a_sweep_is_due(lake, pipedrive_sim):
    lake.point("due", pipedrive_sim)
    assert pipedrive_bronze.main(["--sweep-deletions", "--since", "2026-01-01"]) == 2
    assert pipedrive_bronze.main(["--sweep-deletions", "--full-refresh"]) == 2
    assert pipedrive_bronze.main(["--sweep-deletions", "--entity", "pipelines"]) == 2
    assert zendesk_bronze.main(["--sweep-deletions"]) == 0, "Zendesk's exports report deletions: nothing to list"
    settings = get_settings()
    source = pipedrive_bronze.EXTRACTOR
    assert sweep_due(settings, source)
    results = []   # what the daily runner records: marked as a sweep, not the entity's daily volume
    assert pipedrive_bronze.main(["--sweep-deletions", "--entity", "deals"], results=results) == 0
    assert [(r.entity, r.sweep, r.watermark_before == r.watermark_after) for r in results] == [("deals", True, True)]
    assert sweep_due(settings, source), "persons, organizations and activities were never swept"
    assert lake.extract("--sweep-deletions") == 0
    now = dt.datetime.now(dt.timezone.utc)
    assert not sweep_due(settings, source, now + dt.timedelta(days=6))
    assert sweep_due(settings, source, now + dt.timedelta(days=7))
    every_3 = Settings.from_env({**settings.environ, "SWEEP_DELETIONS_EVERY_DAYS": "3"})
    assert sweep_due(every_3, source, now + dt.timedelta(days=3))
    assert not sweep_due(Settings.from_env({**settings.environ, "SWEEP_DELETIONS_EVERY_DAYS": "0"}), source)
    with pytest.raises(SettingsError, match="SWEEP_DELETIONS_EVERY_DAYS"):
        sweep_due(Settings.from_env({**settings.environ, "SWEEP_DELETIONS_EVERY_DAYS": "weekly"}), source)
