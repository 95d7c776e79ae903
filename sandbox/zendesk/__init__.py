"""Loopback simulator of the Zendesk Support REST API (incremental exports, lists, rate limits), stdlib only.

Data flow: seed -> generate (records, field catalog, forms) -> World <- mutations (sim.advance) ;
HTTP request -> app (faults -> auth -> rate limits -> endpoints: exports / lists) -> JSON body.
Run standalone: python -m sandbox.zendesk --port 8766 [--seed 1] [--email E] [--token T]

Modules: wire (timestamps, errors, cursors), names (awkward text), catalog (ticket fields, custom values,
forms), world (state, hold-back, archiving), records (record shapes), generate (initial data), edits (one
record's update/delete), mutations (time passing), exports (incremental exports), lists (list paging),
endpoints (routes), ratelimit, faults (bucket storms, 503s, empty pages), control (its fault kinds), app
(auth, limits, answers), simulator (ZendeskSimulator). The server lifecycle, request dispatch, fault queue +
request log, common /_sim/ routes and CLI loop are shared with sandbox.pipedrive: sandbox.common.
Facts it follows: /work/shared/api/zendesk.md. Usage and decisions: README.md next to this file.
"""
from sandbox.zendesk.simulator import DEFAULT_EMAIL, DEFAULT_TOKEN, ZendeskSimulator

__all__ = ["ZendeskSimulator", "DEFAULT_EMAIL", "DEFAULT_TOKEN"]
