"""Chaos bench: N SIGKILLs of the daily pipeline at random moments, each followed by a rerun, with the
simulators' clocks moving and faults on; core must end as if nothing had happened.

Data flow: World (Pipedrive + Zendesk simulators, bench/chaos_world.py) -> per simulated day:
           advance both clocks -> reference run (scripts.daily_pipeline, no faults, its own database and
           lake) -> faults queued -> chaos run in a second workspace, SIGKILLed inside the stage the seeded
           plan chose (bench/chaos_run.py; some days a database cut, a read-only or a full lake first)
           -> rerun until it exits 0 -> checks (bench/chaos_checks.py) -> one table row;
           the last line: kills_converged=<k>/<N> lost_rows=<n> stuck_runs=<n> bad_lines_lost=<n>.
Run standalone: python -m bench.chaos --kills 5 --seed 1      (about a minute a kill; not part of pytest)

Why a reference run every day rather than one clean run at the end: both workspaces then read the same
simulator states in the same order, so core must match row for row (every column but lineage), history
included (a deleted record purged since, a renamed field's first name, inferred members). A clean run
against the final state alone could not tell those from losses. Truth is checked as well: every record the
simulators have is in core at their current version, and the end-to-end tests' field comparisons hold.

Deletion sweeps: their schedule is wall-clock (SWEEP_DELETIONS_EVERY_DAYS), and the bench's days last a
minute, so `_sweep.json` is removed from both lakes every --sweep-every days: those days sweep in both.
The plan (targets, delays, faults, changes) follows from --seed; when a kill lands depends on timing.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from bench.chaos_checks import Checks, check, stuck_runs
from bench.chaos_run import PipelineRun, launcher, make_full, make_read_only, terminate_backends, wait_sessions_gone
from bench.chaos_world import World
from bench.harness import workspace
from lake.sources import SOURCES, STAGES
from tests.fixtures.chaos_bronze import clean_env

RUN_TIMEOUT = 900          # seconds; a run that takes longer is hung, killed and counted as failed
HOLD = 2.0                 # at most this long an injected lake or database failure lasts before the kill
SPECIALS = ("db_terminate", "lake_readonly", "lake_full")
ORDER = ["startup"] + [f"{s} {st}" for s in SOURCES for st in ("extract", "sweep", "load", "normalize")] + ["health"]
MAIN_TARGETS = [f"{s} {st}" for s in SOURCES for st in STAGES]


@dataclass
class Cycle:
    """One kill as planned from the seed."""
    day: int
    target: str            # an ORDER label: where the kill (or injection) goes
    fraction: float        # how far into the target, as a share of the reference run's time for it
    special: str | None    # SPECIALS: injected at that moment, undone and followed by the kill once the
                           # stage it hit has ended (at most HOLD seconds later)


@dataclass
class Outcome:
    cycle: Cycle
    delay: float = 0.0               # seconds into the target
    injected: str = ""
    hit: str = ""                    # what the run was doing when killed
    at: float = 0.0                  # seconds after the run started
    killed: str = ""
    reruns: list = field(default_factory=list)
    checks: Checks | None = None
    stuck: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    faults_fired: int = 0            # requests of the killed run and its reruns an injected fault answered
    check_seconds: float = 0.0
    seconds: float = 0.0
    converged: bool = False


def sweep_day(day: int, every: int) -> bool:
    # day 1 sweeps anyway: no sweep is on record yet and it is no longer the first run
    return day == 1 or (day > 0 and day % every == 0)


def plan(rng: random.Random, n: int, sweep_every: int) -> list[Cycle]:
    """The kills: a shuffled round of the six source x stage targets after another, now and then the
    start-up, the closing health check or a sweep instead; from 5 kills on, each special once per 15."""
    each = max(1, n // 15) if n >= 5 else 0
    slots = rng.sample(range(1, n), min(n - 1, 3 * each)) if each else []
    specials = {slot: SPECIALS[i % 3] for i, slot in enumerate(slots)}
    pool: list[str] = []
    cycles = []
    for day in range(n):
        special = specials.get(day)
        if special == "db_terminate":
            target, fraction = f"{rng.choice(SOURCES)} {rng.choice(('load', 'normalize'))}", rng.uniform(0.1, 0.9)
        elif special:
            target, fraction = f"{rng.choice(SOURCES)} extract", rng.uniform(0.0, 0.5)
        else:
            roll, fraction = rng.random(), rng.random()
            if roll < 0.08:
                target = "startup"
            elif roll < 0.16:
                target = "health"
            elif roll < 0.4 and sweep_day(day, sweep_every):
                target = "pipedrive sweep"
            else:
                pool = pool or rng.sample(MAIN_TARGETS, len(MAIN_TARGETS))
                target = pool.pop()
        cycles.append(Cycle(day, target, fraction, special))
    return cycles


@dataclass
class Workspaces:
    """The two throwaway databases and folders (lake, logs, tmp): the killed one and the reference."""
    chaos_url: str
    chaos_env: dict
    chaos_dir: Path
    ref_url: str
    ref_env: dict
    ref_dir: Path


def child_env(env: dict, world: World) -> tuple[dict, Path]:
    """A stage child's environment: no pipeline setting of this shell, no .env, the workspace's database,
    lake and logs, the simulators, and temp files (bronze parts fill there first) inside the workspace."""
    work = Path(env["LAKE_ROOT"]).parent
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    (work / "logs").mkdir(parents=True, exist_ok=True)
    keep = {k: env[k] for k in ("DATABASE_URL", "LAKE_BACKEND", "LAKE_ROOT", "LOG_DIR")}
    return clean_env(**keep, **world.env(), TMPDIR=str(work / "tmp")), work


def force_sweep(*lakes: Path) -> None:
    """Forget the last complete sweep (its `_sweep.json` is only read to schedule the next), so both sweep."""
    for lake in lakes:
        for marker in lake.glob("bronze/*/scope=*/entity=*/_sweep.json"):
            marker.unlink()


def strike(run: PipelineRun, cycle: Cycle, spans: dict, ws: Workspaces, out: Outcome) -> None:
    """Wait for the target in the chaos run, then inject (if planned) and SIGKILL."""
    label = cycle.target
    out.delay = cycle.fraction * spans.get(label, (0.0, 0.0))[1]
    later = ORDER[ORDER.index(label) + 1:]
    begun = 0.0 if label == "startup" else None
    while begun is None and run.alive() and run.elapsed() < RUN_TIMEOUT:
        starts = {lab: t for t, lab, kind in run.events() if kind == "start"}
        if label in starts:
            begun = starts[label]
        elif any(lab in starts for lab in later):
            begun, out.delay = run.elapsed(), 0.0   # the target did not come (no sweep today): strike now
        else:
            time.sleep(0.01)
    while run.alive() and begun is not None and run.elapsed() < begun + out.delay:
        time.sleep(0.01)
    if not run.alive():
        out.hit, out.at = "(finished)", run.elapsed()
        out.killed = f"exited {run.wait(10)} before the kill"
        return
    if cycle.special:
        inject(run, cycle.special, ws, out)
    out.hit, out.at = run.stage(), run.elapsed()
    alive = run.alive()
    run.kill()
    out.killed = "SIGKILL" if alive else f"exited {run.proc.returncode} before the kill"


def inject(run: PipelineRun, special: str, ws: Workspaces, out: Outcome) -> None:
    where = run.stage()
    if special == "db_terminate":
        said, undo = terminate_backends(ws.chaos_url), None
    elif special == "lake_readonly":
        said, undo = make_read_only(ws.chaos_dir / "lake")
    else:
        said, undo = make_full(run.pid)
    try:
        # Held until the stage it hit gives up (the runner moves on) or HOLD seconds: the kill must still
        # find the run alive, and a small day's run is over a second after a failed extract.
        held = time.monotonic()
        while run.alive() and run.stage() == where and time.monotonic() - held < HOLD:
            time.sleep(0.01)
    finally:
        if undo:
            undo()
    out.injected = f"{said} in {where}"


def rerun(ws: Workspaces, world: World, day: int, out: Outcome) -> bool:
    """Reruns until exit 0; an exit 1 while injected faults were firing earns one more run without them."""
    waited = wait_sessions_gone(ws.chaos_url)
    if waited > 1:
        out.notes.append(f"the killed run's sessions took {waited:.1f} s to go")
    for attempt in range(2):
        mark = world.mark()
        run = PipelineRun(ws.chaos_env, ws.chaos_dir / "logs" / f"chaos_day{day}_rerun{attempt + 1}.out")
        code = run.wait(RUN_TIMEOUT)
        fired = world.faults_fired(mark)
        out.reruns.append("hung" if code is None else f"{code}" + (" (faults)" if code and fired else ""))
        if code == 0:
            return True
        out.notes.append(f"rerun {attempt + 1} exited {code}: {run.tail(3)[:400]}")
        if code != 1 or not fired:
            return False
        world.clear_faults()   # it failed on an injected fault: the next attempt runs without them
        wait_sessions_gone(ws.chaos_url)
    return False


def one_day(cycle: Cycle, args, world: World, ws: Workspaces, rngs: dict, check_now: bool) -> Outcome:
    started, out = time.monotonic(), Outcome(cycle)
    if cycle.day:
        world.next_day(rngs["changes"])
    if sweep_day(cycle.day, args.sweep_every):
        force_sweep(ws.ref_dir / "lake", ws.chaos_dir / "lake")
    world.clear_faults()
    mark = world.mark()
    ref = PipelineRun(ws.ref_env, ws.ref_dir / "logs" / f"reference_day{cycle.day}.out")
    code = ref.wait(RUN_TIMEOUT)
    if code != 0:
        out.notes.append(f"reference run exited {code}: {ref.tail(3)[:400]}")
    spans = ref.timeline()
    faults = world.queue_faults(rngs["faults"], world.requests_since(mark))
    out.notes.append("faults: " + "; ".join(faults))
    mark = world.mark()
    run = PipelineRun(ws.chaos_env, ws.chaos_dir / "logs" / f"chaos_day{cycle.day}_killed.out")
    try:
        strike(run, cycle, spans, ws, out)
    finally:
        run.kill()
    ok = rerun(ws, world, cycle.day, out)
    out.faults_fired = world.faults_fired(mark)
    world.clear_faults()
    out.stuck = stuck_runs(ws.chaos_url)
    if check_now:
        checked = time.monotonic()
        out.checks = check(ws.chaos_url, ws.chaos_dir / "lake", ws.ref_url, world)
        out.check_seconds = time.monotonic() - checked
        out.notes += out.checks.notes
    out.converged = code == 0 and ok and not out.stuck and (out.checks is None or out.checks.ok)
    out.seconds = time.monotonic() - started
    return out


def progress(out: Outcome, n: int) -> None:
    c = out.cycle
    print(f"chaos: kill {c.day + 1}/{n} day {c.day}: target {c.target} +{out.delay:.1f}s, hit {out.hit} at "
          f"{out.at:.1f}s ({out.killed}){', ' + out.injected if out.injected else ''}; reruns "
          f"{' -> '.join(out.reruns)}; {out.faults_fired} faulted requests; "
          f"{'converged' if out.converged else 'NOT converged'} in {out.seconds:.0f}s (checks {out.check_seconds:.1f}s)",
          file=sys.stderr)
    for note in out.notes:
        print(f"chaos:   {note}", file=sys.stderr)


def report(outcomes: list[Outcome], n: int, final: Checks, started: float, skipped: list[str]) -> None:
    print("| kill | day | target (+delay) | injected | killed in | at s | killed run | faulted | reruns | checks | s |")
    print("|---:|---:|---|---|---|---:|---|---:|---|---|---:|")
    for o in outcomes:
        c = o.cycle
        if o.checks is None:
            state = "stuck " + str(len(o.stuck)) if o.stuck else "(not checked)"
        elif o.converged:
            state = "ok"
        else:
            ch = o.checks
            state = ", ".join(s for s in (f"stuck {len(o.stuck)}" if o.stuck else "",
                                          f"lost {ch.lost}" if ch.lost else "",
                                          f"bad lines {ch.bad_lines_lost}" if ch.bad_lines_lost else "",
                                          f"core diff {ch.core_diff}" if ch.core_diff else "",
                                          "truth" if any("truth" in note for note in ch.notes) else "") if s) \
                or "rerun failed"
        print(f"| {c.day + 1} | {c.day} | {c.target} (+{o.delay:.1f}s) | {o.injected or '-'} | {o.hit} | "
              f"{o.at:.1f} | {o.killed} | {o.faults_fired} | {' -> '.join(o.reruns)} | {state} | {o.seconds:.0f} |")
    total = time.monotonic() - started
    print(f"\n{n} kills in {total / 60:.1f} min ({total / max(1, n):.0f} s per kill, the first day a full load); "
          f"{final.lines:,} bronze lines checked at the end." + (" Not injected: " + "; ".join(skipped) if skipped else ""))
    converged = sum(o.converged for o in outcomes)
    stuck = len({run_id for o in outcomes for run_id in o.stuck})
    print(f"kills_converged={converged}/{n} lost_rows={final.lost} stuck_runs={stuck} "
          f"bad_lines_lost={final.bad_lines_lost}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=5, help="SIGKILLs, one per simulated day (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="seeds the data, the plan, the faults and the changes")
    parser.add_argument("--records", type=int, default=3000,
                        help="deals and tickets per simulator (persons, organizations, users in proportion)")
    parser.add_argument("--check-every", type=int, default=1, metavar="K",
                        help="full checks after every K kills (always after the last); stuck runs after each")
    parser.add_argument("--sweep-every", type=int, default=3, metavar="D", help="a deletion sweep every D days")
    parser.add_argument("--keep", action="store_true", help="keep both databases and lake folders")
    args = parser.parse_args(argv)
    if args.kills < 1 or args.records < 50 or args.check_every < 1 or args.sweep_every < 1:
        parser.error("--kills, --check-every and --sweep-every must be >= 1, --records >= 50")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    rng = random.Random(args.seed)
    rngs = {"changes": random.Random(rng.random()), "faults": random.Random(rng.random())}
    cycles = plan(rng, args.kills, args.sweep_every)
    skipped = [] if args.kills >= 5 else ["database cut, read-only and full lake (they need --kills 5 or more)"]
    if launcher() is None:  # root without setpriv: chmod would not stop the child
        cycles = [Cycle(c.day, c.target, c.fraction, None if c.special == "lake_readonly" else c.special)
                  for c in cycles]
        skipped.append("read-only lake (root and no setpriv to drop the permission override)")
    skipped.append("Azurite stopped mid-run (no Azurite variant: local lake only)")
    outcomes: list[Outcome] = []
    with ExitStack() as stack:
        world = stack.enter_context(World(args.seed, args.records, args.kills))
        chaos_url, chaos_env = stack.enter_context(workspace("chaos", args.keep))
        ref_url, ref_env = stack.enter_context(workspace("chaosref", args.keep))
        chaos_env, chaos_dir = child_env(chaos_env, world)
        ref_env, ref_dir = child_env(ref_env, world)
        ws = Workspaces(chaos_url, chaos_env, chaos_dir, ref_url, ref_env, ref_dir)
        for i, cycle in enumerate(cycles):
            last = i == len(cycles) - 1
            out = one_day(cycle, args, world, ws, rngs, check_now=last or (i + 1) % args.check_every == 0)
            if out.checks is not None and not out.checks.ok:
                for earlier in reversed(outcomes):   # unchecked kills since the last check share the blame
                    if earlier.checks is not None:
                        break
                    earlier.converged = False
            outcomes.append(out)
            progress(out, args.kills)
        final = outcomes[-1].checks
    report(outcomes, args.kills, final, started, skipped)
    return 0 if all(o.converged for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
