"""A load or --rebuild interrupted half-way ends with exit 1 and one line, and stg stays convergent.

- --rebuild swaps an entity in one transaction: a part found unreadable after the rebuild's proof, or a
  database session terminated during its COPY, leaves the old stg rows, ledger and rejected rows (issue 9,
  point 1).
- A backend terminated during a daily load's COPY gives one clear line, no traceback (psycopg2 used to
  print a SystemError and four chained tracebacks), and the next load loads that part exactly once
  (issue 9, point 7a).
Against a real PostgreSQL; the terminations are real (pg_terminate_backend from a second session).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

from lake.sources.pipedrive import ENTITIES, SOURCE
from lake.store.local import LocalStore
from load import cli, engine, load_pipedrive_stg
from load.engine import load_source
from tests.test_load_engine import T0, deal, empty_tables, query, stg_rows, store, write_run  # noqa: F401  (fixtures)
from tests.test_load_pipedrive_stg import lake  # noqa: F401  (fixture)

REPO = Path(__file__).resolve().parents[1]
DEALS = next(e for e in ENTITIES if e.name == "deals")


def snapshot(db) -> tuple:
    """What a rebuild must either replace whole or leave exactly as it was."""
    return (stg_rows(db),
            query(db, "SELECT blob_path, load_id, sha256, rows, rows_duplicate FROM meta.loaded_files ORDER BY 1"),
            query(db, "SELECT _blob_path, _line_no, reason_code, load_id FROM meta.rejected_rows ORDER BY 1, 2"),
            query(db, "SELECT DISTINCT _load_id FROM stg_pipedrive.deals_raw ORDER BY 1"))


class TruncatedAfterFirstRead(LocalStore):
    """One part reads intact once (the rebuild's proof looks at its first bytes), then arrives truncated, as
    if the disk went bad between the proof and the reload."""

    def __init__(self, root, victim: str):
        super().__init__(root)
        self.victim, self.reads = victim, 0

    def open(self, path: str):
        if path != self.victim:
            return super().open(path)
        self.reads += 1
        with super().open(path) as f:
            data = f.read()
        return io.BytesIO(data if self.reads == 1 else data[: len(data) // 2])


def test_a_rebuild_that_finds_a_part_unreadable_half_way_leaves_the_old_stg_ledger_and_rejects(
        lake, db, tmp_path, monkeypatch, capsys):
    runs = [write_run(lake, [deal(i) for i in range(8)] + [b"not json"], max_records=3),
            write_run(lake, [deal(1, title="v2", update_time="2026-11-20T07:00:00Z")],
                      started_at=T0 + dt.timedelta(hours=1))]
    assert load_pipedrive_stg.main(["--entity", "deals"]) == 0
    before = snapshot(db)
    assert len(before[0]) == 9 and len(before[2]) == 1
    victim = runs[0]["parts"][1]["path"]  # not the first part: the rebuild has loaded one by then
    monkeypatch.setattr(cli, "open_store", lambda settings: TruncatedAfterFirstRead(tmp_path / "lake", victim))
    capsys.readouterr()
    assert load_pipedrive_stg.main(["--entity", "deals", "--rebuild"]) == 1
    assert snapshot(db) == before
    [(status, error)] = query(db, "SELECT status, error FROM meta.pipeline_runs ORDER BY run_id DESC LIMIT 1")
    assert status == "failed" and "rebuild rolled back" in error and victim in error
    err = capsys.readouterr().err
    errors = [line for line in err.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "rebuild rolled back" in errors[0] and "Traceback" not in err

    monkeypatch.undo()  # the part reads fine again: the rebuild goes through, to the same rows
    assert load_pipedrive_stg.main(["--entity", "deals", "--rebuild"]) == 0
    after = snapshot(db)
    assert after[0] == before[0] and [r[2:] for r in after[1]] == [r[2:] for r in before[1]]
    assert len(after[3]) == 1 and after[3] != before[3]  # every row reloaded by the one rebuild


def test_a_rebuild_in_one_transaction_merges_parts_and_records_multi_part_sweeps(db, store, monkeypatch):
    """Several parts in one transaction: temp tables of the merge path and of sweep ids must not collide."""
    from lake.bronze import RunWriter
    writer = RunWriter(store, SOURCE, "default", "deals", started_at=T0, extractor_version="test/1", max_records=2)
    for i in range(6):
        writer.write(deal(i))
    writer.commit(cursor_field=None, watermark_from=None, watermark_to=None, mode="sweep")
    write_run(store, [deal(i, title="v2") for i in range(5)], started_at=T0 + dt.timedelta(hours=1), max_records=2)
    [first] = load_source(db, store, SOURCE, [DEALS])
    before = snapshot(db)
    sweeps = query(db, "SELECT run_id, status, ids_listed FROM meta.sweeps")
    assert first.status == "success" and sweeps[0][1:] == ("complete", 6)
    monkeypatch.setattr(engine, "VERSION_MEMO_LIMIT", 0)  # every part after the first takes the merge path
    [again] = load_source(db, store, SOURCE, [DEALS], rebuild=True)
    assert (again.status, again.files) == ("success", 6)
    assert snapshot(db)[0] == before[0]
    assert query(db, "SELECT run_id, status, ids_listed FROM meta.sweeps") == sweeps


# ---- a real terminated backend, from a second session ----

def _env(tmp_path, pg_url) -> dict:
    return {**os.environ, "DATABASE_URL": pg_url, "LAKE_ROOT": str(tmp_path / "lake"), "LOG_DIR": str(tmp_path / "logs")}


def _loader(env, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "load.load_pipedrive_stg", "--entity", "deals", *args], cwd=REPO,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _terminated_during_copy(proc: subprocess.Popen, pg_url: str, rows: int = 20_000) -> tuple[int, str]:
    """Terminate the loader's session while its COPY is under way (between 1 and 3/4 of the part's rows in,
    so it cannot finish first); its exit code and stderr."""
    terminated, deadline = False, time.monotonic() + 60
    with contextlib.closing(psycopg2.connect(pg_url)) as admin:
        admin.autocommit = True  # (not `with connect()`: that is one transaction, pg_stat_activity frozen in it)
        with admin.cursor() as cur:
            while not terminated and proc.poll() is None and time.monotonic() < deadline:
                cur.execute("SELECT pg_terminate_backend(a.pid) FROM pg_stat_activity AS a "
                            "JOIN pg_stat_progress_copy AS c USING (pid) "
                            "WHERE a.application_name = 'load_pipedrive_stg' AND c.tuples_processed BETWEEN 1 AND %s",
                            (rows * 3 // 4,))
                terminated = any(ok for (ok,) in cur.fetchall())
    err = proc.communicate(timeout=60)[1].decode()
    assert terminated, f"the COPY ended before it could be terminated (make the part bigger):\n{err}"
    return proc.returncode, err


def _big_part(store) -> dict:
    """One part of a few MB (COPY takes long enough to be caught mid-way)."""
    return write_run(store, [deal(i, pad="x" * 300) for i in range(20_000)], max_records=20_000)


def test_a_backend_terminated_during_copy_ends_the_load_with_one_line_and_the_next_load_converges(
        tmp_path, pg_url, db):
    env, part = _env(tmp_path, pg_url), _big_part(LocalStore(tmp_path / "lake"))["parts"][0]["path"]
    code, err = _terminated_during_copy(_loader(env), pg_url)
    assert code == 1
    assert "Traceback" not in err and "SystemError" not in err and "During handling" not in err
    errors = [line for line in err.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and f"the database connection was lost during COPY of {part} (" in errors[0]
    assert errors[0].endswith("nothing of that part was committed, rerun the load")
    assert "terminating connection due to administrator command" in errors[0]
    assert query(db, "SELECT count(*) FROM meta.loaded_files") == [(0,)] and stg_rows(db) == set()

    assert _loader(env).wait(120) == 0
    assert query(db, "SELECT count(*), count(DISTINCT (_blob_path, _line_no)), count(DISTINCT record_id) "
                     "FROM stg_pipedrive.deals_raw") == [(20_000, 20_000, 20_000)]
    assert query(db, "SELECT blob_path, rows FROM meta.loaded_files") == [(part, 20_000)]


def test_a_rebuild_whose_session_is_terminated_during_copy_leaves_the_old_stg(tmp_path, pg_url, db):
    env = _env(tmp_path, pg_url)
    _big_part(LocalStore(tmp_path / "lake"))
    assert _loader(env).wait(120) == 0
    before = snapshot(db)
    code, err = _terminated_during_copy(_loader(env, "--rebuild"), pg_url)
    assert code == 1
    assert snapshot(db) == before
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "connection was lost" in errors[0] and "rolled back whole" in errors[0]
