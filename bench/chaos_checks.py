"""What `python -m bench.chaos` checks after each kill and rerun: nothing stuck, nothing lost, core as if
nothing had happened.

Data flow: the chaos database + lake, the reference database, the simulators (World) -> check() -> Checks:
           stuck runs (meta.pipeline_runs 'running'), lost rows (truth vs core), bad lines lost (bronze
           manifests vs stg + meta.rejected_rows + duplicates), core rows that differ from the reference
           run's, and the end-to-end tests' field-by-field comparison with the simulators' truth.
Run standalone: imported by bench/chaos.py.

Reused, not copied: the core snapshot (every column but lineage) of tests/test_crash_convergence.py and the
truth comparisons of tests/test_{pipedrive,zendesk}_end_to_end.py (their assertions, caught here). The
snapshot is only taken of a table whose server-side fingerprint differs: a full one of both databases
costs seconds per kill at this size, a fingerprint a tenth of that.
"""
from __future__ import annotations

import collections
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from lake.bronze import complete_runs
from lake.sources import SOURCES, source_entities
from lake.store.local import LocalStore
from load.lines import parse_version
from tests.test_crash_convergence import LINEAGE, core_snapshot
from tests.test_pipedrive_end_to_end import assert_core_matches_truth as pipedrive_matches_truth
from tests.test_zendesk_end_to_end import assert_core_matches_truth as zendesk_matches_truth

# Columns that say when this database first met a row (its wall clock), not what the row is: like lineage,
# they differ between two databases fed the same history.
WALL_CLOCK = {"custom_columns": "created_at", "dim_scope": "first_seen_at"}
MATCHES_TRUTH = {"pipedrive": pipedrive_matches_truth, "zendesk": zendesk_matches_truth}
# (source, entity) -> (core table, its id column): the records whose presence and version are counted.
CORE_KEYS = {
    ("pipedrive", "deals"): ("pd_deals", "deal_id"), ("pipedrive", "persons"): ("pd_persons", "person_id"),
    ("pipedrive", "organizations"): ("pd_organizations", "organization_id"),
    ("pipedrive", "activities"): ("pd_activities", "activity_id"), ("pipedrive", "users"): ("pd_users", "user_id"),
    ("pipedrive", "pipelines"): ("pd_pipelines", "pipeline_id"), ("pipedrive", "stages"): ("pd_stages", "stage_id"),
    ("zendesk", "tickets"): ("zd_tickets", "ticket_id"), ("zendesk", "users"): ("zd_users", "user_id"),
    ("zendesk", "organizations"): ("zd_organizations", "organization_id"),
    ("zendesk", "groups"): ("zd_groups", "group_id"), ("zendesk", "ticket_fields"): ("zd_ticket_fields", "ticket_field_id"),
    ("zendesk", "ticket_forms"): ("zd_ticket_forms", "ticket_form_id"),
}


@dataclass
class Checks:
    stuck: list[int] = field(default_factory=list)        # run ids still 'running' after the rerun
    lost: int = 0                                         # truth records missing from core, or older there
    bad_lines_lost: int = 0                               # bronze lines in neither stg nor the ledger
    lines: int = 0                                        # committed bronze lines, for scale
    core_diff: int = 0                                    # core rows not in the reference (either way)
    notes: list[str] = field(default_factory=list)        # what differed, briefly

    @property
    def ok(self) -> bool:
        return not (self.stuck or self.lost or self.bad_lines_lost or self.core_diff or self.notes)


def rows(url: str, query: str, params=None) -> list[tuple]:
    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall()
    finally:
        conn.close()


def stuck_runs(url: str) -> list[int]:
    return [r for (r,) in rows(url, "select run_id from meta.pipeline_runs where status = 'running' order by 1")]


def newest_version(record: dict, fields: tuple[str, ...]):
    """The record's version as the loader reads it: the first of the entity's version fields with a value."""
    for name in fields:
        if record.get(name) is not None:
            return parse_version(record[name])
    return None


def lost_rows(url: str, world) -> tuple[int, list[str]]:
    """Records the simulators have that core lacks (a real row, not an inferred placeholder), or holds at an
    older version (_source_updated_at) than the simulator's current one."""
    lost, notes = 0, []
    for source in SOURCES:
        for entity in source_entities(source):
            if (source, entity.name) not in CORE_KEYS:
                continue
            table, key = CORE_KEYS[source, entity.name]
            inferred = rows(url, "select count(*) from information_schema.columns where table_schema = 'core' "
                                 "and table_name = %s and column_name = 'is_inferred'", (table,))[0][0]
            core = dict(rows(url, f"select {key}, _source_updated_at from core.{table} where scope = 'default'"
                                  + (" and not is_inferred" if inferred else "")))
            missing = older = 0
            for record in world.truth(source, entity.name):
                if record["id"] not in core:
                    missing += 1
                    continue
                version, have = newest_version(record, entity.version_fields), core[record["id"]]
                older += version is not None and (have is None or have < version)
            if missing or older:
                notes.append(f"{table}: {missing} missing, {older} older")
            lost += missing + older
    return lost, notes


def ledger(url: str, lake: Path) -> tuple[int, int, list[str]]:
    """(bronze lines, lines lost, notes): every line of every committed part is in stg, or rejected without
    a repair, or counted as a duplicate of the stored version (meta.loaded_files.rows_duplicate), or in a
    quarantined part or run. A committed part that was never loaded counts whole."""
    store, parts = LocalStore(lake), {}
    for source in SOURCES:
        for run in complete_runs(store, source):
            for part in run.manifest(store)["parts"]:
                parts[part["path"]] = part["rows"]
    loaded = {path: (n, dup) for path, n, dup in rows(url, "select blob_path, rows, rows_duplicate from meta.loaded_files")}
    stored = collections.Counter()
    for schema, table in rows(url, "select table_schema, table_name from information_schema.tables where "
                                   "table_schema like 'stg\\_%' and table_name like '%\\_raw'"):
        stored.update(dict(rows(url, f'select _blob_path, count(*) from "{schema}"."{table}" group by 1')))
    rejected = dict(rows(url, "select _blob_path, count(distinct _line_no) from meta.rejected_rows "
                              "where not is_repaired group by 1"))
    set_aside = [p for (p,) in rows(url, "select blob_path from meta.quarantined_parts where released_at is null")]
    lines = lost = 0
    notes = []
    for path, n in parts.items():
        lines += n
        if any(path == q or (q.endswith("/") and path.startswith(q)) for q in set_aside):
            continue
        if path not in loaded:
            lost += n
            notes.append(f"not loaded: {path} ({n} lines)")
            continue
        accounted = stored[path] + rejected.get(path, 0) + loaded[path][1]
        if accounted != n or loaded[path][0] != n:
            lost += max(0, n - accounted)
            notes.append(f"ledger {path}: {n} lines, loaded_files.rows {loaded[path][0]}, stg {stored[path]}, "
                         f"rejected {rejected.get(path, 0)}, duplicates {loaded[path][1]}")
    return lines, lost, notes


def columns(url: str, table: str) -> list[str]:
    """The columns core_snapshot() compares (all but lineage), less the table's wall-clock column."""
    return [c for (c,) in rows(url, "select column_name from information_schema.columns where table_schema = "
                                    "'core' and table_name = %s order by ordinal_position", (table,))
            if c not in LINEAGE and c != WALL_CLOCK.get(table)]


def fingerprints(url: str, tables: list[str]) -> dict[str, tuple]:
    """(rows, sum of row hashes) per table, computed by the server: equal multisets of rows give equal
    fingerprints, so only a table that differs is fetched and compared row by row."""
    found = {}
    for table in tables:
        cols = ", ".join(f'"{c}"' for c in columns(url, table))
        found[table] = rows(url, f"select count(*), coalesce(sum(hashtextextended(row({cols})::text, 0)), 0) "
                                 f"from core.{table}")[0]
    return found


def snapshot(url: str, table: str) -> list[str]:
    if table not in WALL_CLOCK:
        return core_snapshot(url, [table])[table]
    return sorted(map(repr, rows(url, f"select {', '.join(columns(url, table))} from core.{table}")))


def core_diff(url: str, reference: str) -> tuple[int, list[str]]:
    """Core rows (every column but lineage) in one database and not the other, table by table."""
    tables = [t for (t,) in rows(reference, "select table_name from information_schema.tables where "
                                            "table_schema = 'core' and table_type = 'BASE TABLE' order by 1")]
    mine, theirs = fingerprints(url, tables), fingerprints(reference, tables)
    total, notes = 0, []
    for table in (t for t in tables if mine[t] != theirs[t]):
        a, b = collections.Counter(snapshot(url, table)), collections.Counter(snapshot(reference, table))
        extra, missing = sum((a - b).values()), sum((b - a).values())
        total += extra + missing
        notes.append(f"core.{table}: {missing} rows of the reference missing, {extra} rows not in it")
    return total, notes


def matches_truth(url: str, world) -> list[str]:
    """The end-to-end tests' field-by-field comparison of core with the simulators; what it asserted, if anything."""
    failed = []
    for source in SOURCES:
        conn = psycopg2.connect(url)
        try:
            MATCHES_TRUTH[source](conn, world.sims[source])
        except (AssertionError, LookupError) as exc:  # a missing record can surface as a KeyError there
            failed.append(f"{source} truth: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else '-'}")
        finally:
            conn.close()
    return failed


def check(url: str, lake: Path, reference: str, world) -> Checks:
    checks = Checks(stuck=stuck_runs(url))
    checks.lost, notes = lost_rows(url, world)
    checks.notes += notes
    checks.lines, checks.bad_lines_lost, notes = ledger(url, lake)
    checks.notes += notes
    checks.core_diff, notes = core_diff(url, reference)
    checks.notes += notes
    checks.notes += matches_truth(url, world)
    return checks
