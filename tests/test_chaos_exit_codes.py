"""Chaos suite, exit codes: every entry point x every way an operator or a scheduler can get it wrong.

Data flow: MATRIX (entry point, condition, argv, environment, expected exit code) -> one subprocess each
           (sys.executable -m <entry point>, environment from tests/fixtures/chaos_bronze.clean_env: no .env, no
           inherited secrets) run in parallel before the tests -> one test per cell reads its result.
Run standalone: python -m pytest -q tests/test_chaos_exit_codes.py

The contract (DESIGN.md §10, README): 0 success, 1 a stage failed or the database cannot be reached, 2 bad
usage or configuration; the health check's own: 2 "fail", which includes a database it cannot reach. Always:
no "Traceback" anywhere in stdout+stderr, and the error is ONE line that says what is wrong. "One line": the
output's lines, without INFO/DEBUG/WARNING log records, argparse's usage block and (doctor) its "ok" lines and
verdict, are exactly one, and it names the problem (Cell.says). The daily runner, once it has run its stages
(a stage refused its settings), may say several errors (the stage's, its own summary), each one line, the first
naming the cause; the health check's table in its log is a report, not an error. No error line may show a Python
repr (['...']). --help: exit 0 and a usage text.
A cell that does not apply to an entry point (extract needs no database; normalize reads no lake) is left out.
The matrix has 106 cells (count_cells() checks the number stays above 60).
Cells run in lanes: the daily cells that get as far as the single-instance lock run one after the other (two
at once would turn one into a refusal); everything else in parallel (4 workers).
"""
from __future__ import annotations

import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from sandbox.pipedrive import PipedriveSimulator
from sandbox.zendesk import ZendeskSimulator
from tests.fixtures.chaos_bronze import REPO, clean_env
from tests.fixtures.pipedrive_sim import PIPEDRIVE_SIM_TOKEN
from tests.fixtures.webhook import closed_port
from tests.fixtures.zendesk_sim import ZENDESK_SIM_EMAIL, ZENDESK_SIM_TOKEN

TIMEOUT_S = 90
WORKERS = 4

EXTRACTORS = ("extract.pipedrive_bronze", "extract.zendesk_bronze")
LOADERS = ("load.load_pipedrive_stg", "load.load_zendesk_stg")
NORMALIZERS = ("normalize.normalize_pipedrive", "normalize.normalize_zendesk")
DAILY, HEALTH, MIGRATE, DOCTOR, POWERBI, QUARANTINE = (
    "scripts.daily_pipeline", "scripts.health_check", "scripts.migrate", "scripts.doctor", "scripts.setup_powerbi",
    "load.quarantine")
ENTRY_POINTS = (*EXTRACTORS, *LOADERS, *NORMALIZERS, DAILY, HEALTH, MIGRATE, DOCTOR, POWERBI, QUARANTINE)

FAKE_PART = ("bronze/pipedrive/scope=default/entity=deals/ingestion_date=2026-11-20/run_id=20261120T060000000000Z/"
             "part-00000.jsonl.gz")
# the normal invocation of each entry point, which a condition then spoils
BASE_ARGV = {
    DAILY: ("--source", "pipedrive"),
    QUARANTINE: ("--source", "pipedrive", "--scope", "default", "--entity", "deals", "--part", FAKE_PART,
                 "--reason", "chaos test"),
    POWERBI: ("--out-dir", "{tmp}/pbids"),
}

# placeholders filled per cell: {tmp} its own folder (holding a_file, a regular file), {closed} a port nothing
# listens on
A_FILE = "{tmp}/a_file"
DB_DOWN = "postgresql://nobody@127.0.0.1:{closed}/none?connect_timeout=3"


@dataclass(frozen=True)
class Cell:
    entry: str
    condition: str
    argv: tuple[str, ...]
    expected: int
    says: str | None = None                 # regex (case-insensitive) the one error line must match
    env: dict = field(default_factory=dict)  # overrides of the base environment (None removes)
    bug: str | None = None                   # xfail(strict=True) reason: the product misbehaves here
    several: bool = False                    # the daily runner ran its stages: each error one line, several allowed

    @property
    def id(self) -> str:
        return f"{self.entry}-{self.condition}"

    @property
    def lane(self) -> str | None:
        """Daily runs that get as far as the single-instance lock run one after the other."""
        return "daily" if self.entry == DAILY and self.several else None


def base(entry: str) -> tuple[str, ...]:
    return BASE_ARGV.get(entry, ())


def build_matrix() -> list[Cell]:
    cells: list[Cell] = []
    add = cells.append
    for entry in ENTRY_POINTS:
        add(Cell(entry, "help", ("--help",), 0))
        add(Cell(entry, "unknown_flag", (*base(entry), "--bogus"), 2, r"unrecognized arguments: --bogus"))
        add(Cell(entry, "lake_backend_invalid", base(entry), 2, r"LAKE_BACKEND", env={"LAKE_BACKEND": "nope"}))

    # the database cannot be reached (extract needs none)
    for entry in (*LOADERS, *NORMALIZERS, DAILY, MIGRATE, POWERBI):
        add(Cell(entry, "database_unreachable", base(entry), 1, r"database|connect", env={"DATABASE_URL": DB_DOWN}))
    add(Cell(QUARANTINE, "database_unreachable", ("--list",), 1, r"database", env={"DATABASE_URL": DB_DOWN}))
    add(Cell(HEALTH, "database_unreachable", (), 2, r"cannot reach the database", env={"DATABASE_URL": DB_DOWN}))
    add(Cell(DOCTOR, "database_unreachable", (), 1, r"^FAIL database", env={"DATABASE_URL": DB_DOWN}))

    # LOG_DIR is a file (the doctor logs nothing)
    for entry in (*EXTRACTORS, *LOADERS, *NORMALIZERS, DAILY, HEALTH, MIGRATE, POWERBI, QUARANTINE):
        add(Cell(entry, "log_dir_is_a_file", base(entry), 2, r"LOG_DIR", env={"LOG_DIR": A_FILE}))

    # LAKE_ROOT is a file (normalize, migrate and setup_powerbi read no lake)
    for entry in (*EXTRACTORS, *LOADERS, DAILY, HEALTH, QUARANTINE):
        add(Cell(entry, "lake_root_is_a_file", base(entry), 2, r"LAKE_ROOT", env={"LAKE_ROOT": A_FILE},
                 several=entry == DAILY))
    add(Cell(DOCTOR, "lake_root_is_a_file", (), 2, r"^FAIL lake: .*LAKE_ROOT", env={"LAKE_ROOT": A_FILE}))

    # a source's settings: a base URL that is not a URL, a missing token
    for source, url_name, token_names, token_says in (
            ("pipedrive", "PIPEDRIVE_BASE_URL", ("PIPEDRIVE_API_TOKEN",), r"PIPEDRIVE_API_TOKEN"),
            ("zendesk", "ZENDESK_BASE_URL", ("ZENDESK_API_TOKEN",), r"ZENDESK_API_TOKEN|ZENDESK_OAUTH_TOKEN")):
        runs = ((f"extract.{source}_bronze", ()), (DAILY, ("--source", source)), (DOCTOR, ("--source", source)))
        for entry, argv in runs:
            add(Cell(entry, f"{source}_base_url_not_a_url", argv, 2, r"not-a-url", env={url_name: "not-a-url"},
                     several=entry == DAILY))
            add(Cell(entry, f"{source}_base_url_ftp", argv, 2, r"ftp://", env={url_name: "ftp://example.com"},
                     several=entry == DAILY))
            add(Cell(entry, f"{source}_token_missing", argv, 2, token_says, env={n: None for n in token_names},
                     several=entry == DAILY))
    add(Cell(POWERBI, "password_missing", base(POWERBI), 2, r"POWERBI_READER_PASSWORD",
             env={"POWERBI_READER_PASSWORD": None}))

    # unknown names on the command line
    for entry in (*EXTRACTORS, *LOADERS, *NORMALIZERS):
        add(Cell(entry, "unknown_entity", ("--entity", "nope"), 2, r"nope"))
    add(Cell(QUARANTINE, "unknown_entity", tuple(a if a != "deals" else "nope" for a in base(QUARANTINE)), 2, r"nope"))
    for entry in (*EXTRACTORS, *LOADERS):
        add(Cell(entry, "unknown_scope", ("--scope", "nope"), 2, r"nope"))
    add(Cell(QUARANTINE, "unknown_scope", tuple(a if a != "default" else "nope" for a in base(QUARANTINE)), 2,
             r"nope"))
    for entry in (DAILY, HEALTH, DOCTOR, QUARANTINE):
        add(Cell(entry, "unknown_source", ("--source", "nope"), 2, r"invalid choice: 'nope'"))
    for entry in EXTRACTORS:
        add(Cell(entry, "since_not_a_time", ("--since", "yesterday"), 2, r"yesterday"))
    add(Cell(HEALTH, "unknown_format", ("--format", "xml"), 2, r"invalid choice: 'xml'"))
    add(Cell(QUARANTINE, "empty_reason", tuple(a if a != "chaos test" else " " for a in base(QUARANTINE)), 2,
             r"reason"))
    add(Cell(QUARANTINE, "not_a_part", base(QUARANTINE), 2, r"not in a complete run|not a bronze part"))
    add(Cell(DAILY, "log_retention_not_a_number", base(DAILY), 2, r"LOG_RETENTION_DAYS",
             env={"LOG_RETENTION_DAYS": "abc"}))
    return cells


MATRIX = build_matrix()


def count_cells() -> int:
    return len(MATRIX)


# ---- running the matrix ----

@dataclass
class Outcome:
    code: int | None
    out: str
    err: str
    seconds: float


@pytest.fixture(scope="module")
def outcomes(pg_url, tmp_path_factory) -> dict[str, Outcome]:
    root = tmp_path_factory.mktemp("exit_codes")
    closed = closed_port()
    with PipedriveSimulator(seed=1, token=PIPEDRIVE_SIM_TOKEN) as pd_sim, \
            ZendeskSimulator(seed=1, email=ZENDESK_SIM_EMAIL, token=ZENDESK_SIM_TOKEN) as zd_sim:
        def run(cell: Cell) -> tuple[str, Outcome]:
            tmp = root / re.sub(r"[^A-Za-z0-9_.-]", "_", cell.id)
            tmp.mkdir()
            (tmp / "a_file").write_text("not a folder\n")
            values = {"tmp": str(tmp), "closed": closed}
            env = {"DATABASE_URL": pg_url, "LAKE_BACKEND": "local", "LAKE_ROOT": str(tmp / "lake"),
                   "LOG_DIR": str(tmp / "logs"), "PIPEDRIVE_API_TOKEN": PIPEDRIVE_SIM_TOKEN,
                   "PIPEDRIVE_BASE_URL": pd_sim.base_url, "ZENDESK_EMAIL": ZENDESK_SIM_EMAIL,
                   "ZENDESK_API_TOKEN": ZENDESK_SIM_TOKEN, "ZENDESK_BASE_URL": zd_sim.base_url}
            if cell.entry == POWERBI:  # only its own cells have a password: none of them may succeed
                env["POWERBI_READER_PASSWORD"] = "chaos-never-set-9f1"
            env.update(cell.env)
            env = clean_env(**{k: v.format(**values) if isinstance(v, str) else v for k, v in env.items()})
            argv = [a.format(**values) for a in cell.argv]
            started = time.monotonic()
            try:
                done = subprocess.run([sys.executable, "-m", cell.entry, *argv], cwd=REPO, env=env,
                                      capture_output=True, text=True, errors="replace", timeout=TIMEOUT_S)
                result = Outcome(done.returncode, done.stdout, done.stderr, time.monotonic() - started)
            except subprocess.TimeoutExpired as exc:
                result = Outcome(None, _text(exc.stdout), _text(exc.stderr), time.monotonic() - started)
            return cell.id, result

        def run_lane(cells: list[Cell]) -> list[tuple[str, Outcome]]:
            return [run(c) for c in cells]

        lanes: dict[str, list[Cell]] = {}
        for cell in MATRIX:
            lanes.setdefault(cell.lane or cell.id, []).append(cell)
        # the longest lane first, so it overlaps everything else
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            futures = [pool.submit(run_lane, cells) for cells in sorted(lanes.values(), key=len, reverse=True)]
            results = dict(pair for f in futures for pair in f.result())
    return results


def _text(value) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


LOG_RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ (DEBUG|INFO|WARNING) ")
# the health check's table (README), which the daily runner logs at its end: a report, not an error
REPORT_LINE = re.compile(r"^(STATUS|FAIL|WARN|warn|ok)\s{2,}\S|^\s+-> |^health check \d{4}-\d\d-\d\d ")
PYTHON_REPR = re.compile(r"\[\'|\[\"|\(\'")


def error_lines(entry: str, output: str) -> list[str]:
    """The lines that say what went wrong: not informational log records, not argparse's usage block, not the
    doctor's 'ok' lines and closing verdict. Each continuation of a record (a second line) counts."""
    lines, in_usage = [], False
    for line in output.splitlines():
        if not line.strip():
            in_usage = False
            continue
        if line.startswith("usage:"):
            in_usage = True
            continue
        if in_usage and line[:1].isspace():
            continue
        in_usage = False
        if LOG_RECORD.match(line) or REPORT_LINE.match(line):
            continue
        if entry == DOCTOR and (line.startswith("ok ") or line.startswith(("ready for", "not ready:"))):
            continue
        lines.append(line)
    return lines


def test_the_matrix_is_big_enough():
    assert count_cells() >= 60
    assert {c.entry for c in MATRIX} == set(ENTRY_POINTS)
    assert len({c.id for c in MATRIX}) == len(MATRIX)


@pytest.mark.parametrize("cell", [
    pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.bug)] if c.bug else [])
    for c in MATRIX])
def test_exit_code_and_one_line(cell: Cell, outcomes):
    got = outcomes[cell.id]
    both = got.out + got.err
    assert got.code is not None, f"still running after {TIMEOUT_S} s:\n{both[-3000:]}"
    assert "Traceback" not in both, both[-5000:]
    assert got.code == cell.expected, f"exit {got.code}, expected {cell.expected}:\n{both[-3000:]}"
    if cell.expected == 0:
        assert "usage:" in got.out
        return
    lines = error_lines(cell.entry, both)
    if cell.several:  # stages ran: each error is one line (no continuation), the first names the cause
        assert lines and not any(line[:1].isspace() for line in lines), "\n".join(lines)
    else:
        assert len(lines) == 1, f"the error is {len(lines)} lines, not one:\n" + "\n".join(lines)
    assert re.search(cell.says, lines[0], re.IGNORECASE | re.MULTILINE), lines[0]
    assert not any(PYTHON_REPR.search(line) for line in lines), "\n".join(lines)
