"""A webhook handler served on loopback, for the tests of deliveries over real HTTP (intercom_mock's and the
loopback fake's)."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from collections.abc import Iterator
from typing import Any

from contracts.webhooks import SIGNATURE_HEADER, verify


@contextlib.contextmanager
def loopback_handler(secret: str, *, verifies: bool = True) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """Its URL, and the notifications it took: one that verifies the signature (401 otherwise), or one that
    trusts any body."""
    seen: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            ok = not verifies or verify(body, self.headers.get(SIGNATURE_HEADER), secret)
            if ok:
                seen.append(json.loads(body))
            self.send_response(200 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hooks", seen
    finally:
        server.shutdown()
        server.server_close()
