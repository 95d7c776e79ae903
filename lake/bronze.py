"""The bronze run protocol: bounded gzipped JSONL parts, then _manifest.json, then _watermark.json.

Data flow: extractor -> RunWriter.write(record)... -> RunWriter.commit(watermark) -> store;
           loader <- complete_runs(store, source) <- store.list('bronze/{source}/').
Run standalone: python -c "from lake.bronze import *; from lake.store import open_store; print(complete_runs(open_store(), 'pipedrive'))"

Layout (DESIGN.md §2):
  bronze/{source}/scope={scope}/entity={entity}/ingestion_date={YYYY-MM-DD}/run_id={ts}/part-{N}.jsonl.gz
  .../run_id={ts}/_manifest.json        written after every part: its presence makes the run visible
  bronze/{source}/scope={scope}/entity={entity}/_watermark.json   written last
  bronze/{source}/scope={scope}/entity={entity}/_sweep.json       after a complete deletion sweep (mode
  'sweep': every current record listed, the watermark untouched): when the last one ran, for scheduling
A writer that dies before its manifest leaves parts nobody reads and a watermark that did not move;
the rerun writes a new run_id, so nothing is ever overwritten.
Parts are gzipped into a temp file on disk while they fill, so memory stays flat whatever the volume.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from typing import Iterator

from lake.store import Store

MAX_PART_RECORDS = 50_000
MAX_PART_BYTES = 64 * 1024 * 1024  # uncompressed
RUN_RE = re.compile(r"^bronze/(?P<source>[^/]+)/scope=(?P<scope>[^/]+)/entity=(?P<entity>[^/]+)/"
                    r"ingestion_date=(?P<date>\d{4}-\d{2}-\d{2})/run_id=(?P<run_id>[^/]+)/_manifest\.json$")


def entity_prefix(source: str, scope: str, entity: str) -> str:
    return f"bronze/{source}/scope={scope}/entity={entity}/"


RUN_ID_FORMAT = "%Y%m%dT%H%M%S%fZ"
# Clocks of the hosts that extract, load and check differ a little; a time later than a run's start by more
# than this is not skew but a bad value (a watermark, a record's version: DESIGN.md §5).
CLOCK_SKEW = dt.timedelta(minutes=5)


def new_run_id(started_at: dt.datetime) -> str:
    """Sortable, unique per microsecond: 20261122T041500123456Z."""
    return started_at.astimezone(dt.timezone.utc).strftime(RUN_ID_FORMAT)


def run_started_at(run_id: str) -> dt.datetime | None:
    """When a run began, from its run_id (None for a run_id not in that form)."""
    try:
        return dt.datetime.strptime(run_id, RUN_ID_FORMAT).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return None


def encode_line(record: dict) -> bytes:
    # ensure_ascii=False keeps text as the API sent it; one object per line.
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


class RunWriter:
    """Streams records of one source/scope/entity run into bounded parts, then commits."""

    def __init__(self, store: Store, source: str, scope: str, entity: str, *, started_at: dt.datetime,
                 extractor_version: str, max_records: int = MAX_PART_RECORDS, max_bytes: int = MAX_PART_BYTES):
        self.store, self.source, self.scope, self.entity = store, source, scope, entity
        self.started_at = started_at
        self.run_id = new_run_id(started_at)
        self.run_dir = (f"{entity_prefix(source, scope, entity)}ingestion_date={started_at:%Y-%m-%d}/"
                        f"run_id={self.run_id}/")
        self.extractor_version = extractor_version
        self.max_records, self.max_bytes = max_records, max_bytes
        self.parts: list[dict] = []
        self.rows = 0
        self._tmp = self._gz = None
        self._part_rows = self._part_bytes = 0

    def write(self, record: dict) -> None:
        line = encode_line(record)
        if self._gz is None:
            self._tmp = tempfile.TemporaryFile()
            self._gz = gzip.GzipFile(fileobj=self._tmp, mode="wb", compresslevel=6, mtime=0)
        self._gz.write(line)
        self._part_rows += 1
        self._part_bytes += len(line)
        self.rows += 1
        if self._part_rows >= self.max_records or self._part_bytes >= self.max_bytes:
            self._flush_part()

    def _flush_part(self) -> None:
        if self._gz is None:
            return
        self._gz.close()
        tmp, self._gz = self._tmp, None
        size, digest = tmp.tell(), hashlib.sha256()
        tmp.seek(0)
        for chunk in iter(lambda: tmp.read(1024 * 1024), b""):
            digest.update(chunk)
        tmp.seek(0)
        path = f"{self.run_dir}part-{len(self.parts):05d}.jsonl.gz"
        if not self.store.put_if_absent(path, tmp) and _sha256(self.store, path) != digest.hexdigest():
            # A False with our own bytes there is a retried create that had succeeded; anything else
            # is another writer's object, which we must never overwrite.
            raise FileExistsError(f"bronze part already exists, refusing to overwrite: {path}")
        tmp.close()
        self.parts.append({"path": path, "rows": self._part_rows, "bytes": size, "sha256": digest.hexdigest()})
        self._part_rows = self._part_bytes = 0

    def commit(self, *, cursor_field: str | None, watermark_from: str | None, watermark_to: str | None,
               mode: str, stopped_reason: str | None = None, watermark_kind: str | None = None,
               extra: dict | None = None) -> dict:
        """Publish the run (manifest) and then move the entity watermark. Returns the manifest.
        watermark_kind: lake.entities.WATERMARKS ('max_field' when only a cursor_field is given).
        extra: more manifest members (a sweep's listing details)."""
        kind = watermark_kind or ("max_field" if cursor_field else None)
        self._flush_part()
        manifest = {
            "source": self.source, "scope": self.scope, "entity": self.entity, "run_id": self.run_id,
            "ingestion_date": f"{self.started_at:%Y-%m-%d}", "started_at": iso(self.started_at),
            "finished_at": iso(dt.datetime.now(dt.timezone.utc)), "mode": mode,
            "extractor_version": self.extractor_version, "rows": self.rows, "parts": self.parts,
            "bytes": sum(p["bytes"] for p in self.parts), "stopped_reason": stopped_reason,
            "watermark": {"kind": kind, "field": cursor_field, "from": watermark_from, "to": watermark_to},
            **(extra or {}),
        }
        if not self.store.put_if_absent(self.run_dir + "_manifest.json", json.dumps(manifest, indent=1).encode()):
            raise FileExistsError(f"manifest already exists: {self.run_dir}_manifest.json")
        if kind and watermark_to and watermark_to != watermark_from:
            state = {"source": self.source, "scope": self.scope, "entity": self.entity, "kind": kind,
                     "field": cursor_field,
                     "watermark": watermark_to, "run_id": self.run_id}
            self.store.replace(entity_prefix(self.source, self.scope, self.entity) + "_watermark.json",
                               json.dumps(state, indent=1).encode())
        if mode == "sweep" and stopped_reason is None:
            state = {key: manifest[key] for key in ("source", "scope", "entity", "run_id", "started_at", "rows")}
            self.store.replace(entity_prefix(self.source, self.scope, self.entity) + "_sweep.json",
                               json.dumps(state, indent=1).encode())
        return manifest

    def abort(self) -> None:
        """Drop the part being filled (already-uploaded parts stay invisible without a manifest)."""
        if self._gz is not None:
            self._gz.close()
            self._tmp.close()
            self._gz = None


def _sha256(store: Store, path: str) -> str:
    digest = hashlib.sha256()
    with store.open(path) as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def iso(ts: dt.datetime) -> str:
    return ts.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_watermark(store: Store, source: str, scope: str, entity: str) -> str | None:
    try:
        with store.open(entity_prefix(source, scope, entity) + "_watermark.json") as f:
            return json.load(f)["watermark"]
    except FileNotFoundError:
        return None


def read_last_sweep(store: Store, source: str, scope: str, entity: str) -> dict | None:
    """The newest complete deletion sweep of an entity ({run_id, started_at, rows, ...}), or None."""
    try:
        with store.open(entity_prefix(source, scope, entity) + "_sweep.json") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


@dataclass(frozen=True)
class BronzeRun:
    source: str
    scope: str
    entity: str
    ingestion_date: str
    run_id: str
    manifest_path: str

    def manifest(self, store: Store) -> dict:
        with store.open(self.manifest_path) as f:
            return json.load(f)


def complete_runs(store: Store, source: str, scope: str | None = None, entity: str | None = None) -> list[BronzeRun]:
    """Runs whose manifest exists, oldest first (by run_id, then scope/entity for a stable order)."""
    prefix = entity_prefix(source, scope, entity) if scope and entity else (
        f"bronze/{source}/scope={scope}/" if scope else f"bronze/{source}/")
    runs = []
    for path in store.list(prefix):
        m = RUN_RE.match(path)
        if m and (entity is None or m["entity"] == entity):
            runs.append(BronzeRun(m["source"], m["scope"], m["entity"], m["date"], m["run_id"], path))
    return sorted(runs, key=lambda r: (r.run_id, r.scope, r.entity))


def incomplete_run_dirs(store: Store, source: str) -> list[str]:
    """Run folders with parts but no manifest (for the health check)."""
    dirs, complete = set(), set()
    for path in store.list(f"bronze/{source}/"):
        head, _, name = path.rpartition("/")
        if "/run_id=" in head:
            (complete if name == "_manifest.json" else dirs).add(head)
    return sorted(dirs - complete)


def iter_lines(store: Store, part_path: str) -> Iterator[tuple[int, bytes]]:
    """(line_no starting at 1, raw line without newline), streamed."""
    with store.open(part_path) as raw, gzip.GzipFile(fileobj=raw) as gz:
        for line_no, line in enumerate(gz, start=1):
            yield line_no, line.rstrip(b"\n")
