"""What both API simulators share: the loopback server, the HTTP handler, the fault queue, the control plane, the CLI.

Data flow: a simulator package (sandbox.pipedrive, sandbox.zendesk) subclasses LoopbackSimulator (server),
SimHandler (handler) and FaultQueue (faults), and hands its own routes to control.handle() and its own
constructor to cli.serve(); everything API-specific (auth, envelopes, rate limits, forced answers, the
world, records, mutations, endpoints) stays in that package.
Run standalone: python -m sandbox.pipedrive --port 8765   or   python -m sandbox.zendesk --port 8766

Modules: server (threaded loopback server + start/stop/serve lifecycle, request-log accessors), handler
(request dispatch, reply sending with the slow/truncate faults, quiet access log), faults (fault queue with
n/after/path and the request log), control (/_sim/ routes common to both), cli (argument basics, serve loop).
Stdlib only, like the simulators.
"""
