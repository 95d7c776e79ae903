"""Bronze run protocol on the local store: parts, then manifest, then watermark; readers see only complete runs."""
import datetime as dt
import gzip
import hashlib
import json
import subprocess
import sys
import textwrap

from lake.bronze import RunWriter, complete_runs, incomplete_run_dirs, iter_lines, read_watermark
from lake.store.local import LocalStore

T0 = dt.datetime(2026, 11, 20, 6, 0, 0, tzinfo=dt.timezone.utc)


def write_run(store, entity="deals", n=10, started_at=T0, watermark=None, **kw):
    w = RunWriter(store, "pipedrive", "default", entity, started_at=started_at, extractor_version="test/1", **kw)
    for i in range(n):
        w.write({"id": i, "title": f"Deal {i} – ünïcödé 日本 🎉", "update_time": "2026-11-19T10:00:00Z"})
    return w.commit(cursor_field="update_time", watermark_from=None, watermark_to=watermark, mode="incremental")


def test_paths_follow_the_design_layout(tmp_path):
    store = LocalStore(tmp_path)
    m = write_run(store, watermark="2026-11-19T10:00:00Z")
    part = m["parts"][0]["path"]
    assert part == (f"bronze/pipedrive/scope=default/entity=deals/ingestion_date=2026-11-20/"
                    f"run_id={m['run_id']}/part-00000.jsonl.gz")
    assert store.exists(part.rsplit("/", 1)[0] + "/_manifest.json")
    assert store.exists("bronze/pipedrive/scope=default/entity=deals/_watermark.json")


def test_parts_are_bounded_by_records_and_bytes(tmp_path):
    store = LocalStore(tmp_path)
    m = write_run(store, n=25, max_records=10)
    assert [p["rows"] for p in m["parts"]] == [10, 10, 5]
    m2 = write_run(store, n=25, started_at=T0 + dt.timedelta(seconds=1), max_bytes=500)
    assert len(m2["parts"]) > 3 and sum(p["rows"] for p in m2["parts"]) == 25


def test_manifest_describes_parts_exactly(tmp_path):
    store = LocalStore(tmp_path)
    m = write_run(store, n=30, max_records=7, watermark="2026-11-19T10:00:00Z")
    assert m["rows"] == 30 and m["extractor_version"] == "test/1"
    assert m["watermark"] == {"kind": "max_field", "field": "update_time", "from": None, "to": "2026-11-19T10:00:00Z"}
    for p in m["parts"]:
        raw = (tmp_path / p["path"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == p["sha256"] and len(raw) == p["bytes"]
        assert len(gzip.decompress(raw).splitlines()) == p["rows"]


def test_lines_are_the_records_unchanged(tmp_path):
    store = LocalStore(tmp_path)
    m = write_run(store, n=3)
    lines = list(iter_lines(store, m["parts"][0]["path"]))
    assert [n for n, _ in lines] == [1, 2, 3]
    assert json.loads(lines[1][1]) == {"id": 1, "title": "Deal 1 – ünïcödé 日本 🎉", "update_time": "2026-11-19T10:00:00Z"}


def test_reader_lists_complete_runs_in_order(tmp_path):
    store = LocalStore(tmp_path)
    later = write_run(store, started_at=T0 + dt.timedelta(days=1))
    earlier = write_run(store, started_at=T0)
    runs = complete_runs(store, "pipedrive")
    assert [r.run_id for r in runs] == [earlier["run_id"], later["run_id"]]
    assert runs[0].manifest(store)["rows"] == 10


def test_empty_run_is_complete_and_leaves_watermark(tmp_path):
    store = LocalStore(tmp_path)
    write_run(store, watermark="2026-11-19T10:00:00Z")
    m = write_run(store, n=0, started_at=T0 + dt.timedelta(hours=1))
    assert m["parts"] == [] and m["rows"] == 0
    assert read_watermark(store, "pipedrive", "default", "deals") == "2026-11-19T10:00:00Z"


def test_writer_killed_before_manifest_leaves_run_invisible_and_watermark_unmoved(tmp_path):
    store = LocalStore(tmp_path)
    write_run(store, watermark="2026-11-19T10:00:00Z")
    script = textwrap.dedent(f"""
        import datetime as dt, os
        from lake.bronze import RunWriter
        from lake.store.local import LocalStore
        w = RunWriter(LocalStore({str(tmp_path)!r}), "pipedrive", "default", "deals",
                      started_at=dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc), extractor_version="t", max_records=5)
        for i in range(12):
            w.write({{"id": i, "update_time": "2026-11-20T23:00:00Z"}})
        os._exit(9)  # dies hard: parts are written, the manifest never is
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=".", capture_output=True)
    assert proc.returncode == 9, proc.stderr
    orphan = incomplete_run_dirs(store, "pipedrive")
    assert len(orphan) == 1 and "ingestion_date=2026-11-21" in orphan[0]
    assert len(list(store.list(orphan[0] + "/"))) == 2  # two full parts reached the store
    assert len(complete_runs(store, "pipedrive")) == 1
    assert read_watermark(store, "pipedrive", "default", "deals") == "2026-11-19T10:00:00Z"


def test_an_existing_part_is_never_overwritten(tmp_path):
    store = LocalStore(tmp_path)
    m = write_run(store)
    path = m["parts"][0]["path"]
    before = (tmp_path / path).read_bytes()
    w = RunWriter(store, "pipedrive", "default", "deals", started_at=T0, extractor_version="t")  # same run_id
    w.write({"id": 99})
    try:
        w.commit(cursor_field=None, watermark_from=None, watermark_to=None, mode="full")
        raise AssertionError("a second writer with the same run_id must be refused")
    except FileExistsError:
        pass
    assert (tmp_path / path).read_bytes() == before


class RetriedCreateStore(LocalStore):
    """A create whose first attempt succeeded but whose answer was lost: the retry sees 'exists'."""

    def put_if_absent(self, path, data):
        super().put_if_absent(path, data)
        return False


def test_a_retried_create_of_our_own_bytes_counts_as_written(tmp_path):
    store = RetriedCreateStore(tmp_path)
    w = RunWriter(store, "pipedrive", "default", "deals", started_at=T0, extractor_version="t")
    w.write({"id": 1})
    w._flush_part()
    assert w.parts[0]["rows"] == 1
