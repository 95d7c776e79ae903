"""The two simulators `python -m bench.chaos` drives: one Pipedrive company and one Zendesk account, seeded,
their clocks moved on a day between daily runs, faults queued at random moments of a run.

Data flow: World(seed, records) -> PipedriveSimulator + ZendeskSimulator (loopback threads in this process)
           -> env(): what a pipeline child needs to reach them; next_day(rng) -> sim.advance() on both;
           queue_faults(rng, requests) -> the sims' fault knobs (storm, 5xx, slow); mark() / faults_fired(mark)
           -> the request logs; truth(source, entity) -> sim.truth() for the checks.
Run standalone: python -c "from bench.chaos_world import World; w = World(1, 300, 5); print(w.state()); w.close()"

Both simulators are built with a few thousand records (the first daily run is then a full load of
~10-30 s) and limits loose enough that a run is not mostly waiting for rate-limit windows: the faults
are what the bench injects, not what the default limits would add on every page.
Their clocks start `days` days before today (UTC midnight), so that after the last simulated day the
newest record is still older than the wall clock: the loader treats a version later than its bronze
run's start as a bad, future-dated one, and a simulator running ahead of the wall clock would make every
late change look like that.
"""
from __future__ import annotations

import datetime as dt
import random

from sandbox.pipedrive import PipedriveSimulator
from sandbox.zendesk import ZendeskSimulator

# Fake credentials of the loopback simulators only; they never reach a real API.
PIPEDRIVE_TOKEN = "chaos-pipedrive-token"
ZENDESK_EMAIL, ZENDESK_TOKEN = "chaos@example.com", "chaos-zendesk-token"


class World:
    """Both simulators, started; `with World(...) as world:` stops them."""

    def __init__(self, seed: int, records: int, days: int):
        start = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days + 2)).strftime("%Y-%m-%dT00:00:00Z")
        self.sims = {
            "pipedrive": PipedriveSimulator(seed=seed, token=PIPEDRIVE_TOKEN, deals=records, persons=records // 2,
                                            organizations=max(10, records // 10), activities=records,
                                            burst_limit=100, start=start),
            "zendesk": ZendeskSimulator(seed=seed, email=ZENDESK_EMAIL, token=ZENDESK_TOKEN, tickets=records,
                                        users=max(20, records // 4), organizations=max(10, records // 15),
                                        incremental_limit=100, window_seconds=1.0, start=start),
        }
        for sim in self.sims.values():
            sim.start()

    def __enter__(self) -> "World":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for sim in self.sims.values():
            sim.stop()

    def env(self) -> dict[str, str]:
        pipedrive, zendesk = self.sims["pipedrive"], self.sims["zendesk"]
        return {"PIPEDRIVE_API_TOKEN": PIPEDRIVE_TOKEN, "PIPEDRIVE_BASE_URL": pipedrive.base_url,
                "ZENDESK_EMAIL": ZENDESK_EMAIL, "ZENDESK_API_TOKEN": ZENDESK_TOKEN,
                "ZENDESK_BASE_URL": zendesk.base_url}

    def next_day(self, rng: random.Random) -> dict[str, int]:
        """A day passes on both: records created, updated, deleted (and, on Pipedrive, purged after 30 days)."""
        done = {}
        for source, sim in self.sims.items():
            done[source] = len(sim.advance(hours=24, changes=rng.randint(40, 200)))
        return done

    def clear_faults(self) -> None:
        for sim in self.sims.values():
            sim.clear_faults()

    def queue_faults(self, rng: random.Random, requests: dict[str, int]) -> list[str]:
        """Three faults per source, each after a random number of the requests a clean run of the day made
        (so they fire at random moments of the killed run, or of the rerun if the kill came first)."""
        said = []
        for source, sim in self.sims.items():
            for _ in range(3):
                after = rng.randint(0, max(1, requests.get(source, 1)))
                kind = rng.choice(("storm", "5xx", "slow"))
                n = rng.randint(1, 3)
                if kind == "slow":
                    seconds = round(rng.uniform(0.3, 1.5), 1)
                    sim.slow(n, seconds, after=after)
                    said.append(f"{source} slow {n}x{seconds}s @{after}")
                elif kind == "storm" and source == "pipedrive":
                    sim.storm(n, after=after)
                    said.append(f"{source} 429x{n} @{after}")
                elif kind == "storm":
                    bucket = rng.choice(("incremental", "account"))
                    sim.storm(n, bucket, retry_after=1, after=after)
                    said.append(f"{source} 429 {bucket} x{n} @{after}")
                elif source == "pipedrive":
                    status = rng.choice((500, 502, 503, 504))
                    sim.fail_5xx(n, status, after=after)
                    said.append(f"{source} {status}x{n} @{after}")
                else:
                    retry_after = rng.choice((1, 1, None))  # mostly with Retry-After, as Zendesk sends it
                    sim.fail_503(n, retry_after, after=after)
                    said.append(f"{source} 503x{n}{'' if retry_after is None else ' Retry-After'} @{after}")
        return said

    def mark(self) -> dict[str, int]:
        """Where each request log stands now (compare with faults_fired later)."""
        return {source: sim.request_count for source, sim in self.sims.items()}

    def requests_since(self, mark: dict[str, int]) -> dict[str, int]:
        return {source: sim.request_count - mark[source] for source, sim in self.sims.items()}

    def faults_fired(self, mark: dict[str, int]) -> int:
        """Requests since `mark` that an injected fault answered (slow ones included)."""
        return sum(1 for source, sim in self.sims.items() for r in sim.requests
                   if r["seq"] > mark[source] and r["faults"])

    def truth(self, source: str, entity: str) -> list[dict]:
        return self.sims[source].truth(entity)

    def state(self) -> dict[str, dict]:
        return {source: {"now": sim.now_iso, "counts": sim.state()["counts"]} for source, sim in self.sims.items()}
