"""Loopback simulator of the Pipedrive REST API (v2 lists, v1 users and *Fields), stdlib only.

Data flow: seed -> generate (records, catalogs) -> World <- mutations (sim.advance) ;
HTTP request -> app (faults -> auth -> ratelimit -> endpoints) -> JSON envelope.
Run standalone: python -m sandbox.pipedrive --port 8765 [--seed 1] [--deals 300 ...] [--token T]

Modules: wire (formats, envelopes, cursors), names (awkward text), catalog (field catalogs, custom values),
world (state + purge), records (record shapes), generate (initial data), mutations (time passing),
endpoints (routes + paging), ratelimit, faults (storm and 5xx kinds), control (/_sim/ routes of its own),
app (auth, limits, answers), simulator (PipedriveSimulator). The server lifecycle, request dispatch, fault
queue + request log, common /_sim/ routes and CLI loop are shared with sandbox.zendesk: sandbox.common.
Facts it follows: /work/shared/api/pipedrive.md.
"""
from sandbox.pipedrive.simulator import DEFAULT_TOKEN, PipedriveSimulator

__all__ = ["PipedriveSimulator", "DEFAULT_TOKEN"]
