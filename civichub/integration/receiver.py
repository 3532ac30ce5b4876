"""A webhook receiver for tests and benchmarks: verifies every delivery's signature and records its
webhook-id, the way a careful consumer would. It can be told to answer slowly, fail, or hang up."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from civichub.integration import signing


class Receiver:
    def __init__(self, secret: str = "", *, status: int = 200, delay_s: float = 0.0, reset: bool = False):
        self.secrets = [secret] if secret else []
        self.status, self.delay_s, self.reset = status, delay_s, reset
        self.ids: Counter[str] = Counter()
        self.bodies: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.connections = 0  # how many TCP connections senders opened (keep-alive keeps it low)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # HTTP/1.1 keeps a connection open for the next request, as real receivers do (1.0 closes it).
            protocol_version = "HTTP/1.1"
            # The answer goes out as two writes (head, then body); with Nagle's algorithm on, a kept-alive
            # connection would hold the second back until the sender's delayed ACK (~40 ms).
            disable_nagle_algorithm = True

            def setup(self) -> None:
                super().setup()
                with receiver.lock:
                    receiver.connections += 1

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = self.rfile.read(length)
                if len(body) < length:
                    self.close_connection = True
                    return  # the sender went away mid-request: nothing was delivered
                if receiver.reset:
                    self.close_connection = True  # hang up without an answer
                    return
                if receiver.delay_s:
                    time.sleep(receiver.delay_s)
                headers = {k.lower(): v for k, v in self.headers.items()}
                valid = any(_valid(s, headers, body) for s in receiver.secrets) if receiver.secrets else True
                with receiver.changed:
                    if valid:
                        receiver.ids[headers.get("webhook-id", "")] += 1
                        receiver.bodies.append(json.loads(body))
                    else:
                        receiver.bad_signatures += 1
                    receiver.changed.notify_all()
                answer = b"ok" if valid else b"bad signature"
                try:
                    self.send_response(receiver.status if valid else 401)
                    self.send_header("content-length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:
                    pass  # the sender went away before reading the answer: it will send again

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, distinct: int, timeout_s: float) -> bool:
        """Block until `distinct` different webhook-ids have arrived (or the timeout passes)."""
        deadline = time.monotonic() + timeout_s
        with self.changed:
            while len(self.ids) < distinct:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True


class _Server(ThreadingHTTPServer):
    # The default backlog of 5 drops connections from a sender that opens many at once (each drop costs
    # the sender a one-second SYN retry), which would measure the backlog rather than the sender.
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A sender that goes away (a killed dispatcher) resets its kept-alive connections while they
        # wait for the next request: that is how such connections end, not an error worth a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _valid(secret: str, headers: dict[str, str], body: bytes) -> bool:
    try:
        signing.verify(secret, headers, body)
    except signing.InvalidSignature:
        return False
    return True
