"""Loopback simulators of the source APIs, for the tests and the demo (the real APIs are not reachable from here).

Data flow: a test or `scripts.daily_pipeline --demo` starts a simulator -> the extractor calls its base_url over
real HTTP -> the simulator answers like the API (auth, paging, rate limits, injected faults) from a seeded world.
Run standalone: python -m sandbox.pipedrive --port 8765   or   python -m sandbox.zendesk --port 8766

Packages: pipedrive and zendesk (everything API-specific: auth, envelopes, rate limits, fault kinds, world,
records, mutations, endpoints), common (what both share: the threaded loopback server and its lifecycle,
the request dispatch and reply sending, the fault queue and request log, the /_sim/ control plane, the CLI).
Stdlib only.
"""
