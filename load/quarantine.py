"""Set aside a bronze part or run that can never load, so the daily load stops failing on it; list; release.

Data flow: operator -> python -m load.quarantine -> the lake (a complete run of that source/scope/entity,
           the part listed in its manifest) + meta.loaded_files (not loaded) -> meta.quarantined_parts
           -> load.engine skips what is quarantined and not released (one warning line per part).
Run standalone:
  python -m load.quarantine --source pipedrive --scope S --entity deals \
      --part bronze/pipedrive/scope=S/entity=deals/.../part-00003.jsonl.gz --reason "truncated gzip, ..."
  python -m load.quarantine --source pipedrive --scope S --entity deals --run 20261120T060000123456Z --reason "..."
  python -m load.quarantine --list [--all] [--source pipedrive] [--scope S] [--entity deals]
  python -m load.quarantine --release --source pipedrive --scope S --entity deals (--part P | --run R)

Decisions:
- Bronze is never deleted, moved or rewritten: a quarantine is a row in meta, --release ends it (the
  next load tries the part again) and the row stays as history (released_at, released_by).
- Refused, exit 2, one line: an empty reason; a part that is not listed in the manifest of a complete run
  of that source/scope/entity, or a run that is not a complete run of it; a part already loaded, or a run
  with a part already loaded. Quarantine is for what cannot be loaded: a loaded part's rows are in stg
  and would stay there, so "quarantined" would be untrue. For a run whose first parts loaded before a bad
  one, quarantine the bad part with --part: the run's later parts then load.
- Who: the operating-system user and machine (user@host); when: the database clock.
- It takes the loader's advisory lock 'load:<source>' without waiting (exit 1 while a load or normalize
  holds it), so a part is never set aside while a loader is loading it.
Exit codes: 0 done (or already quarantined: nothing changed); 1 the database cannot be reached or the
lock is held; 2 bad usage, configuration, or a refusal.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import getpass
import logging
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from lake.bronze import complete_runs, entity_prefix
from lake.db import connect
from lake.logs import first_line, setup_logging
from lake.migrate import MigrationError
from lake.settings import SettingsError, get_settings
from lake.sources import SOURCES, source_entities
from lake.store import Store, open_store

log = logging.getLogger("load.quarantine")

SQL_DIR = Path(__file__).with_name("sql")


class Refused(Exception):
    """Bad usage, or a target that is not a loadable-but-unloaded bronze part or run: exit 2."""


@dataclass(frozen=True)
class Target:
    kind: str                  # part | run
    blob_path: str             # the part, or the run folder (ending in '/')
    run_id: str
    parts: tuple[str, ...]     # the part paths it covers
    rows: int | None           # their lines, per the manifest (None: manifest unreadable)


@functools.cache
def _query(name: str) -> str:
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m load.quarantine", description=__doc__.splitlines()[0])
    action = p.add_mutually_exclusive_group()
    action.add_argument("--list", action="store_true", help="show the active quarantines (with --all: released too)")
    action.add_argument("--release", action="store_true", help="end a quarantine: the next load tries it again")
    p.add_argument("--all", action="store_true", help="with --list: released quarantines too")
    p.add_argument("--source", choices=SOURCES)
    p.add_argument("--scope")
    p.add_argument("--entity")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--part", metavar="BLOB_PATH", help="one part, as the load error names it (bronze/...)")
    target.add_argument("--run", metavar="RUN_ID", help="every part of one run (its run_id=... folder name)")
    p.add_argument("--reason", help="why it cannot be loaded (required to quarantine)")
    return p.parse_args(argv)


def check_usage(args: argparse.Namespace) -> None:
    if args.list:
        return
    args.part = args.part.strip() if args.part else None  # pasted from a log line, maybe with a space
    args.run = args.run.strip().strip("/").removeprefix("run_id=") if args.run else None
    missing = [f"--{name}" for name in ("source", "scope", "entity") if not getattr(args, name)]
    if missing:
        raise Refused(f"{', '.join(missing)} required (the part's or run's source, scope and entity)")
    if args.entity not in {e.name for e in source_entities(args.source)}:
        raise Refused(f"unknown entity {args.entity!r} of {args.source}")
    if not (args.part or args.run):
        raise Refused("say what: --part <blob path> or --run <run_id>")
    if not args.release and not (args.reason or "").strip():
        raise Refused("--reason may not be empty: say why it cannot be loaded, for whoever reads it later")


def find_target(store: Store, source: str, scope: str, entity: str, part: str | None, run_id: str | None) -> Target:
    """The part or run as the lake has it; Refused if it is not one of that source/scope/entity."""
    runs = complete_runs(store, source, scope, entity)
    where = f"{source} scope {scope} entity {entity}"
    if run_id:
        run = next((r for r in runs if r.run_id == run_id), None)
        if run is None:
            raise Refused(f"no complete run {run_id} of {where} in the lake (runs without a manifest are "
                          "ignored by the loader already)")
        folder = run.manifest_path.rpartition("/")[0] + "/"
        try:
            listed = _parts(run.manifest(store))
            return Target("run", folder, run_id, tuple(listed), sum(p.get("rows") or 0 for p in listed.values()))
        except (OSError, ValueError, TypeError, AttributeError, KeyError):  # then the files in its folder
            names = tuple(p for p in store.list(folder) if p.rpartition("/")[2].startswith("part-"))
            return Target("run", folder, run_id, names, None)
    if not part.startswith(entity_prefix(source, scope, entity)):
        raise Refused(f"{part} is not a bronze part of {where} (those start with {entity_prefix(source, scope, entity)})")
    for run in runs:
        folder = run.manifest_path.rpartition("/")[0] + "/"
        if part.startswith(folder):
            try:
                listed = _parts(run.manifest(store))
            except (OSError, ValueError, TypeError, AttributeError, KeyError):
                raise Refused(f"the manifest of run {run.run_id} cannot be read, so its parts are unknown: "
                              f"quarantine the whole run with --run {run.run_id}") from None
            if part not in listed:
                raise Refused(f"{part} is not listed in the manifest of run {run.run_id} of {where}")
            return Target("part", part, run.run_id, (part,), listed[part].get("rows"))
    raise Refused(f"{part} is not in a complete run of {where} in the lake (check the path, LAKE_ROOT / LAKE_BACKEND)")


def _parts(manifest: dict) -> dict[str, dict]:
    return {p["path"]: p for p in manifest["parts"]}


def quarantine(conn, args: argparse.Namespace, target: Target, who: str) -> None:
    with conn.cursor() as cur:
        cur.execute(_query("quarantine_loaded"), {"paths": list(target.parts)})
        loaded = cur.fetchall()
        if loaded:
            first, load_id, at = loaded[0]
            if target.kind == "part":
                raise Refused(f"{first} is already loaded (load_id {load_id}, {_utc(at)}): its rows are in "
                              "stg; quarantine is for parts that cannot be loaded")
            raise Refused(f"{len(loaded)} of {len(target.parts)} parts of run {target.run_id} are already loaded "
                          f"(first: {first}); quarantine only the part that fails, with --part")
        cur.execute(_query("quarantine_covering"), {"blob_path": target.blob_path})
        row = cur.fetchone()
        if row is None:
            cur.execute(_query("quarantine_add"), {
                "source": args.source, "scope": args.scope, "entity": args.entity, "kind": target.kind,
                "blob_path": target.blob_path, "run_id": target.run_id, "rows": target.rows,
                "reason": args.reason.strip(), "who": who})
            added = cur.fetchone()
            if added is None:  # another session's row won the unique index meanwhile
                cur.execute(_query("quarantine_covering"), {"blob_path": target.blob_path})
                row = cur.fetchone()
    conn.commit()
    if row is not None:
        qid, kind, path, reason, by, at = row
        log.info("already quarantined (#%d, %s %s, by %s on %s: %s); nothing changed",
                 qid, kind, path, by, _utc(at), reason)
        return
    log.info("quarantined #%d: %s %s (%s lines) by %s: %s; the loader skips it until "
             "python -m load.quarantine --release", added[0], target.kind, target.blob_path,
             "?" if target.rows is None else target.rows, who, args.reason.strip())


def release(conn, args: argparse.Namespace, who: str) -> None:
    with conn.cursor() as cur:
        cur.execute(_query("quarantine_release"), {"source": args.source, "scope": args.scope, "entity": args.entity,
                                                   "part_path": args.part, "run_id": args.run, "who": who})
        rows = cur.fetchall()
        covering = None
        if not rows and args.part:
            cur.execute(_query("quarantine_covering"), {"blob_path": args.part})
            covering = cur.fetchone()
    conn.commit()
    if not rows:
        if covering is not None:
            raise Refused(f"{args.part} is quarantined with its whole run ({covering[2]}): release the run with --run")
        raise Refused(f"{args.part or args.run} of {args.source} scope {args.scope} entity {args.entity} is not "
                      "quarantined (python -m load.quarantine --list)")
    for qid, path, reason in rows:
        log.info("released #%d: %s (was: %s) by %s; the next load tries it again", qid, path, reason, who)


def print_list(conn, args: argparse.Namespace) -> None:
    with conn.cursor() as cur:
        cur.execute(_query("quarantine_list"), {"all": args.all, "source": args.source, "scope": args.scope,
                                                "entity": args.entity})
        rows = cur.fetchall()
    conn.commit()
    for qid, at, by, source, scope, entity, kind, path, lines, reason, released_at, released_by in rows:
        released = f" [released {_utc(released_at)} by {released_by}]" if released_at else ""
        print(f"#{qid} {_utc(at)} {by} {source}/{scope}/{entity} {kind} {path} "
              f"lines={'?' if lines is None else lines}: {reason}{released}")
    print(f"{len(rows)} quarantine(s){' (released included)' if args.all else ' active'}")


def _utc(ts: dt.datetime) -> str:
    return f"{ts.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"


def who() -> str:
    try:
        user = getpass.getuser()
    except (OSError, KeyError, ImportError):  # no login name in the environment nor in the password database
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def main(argv: list[str] | None = None) -> int:
    try:
        args = parse_args(argv)
        check_usage(args)
    except SystemExit as exc:  # argparse: --help is 0, bad usage 2
        return exc.code if isinstance(exc.code, int) else 2
    except Refused as exc:
        print(f"quarantine refused: {exc}", file=sys.stderr)
        return 2
    try:
        settings = get_settings()
        setup_logging("quarantine", settings)
        store = None if args.list or args.release else open_store(settings)  # those two need meta only
        conn = connect(settings, migrate=True, application_name="quarantine")
    except (SettingsError, ValueError) as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except (psycopg2.Error, MigrationError) as exc:
        log.error("quarantine: cannot reach or prepare the database: %s", first_line(exc))
        return 1
    try:
        if args.list:
            print_list(conn, args)
        elif args.release:
            release(conn, args, who())
        else:
            target = find_target(store, args.source, args.scope, args.entity, args.part, args.run)
            with conn.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (f"load:{args.source}",))
                if not cur.fetchone()[0]:
                    log.error("quarantine: a load or normalize of %s is running (lock load:%s); try again when it "
                              "has finished", args.source, args.source)
                    return 1
            quarantine(conn, args, target, who())  # the session's lock goes with conn.close()
    except Refused as exc:
        log.error("quarantine refused: %s", exc)
        return 2
    except (psycopg2.Error, OSError) as exc:
        log.error("quarantine failed: %s: %s", type(exc).__name__, first_line(exc))
        return 1
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
