"""The threaded loopback server every simulator runs on, and the lifecycle a simulator object exposes.

Data flow: a LoopbackSimulator subclass -> start() -> LoopbackServer on host:port (0 = a free port) in a daemon
thread -> the subclass's `_handler` class answers each request, reaching the simulator as `server.sim`;
or serve_forever() in the calling thread (the CLI) -> stop() on exit.
Run standalone: python -c "from sandbox.pipedrive import PipedriveSimulator as S; s = S().start(); print(s.base_url); s.stop()"

A subclass sets `_handler` and `_thread_name`, calls _init_server(host, port) from its __init__, and owns
`seed` (shown by repr) and `faults` (a common.faults.FaultQueue, read by the request-log accessors here).
Everything else a simulator offers (world, clock, fault knobs, state) is API-specific and lives in it.
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

Sim = TypeVar("Sim", bound="LoopbackSimulator")


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() must not wait for a handler sleeping in a `slow` fault
    sim: "LoopbackSimulator"


class LoopbackSimulator:
    _handler: type[BaseHTTPRequestHandler]  # the API's request handler (a common.handler.SimHandler)
    _thread_name: str = "sim"

    def _init_server(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._server: LoopbackServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:  # never a credential
        return f"{type(self).__name__}(seed={self.seed}, base_url={self.base_url if self._server else None!r})"

    # -- lifecycle -------------------------------------------------------------------------------
    def _bind(self) -> LoopbackServer:
        server = LoopbackServer((self._host, self._port), self._handler)
        server.sim = self
        return server

    def start(self: Sim) -> Sim:
        """Bind (port 0 = a free port) and serve from a daemon thread; returns self."""
        if self._server is None:
            self._server = self._bind()
            # A short poll interval makes stop() quick (shutdown waits for the next poll).
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name=self._thread_name, daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        if self._thread is not None:  # serve_forever() in a thread: ask it to leave its loop
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()
        self._server = self._thread = None

    def serve_forever(self, on_ready=None) -> None:
        """Serve in the calling thread (the CLI) until KeyboardInterrupt; on_ready(sim) runs once bound."""
        self._server = self._bind()
        try:
            if on_ready is not None:
                on_ready(self)
            self._server.serve_forever()
        finally:
            self.stop()

    def __enter__(self: Sim) -> Sim:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("simulator not started")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """Scheme + host + port; clients append the API's paths (DESIGN §10 *_BASE_URL)."""
        return f"http://{self._host}:{self.port}"

    # -- the request log and pending faults (the knobs that add faults are API-specific) -------------
    def clear_faults(self) -> None:
        self.faults.clear()

    @property
    def requests(self) -> list[dict]:
        """[{seq, method, path, params, status, faults}] in arrival order; no header and no secret
        query parameter is kept, so no credential."""
        return self.faults.log

    @property
    def request_count(self) -> int:
        return self.faults.count

    def clear_requests(self) -> None:
        self.faults.clear_log()
