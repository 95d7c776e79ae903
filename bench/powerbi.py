"""Benchmark of Power BI DirectQuery on core: the SQL a report sends, on N deals and N tickets built by the real
stages, and what the Power BI additions (summary tables kept exact by triggers) cost the nightly normalize.

Data flow: children (python -m bench.powerbi --child pipedrive|zendesk --round R) -> bronze runs of deals,
           tickets, their catalogs and dimensions in a throwaway lake (bench/powerbi_pipedrive.py,
           bench/powerbi_zendesk.py) -> python -m load.load_<source>_stg, python -m normalize.normalize_<source>
           --full (once without, once with the Power BI additions: bench/powerbi_additions.py) -> the queries of
           bench/powerbi_sql timed, each visual on the detail tables and through its summary table
           (bench/powerbi_queries.py) -> change rounds of 1 %, normalized incrementally, alternately with and
           without the additions -> markdown tables on stdout, whose last line is powerbi_p95_ms_max=<n>
Run standalone: python -m bench.powerbi --deals 100000 --tickets 100000 [--keep] [--explain]
                python -m bench.powerbi --reuse bench_powerbi_<pid> [--explain]   (queries only, kept database)
                defaults: 1,000,000 deals and 1,000,000 tickets; not part of the tests

- The database and lake are bench/harness.py's (workspace, steps as children with their RSS, CHECKPOINT
  before each timed step). The migrations apply every addition; the bench then drops them (its own
  database only) for the first full normalize, empties core and recreates them for the second, so both are
  first builds of an empty core: a full normalize of a populated core writes almost nothing.
- Incremental: rounds of 1 % changed deals and tickets (the harness's change rule), each loaded, then
  VACUUM ANALYZE (the autovacuum a day would bring), then both normalizes timed. Odd rounds run with the
  additions, even rounds without; normalize_1pct_with/without compares the sums.
- The queries run last of the build (after VACUUM ANALYZE, before the change rounds), on the state a
  nightly run leaves: all-visible pages, fresh statistics. After the build and after every change round with
  the additions, each visual must give the same rows through its summary table as on the detail tables.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time

from psycopg2 import sql
from psycopg2.extensions import make_dsn

from bench import harness, pipedrive as pd, powerbi_pipedrive, powerbi_zendesk, zendesk as zd
from bench.powerbi_additions import Additions, reset_core
from bench.powerbi_queries import AggregateMismatch, check_aggregates, explain, report, time_queries

SOURCES = ("pipedrive", "zendesk")
FACTS = {"pipedrive": ("core.pd_deals", "stg_pipedrive.deals_raw"),      # (core fact, its stg table)
         "zendesk": ("core.zd_tickets", "stg_zendesk.tickets_raw")}
CHANGED_AT = {"pipedrive": pd.START, "zendesk": zd.START}   # round r's changes are at or after this + (r - 1) days


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} CPUs"


class Bench:
    """One run: the steps in order against one database and lake, and the normalize seconds they took."""

    def __init__(self, args: argparse.Namespace, url: str, env: dict):
        self.args, self.url, self.env = args, url, env
        self.records = {"pipedrive": args.deals, "zendesk": args.tickets}
        self.timed: list[tuple[str, str, str, float]] = []   # (kind: full | 1 %, with | without, source, seconds)

    def child(self, source: str, rnd: int) -> None:
        args = ["-m", "bench.powerbi", "--deals", str(self.args.deals), "--tickets", str(self.args.tickets),
                "--child", source, "--round", str(rnd)]
        harness.run("generate", f"generate {source} bronze, round {rnd}", args, self.env, self.records[source])

    def stage(self, phase: str, source: str, args: list[str], records: int) -> float:
        harness.checkpoint(self.url)
        print(f"bench: {phase} {source}: {load()}", file=sys.stderr)
        return harness.run(phase, f"{phase} {source}", args, self.env, records).seconds

    def expect(self, query: sql.Composable, wanted: int, what: str) -> None:
        got = harness.execute(self.url, query)
        if got != wanted:
            raise harness.BenchError(f"{what}: counted {got} rows, expected {wanted}")

    def full(self, variant: str) -> None:
        for source in SOURCES:
            seconds = self.stage(f"full {variant}", source, ["-m", f"normalize.normalize_{source}", "--full"],
                                 self.records[source])
            self.timed.append(("full", variant, source, seconds))
            core = FACTS[source][0]
            self.expect(harness.count(core), self.records[source], f"full {variant}: {core}")

    def build(self) -> Additions:
        """Bronze, migrations, load, then the first full normalize without the additions and (core emptied)
        again with them; with --no-compare only the second."""
        for source in SOURCES:
            self.child(source, 0)
        harness.run("migrate", "migrate", ["-m", "scripts.migrate"], self.env, 0)
        for source in SOURCES:
            self.stage("load", source, ["-m", f"load.load_{source}_stg"], self.records[source])
            self.expect(harness.count(FACTS[source][1]), self.records[source], f"load {source}")
        additions = Additions.read(self.url)
        print(f"bench: Power BI additions: {additions.describe()}", file=sys.stderr)
        if not self.args.no_compare:
            additions.drop(self.url)
            self.full("without")
            reset_core(self.url)
            additions.create(self.url)
        self.full("with")
        harness.execute(self.url, "VACUUM ANALYZE")
        self.check("after the full normalize")
        return additions

    def check(self, when: str) -> None:
        """The summaries give the detail tables' answers (their triggers kept them exact)."""
        try:
            checked = check_aggregates(self.url)
        except AggregateMismatch as exc:
            raise harness.BenchError(f"{when}: {exc}") from exc
        print(f"bench: {when}: {checked} visuals give the same rows through their aggregation table", file=sys.stderr)

    def change_rounds(self, additions: Additions) -> None:
        present = True
        for rnd in range(1, 2 * self.args.rounds + 1):
            wanted = rnd % 2 == 1
            if wanted != present:
                (additions.create if wanted else additions.drop)(self.url)
                present = wanted
            for source in SOURCES:
                self.child(source, rnd)
                n = self.records[source]
                self.stage("load changes", source, ["-m", f"load.load_{source}_stg"], harness.changed_count(n))
                self.expect(harness.count(FACTS[source][1]), n + rnd * harness.changed_count(n), f"load round {rnd}")
            harness.execute(self.url, "VACUUM ANALYZE")
            variant = "with" if wanted else "without"
            for source in SOURCES:
                n = self.records[source]
                seconds = self.stage(f"1 % {variant} r{rnd}", source, ["-m", f"normalize.normalize_{source}"],
                                     harness.changed_count(n))
                self.timed.append(("1 %", variant, source, seconds))
                since = CHANGED_AT[source] + dt.timedelta(days=rnd - 1)
                self.expect(harness.count(FACTS[source][0], sql.SQL("updated_at >= {}").format(sql.Literal(since))),
                            harness.changed_count(n), f"round {rnd} {source}")
            if wanted:
                self.check(f"after change round {rnd}")
        if not present:
            additions.create(self.url)

    def totals(self, kind: str, variant: str) -> dict[str, float]:
        """Seconds per source summed over the timed normalizes of that kind and variant."""
        return {s: sum(t for k, v, src, t in self.timed if (k, v, src) == (kind, variant, s)) for s in SOURCES}

    def report_normalize(self) -> str:
        rows = (("full, first build of an empty core", "full"),
                (f"1 % changed ({self.args.rounds} rounds each)", "1 %"))
        print("| normalize (pipedrive + zendesk) | without additions s | with additions s | with/without |")
        print("|---|---:|---:|---:|")
        ratios = []
        for label, kind in rows:
            w, wo = self.totals(kind, "with"), self.totals(kind, "without")
            ratio = sum(w.values()) / sum(wo.values())
            ratios.append(ratio)
            cells = [" + ".join(f"{t[s]:.1f}" for s in SOURCES) + f" = {sum(t.values()):.1f}" for t in (wo, w)]
            print(f"| {label} | {cells[0]} | {cells[1]} | {ratio:.3f} |")
        return f"normalize_full_with/without={ratios[0]:.3f} normalize_1pct_with/without={ratios[1]:.3f}"


def run_queries(args: argparse.Namespace, url: str) -> int:
    print(f"bench: timing queries ({args.warmup} warm-up + {args.runs} timed rounds): {load()}", file=sys.stderr)
    started = time.perf_counter()
    timings = time_queries(url, args.warmup, args.runs)
    print(f"bench: queries took {time.perf_counter() - started:.1f} s; {load()}", file=sys.stderr)
    if args.explain:
        explain(url)
    return round(report(timings))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.powerbi", description=__doc__.split("\n")[0])
    parser.add_argument("--deals", type=int, default=1_000_000, help="deals to generate (default 1,000,000)")
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets to generate (default 1,000,000)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the lake folder for inspection")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds of every query first (default 5)")
    parser.add_argument("--runs", type=int, default=30, help="timed rounds of every query (default 30)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="1 %% change rounds with the additions, and as many without (default 2)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN (ANALYZE, BUFFERS) every query to stderr")
    parser.add_argument("--no-compare", action="store_true",
                        help="build once, with the additions, and time the queries: no normalize comparison")
    parser.add_argument("--reuse", metavar="DATABASE", help="only time the queries, in this kept bench database")
    parser.add_argument("--child", choices=SOURCES, help="internal: write one source's bronze (LAKE_ROOT)")
    parser.add_argument("--round", type=int, default=0, help="internal: 0 = everything, r >= 1 = change round r")
    args = parser.parse_args(argv)
    if min(args.deals, args.tickets, args.runs, args.rounds) < 1 or args.warmup < 0:
        parser.error("--deals, --tickets, --runs and --rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        module = powerbi_pipedrive if args.child == "pipedrive" else powerbi_zendesk
        module.write_bronze(args.deals if args.child == "pipedrive" else args.tickets, args.round)
        return 0
    if args.reuse:
        p95 = run_queries(args, make_dsn(harness.server_url(), dbname=args.reuse))
        print(f"powerbi_p95_ms_max={p95}")
        return 0
    try:
        with harness.workspace("powerbi", args.keep) as (url, env):
            bench = Bench(args, url, env)
            additions = bench.build()
            p95 = run_queries(args, url)
            if not args.no_compare:
                bench.change_rounds(additions)
                ratios = bench.report_normalize()
    except harness.BenchError as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    if not args.no_compare:
        print(ratios)
    print(f"powerbi_p95_ms_max={p95}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
