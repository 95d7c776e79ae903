"""The Power BI side of bench/powerbi.py: the SQL a DirectQuery report page sends, timed as a report page is.

Data flow: bench/powerbi_sql/<visual>.sql (the detail tables) and <visual>.agg.sql (the same visual mapped to a
           summary table with "Manage aggregations"), in the shape of docs/powerbi.md §4.1 -> one connection
           per query, default session -> warm-up rounds, then timed rounds -> QueryTiming (p50/p95 ms)
           -> the markdown table of bench/powerbi.py; check_aggregates(): each .agg.sql gives the rows of its
           detail query; EXPLAIN (ANALYZE, BUFFERS) on request.
Run standalone: python -m bench.powerbi --reuse bench_powerbi_<pid> (queries only, against a kept database).

- A round runs every query once, in file order, like a report page whose visuals all refresh: each query
  meets the buffer cache the others left, not a cache warmed for it alone.
- Each query has its own connection, opened before the first round with nothing SET on it: the session
  Power BI gets (server, database and role defaults, so JIT stays as configured). The time is the client's
  wall clock around execute and fetchall: planning, execution and the transfer of the rows.
- p50 and p95 are nearest-rank percentiles of the timed rounds (p95 of 30 runs is the 29th fastest).
- What Power BI sends for a visual is its .agg.sql when there is one (the model maps the summary), else
  its detail query; powerbi_p95_ms_max is taken over those.
"""
from __future__ import annotations

import math
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg2

SQL_DIR = Path(__file__).resolve().parent / "powerbi_sql"
AGG = ".agg"   # <visual>.agg.sql: the visual through its aggregation table


class AggregateMismatch(Exception):
    """A visual answered through its summary table differs from the answer of the detail tables."""


@dataclass(frozen=True)
class QueryTiming:
    name: str
    rows: int
    ms: tuple[float, ...]          # the timed runs, in order

    def percentile(self, p: float) -> float:
        ordered = sorted(self.ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def queries() -> dict[str, str]:
    """{name: SQL} of bench/powerbi_sql in file order: q1_... then q1_....agg, ..."""
    return {path.name[:-len(".sql")]: path.read_text(encoding="utf-8") for path in sorted(SQL_DIR.glob("*.sql"))}


def _connect(url: str, name: str):
    conn = psycopg2.connect(url, application_name=f"bench_powerbi_{name}"[:63])
    conn.autocommit = True  # Power BI's reads run outside any explicit transaction
    return conn


def time_queries(url: str, warmup: int, runs: int) -> list[QueryTiming]:
    texts = queries()
    conns = {name: _connect(url, name) for name in texts}
    try:
        ms: dict[str, list[float]] = {name: [] for name in texts}
        rows: dict[str, int] = {}
        for round_no in range(warmup + runs):
            for name, text in texts.items():
                with conns[name].cursor() as cur:
                    started = time.perf_counter()
                    cur.execute(text)
                    rows[name] = len(cur.fetchall())
                    elapsed = (time.perf_counter() - started) * 1000
                if round_no >= warmup:
                    ms[name].append(elapsed)
        return [QueryTiming(name, rows[name], tuple(ms[name])) for name in texts]
    finally:
        for conn in conns.values():
            conn.close()


def check_aggregates(url: str) -> int:
    """Every .agg.sql must return the rows of its detail query (numbers compared as values: 5.50 = 5.5);
    returns the visuals checked, raises AggregateMismatch on the first difference."""
    texts, conn = queries(), _connect(url, "check")
    try:
        checked = 0
        for name in [n for n in texts if n.endswith(AGG)]:
            answers = []
            for text in (texts[name[:-len(AGG)]], texts[name]):
                with conn.cursor() as cur:
                    cur.execute(text)
                    answers.append(Counter(cur.fetchall()))
            if answers[0] != answers[1]:
                raise AggregateMismatch(f"{name}: {sum((answers[1] - answers[0]).values())} rows not in the detail "
                                        f"answer, {sum((answers[0] - answers[1]).values())} detail rows missing")
            checked += 1
        return checked
    finally:
        conn.close()


def explain(url: str) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of every query, on stderr: what to read when a p95 is too high."""
    conn = _connect(url, "explain")
    try:
        for name, text in queries().items():
            with conn.cursor() as cur:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + text)
                plan = "\n".join(r[0] for r in cur.fetchall())
            print(f"---- {name}\n{plan}", file=sys.stderr)
    finally:
        conn.close()


def report(timings: list[QueryTiming]) -> float:
    """The markdown table, one row per visual; returns the largest p95 of what Power BI sends (see above)."""
    by = {t.name: t for t in timings}
    print("| visual (bench/powerbi_sql) | rows | detail tables p50 ms | p95 ms | aggregation table p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    sent = []
    for t in [t for t in timings if not t.name.endswith(AGG)]:
        agg = by.get(t.name + AGG)
        sent.append((agg or t).percentile(95))
        via = f"{agg.percentile(50):.1f} | {agg.percentile(95):.1f}" if agg else "- | -"
        print(f"| {t.name} | {t.rows:,} | {t.percentile(50):.1f} | {t.percentile(95):.1f} | {via} |")
    return max(sent)
