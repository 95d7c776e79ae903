"""python -m load.quarantine: a bronze part or run that can never load is set aside, and the load is green again.

A corrupt part fails every load until an operator quarantines it with a reason; then the load skips it
(exit 0), loads the rest of its run, and bronze keeps the file byte for byte. --release makes the next
load try it again. The command refuses (exit 2, one line) what is not a part or run of that entity and
scope in the lake, an empty reason, and what is already loaded. Against a real PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import logging

from lake.bronze import RunWriter
from lake.sources.pipedrive import ENTITIES, SOURCE
from load import load_pipedrive_stg, quarantine
from load.engine import load_source
from tests.test_load_engine import T0, deal, empty_tables, query, stg_rows, store, write_run  # noqa: F401  (fixtures)
from tests.test_load_pipedrive_stg import lake  # noqa: F401  (fixture)

DEALS = next(e for e in ENTITIES if e.name == "deals")
WHERE = ["--source", "pipedrive", "--scope", "default", "--entity", "deals"]


def quarantine_main(*args: str) -> int:
    return quarantine.main([*WHERE, *args])


def loaded_paths(db) -> set[str]:
    return {row[0] for row in stg_rows(db)}


def test_a_corrupt_part_fails_every_load_until_quarantined_then_the_rest_loads_and_release_tries_it_again(
        lake, db, tmp_path, caplog):
    m = write_run(lake, [deal(i) for i in range(15)], max_records=5)
    first, bad, last = (p["path"] for p in m["parts"])
    good_bytes = (tmp_path / "lake" / bad).read_bytes()
    (tmp_path / "lake" / bad).write_bytes(good_bytes[:-30])  # a truncated gzip
    corrupt = (tmp_path / "lake" / bad).read_bytes()
    for _ in range(2):  # every day the same
        assert load_pipedrive_stg.main(["--entity", "deals"]) == 1
        assert loaded_paths(db) == {first}

    assert quarantine_main("--part", bad, "--reason", "truncated gzip: the upload was cut off") == 0
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    assert loaded_paths(db) == {first, last}  # the rest of the run loads
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        f"{bad}: quarantined, not loaded (truncated gzip: the upload was cut off; python -m load.quarantine --list)"]
    assert (tmp_path / "lake" / bad).read_bytes() == corrupt  # bronze untouched, byte for byte
    [(kind, path, run_id, rows, reason, by, released)] = query(
        db, "SELECT kind, blob_path, bronze_run_id, rows, reason, quarantined_by, released_at FROM meta.quarantined_parts")
    assert (kind, path, run_id, rows, reason, released) == (
        "part", bad, m["run_id"], 5, "truncated gzip: the upload was cut off", None)
    assert "@" in by
    assert query(db, "SELECT status, rows_out FROM meta.pipeline_runs ORDER BY run_id DESC LIMIT 1") == [("success", 5)]
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0  # and stays green

    assert quarantine_main("--release", "--part", bad) == 0
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 1  # tried again: still corrupt
    assert query(db, "SELECT released_at IS NOT NULL, released_by IS NOT NULL FROM meta.quarantined_parts") == [
        (True, True)]
    (tmp_path / "lake" / bad).write_bytes(good_bytes)  # e.g. restored from a backup
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    assert len(stg_rows(db)) == 15


def test_a_run_with_an_unreadable_manifest_is_quarantined_whole_listed_and_released(lake, db, tmp_path, capsys):
    broken = write_run(lake, [deal(i) for i in range(4)], max_records=2)
    later = write_run(lake, [deal(9)], started_at=T0 + dt.timedelta(hours=1))
    folder = broken["parts"][0]["path"].rpartition("/")[0] + "/"
    (tmp_path / "lake" / folder / "_manifest.json").write_text('{"parts": [')  # cut off
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 1
    assert quarantine_main("--part", broken["parts"][0]["path"], "--reason", "x") == 2
    assert f"quarantine the whole run with --run {broken['run_id']}" in capsys.readouterr().err

    assert quarantine_main("--run", f"run_id={broken['run_id']}", "--reason", "manifest cut off by a full disk") == 0
    assert quarantine_main("--run", broken["run_id"], "--reason", "again") == 0  # already: nothing changed
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    assert loaded_paths(db) == {later["parts"][0]["path"]}
    capsys.readouterr()
    assert quarantine.main(["--list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and f"pipedrive/default/deals run {folder} lines=?: manifest cut off" in out[0]
    assert out[1] == "1 quarantine(s) active"

    assert quarantine_main("--release", "--run", broken["run_id"]) == 0
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 1
    assert quarantine.main(["--list"]) == 0 and capsys.readouterr().out.splitlines()[-1] == "0 quarantine(s) active"
    assert quarantine.main(["--list", "--all"]) == 0 and "[released " in capsys.readouterr().out


def test_the_command_refuses_what_is_not_an_unloaded_part_or_run_of_that_entity_and_scope(lake, db, tmp_path, capsys):
    m = write_run(lake, [deal(i) for i in range(4)], max_records=2)
    other = write_run(lake, [{"id": 1, "name": "Ann"}], entity="persons")
    elsewhere = write_run(lake, [deal(1)], scope="acme")
    part = m["parts"][1]["path"]
    refusals = [
        (["--part", part, "--reason", "   "], "--reason may not be empty"),
        (["--part", part], "--reason may not be empty"),
        (["--part", part.replace("part-00001", "part-00007"), "--reason", "r"], "is not listed in the manifest"),
        (["--part", "data/lake/" + part, "--reason", "r"], "is not a bronze part of pipedrive scope default entity deals"),
        (["--part", other["parts"][0]["path"], "--reason", "r"], "is not a bronze part of"),
        (["--part", elsewhere["parts"][0]["path"], "--reason", "r"], "is not a bronze part of"),
        (["--part", part.replace(m["run_id"], "20200101T000000000000Z"), "--reason", "r"], "not in a complete run"),
        (["--run", "20200101T000000000000Z", "--reason", "r"], "no complete run 20200101T000000000000Z"),
        (["--release", "--part", part], "is not quarantined"),
        (["--reason", "r"], "say what: --part <blob path> or --run <run_id>"),
    ]
    for args, message in refusals:
        capsys.readouterr()
        assert quarantine_main(*args) == 2, args
        err = capsys.readouterr().err.strip().splitlines()
        assert message in err[-1] and "quarantine refused" in err[-1] and "Traceback" not in "".join(err), args
    assert quarantine.main(["--entity", "deals", "--part", part, "--reason", "r"]) == 2  # no source/scope

    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0  # nothing wrong with it: it loads
    capsys.readouterr()
    assert quarantine_main("--part", part, "--reason", "looked odd") == 2
    assert "is already loaded" in capsys.readouterr().err
    assert quarantine_main("--run", m["run_id"], "--reason", "looked odd") == 2
    assert "2 of 2 parts of run" in capsys.readouterr().err
    assert query(db, "SELECT count(*) FROM meta.quarantined_parts") == [(0,)]


def test_a_deletion_sweep_with_a_quarantined_part_loads_its_other_parts_and_is_never_applied(lake, db, tmp_path):
    """A listing with a part missing would flag that part's records as deleted."""
    writer = RunWriter(lake, SOURCE, "default", "deals", started_at=T0, extractor_version="test/1", max_records=2)
    for i in range(6):
        writer.write(deal(i))
    m = writer.commit(cursor_field=None, watermark_from=None, watermark_to=None, mode="sweep")
    bad = m["parts"][1]["path"]
    (tmp_path / "lake" / bad).write_bytes(gzip.compress(b'{"id": 1}\n{"id": 2}\n'))  # sha256 mismatch
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 1
    assert quarantine_main("--part", bad, "--reason", "sha256 does not match the manifest") == 0
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    assert loaded_paths(db) == {m["parts"][0]["path"], m["parts"][2]["path"]}
    # its first part came in before the bad one failed; the sweep stays 'loading': never applied
    assert query(db, "SELECT status FROM meta.sweeps WHERE run_id = %s", m["run_id"]) == [("loading",)]


def test_a_quarantined_part_is_skipped_by_a_rebuild_too(db, store, tmp_path):
    m = write_run(store, [deal(i) for i in range(6)], max_records=2)
    bad = m["parts"][2]["path"]
    (tmp_path / "lake" / bad).write_bytes(b"not gzip at all")
    [failed] = load_source(db, store, SOURCE, [DEALS])
    assert failed.status == "failed"
    with db.cursor() as cur:
        cur.execute("INSERT INTO meta.quarantined_parts (source, scope, entity, kind, blob_path, bronze_run_id, "
                    "reason, quarantined_by) VALUES ('pipedrive', 'default', 'deals', 'part', %s, %s, 'not gzip', "
                    "'test@host')", (bad, m["run_id"]))
    db.commit()
    [result] = load_source(db, store, SOURCE, [DEALS], rebuild=True)
    assert (result.status, result.files, result.quarantined) == ("success", 2, 1)
    assert hashlib.sha256((tmp_path / "lake" / bad).read_bytes()).hexdigest() == \
        hashlib.sha256(b"not gzip at all").hexdigest()
    assert loaded_paths(db) == {p["path"] for p in m["parts"][:2]}


def test_the_health_check_warns_of_a_quarantined_part_instead_of_failing_on_it_as_a_backlog(lake, db, tmp_path):
    from lake.health import run_checks
    from lake.settings import get_settings
    m = write_run(lake, [deal(i) for i in range(10)], max_records=5)  # started T0, days before "now"
    bad = m["parts"][1]["path"]
    (tmp_path / "lake" / bad).write_bytes(b"not gzip at all")
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 1

    def lake_rows():
        return [(r.status, r.measured) for r in run_checks(db, lake, get_settings(), source="pipedrive",
                                                            record=False) if r.check == "lake"]
    assert [s for s, _ in lake_rows()] == ["fail"], "a day-old run not loaded is a backlog"
    assert quarantine_main("--part", bad, "--reason", "not gzip: overwritten by hand") == 0
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    [(status, measured)] = lake_rows()
    assert status == "warn" and bad in measured and "not gzip: overwritten by hand" in measured
