"""The fake over real HTTP on one loopback port, each region under its own base path (/us, /eu, /au)."""

from __future__ import annotations

import http.server
import threading
from types import TracebackType

from ..errors import UsageError
from ..regions import REGIONS
from .model import FakeIntercom, FakeRequest

__all__ = ["MAX_BODY_BYTES", "MockServer"]

MAX_BODY_BYTES = 10 * 1024 * 1024


class MockServer:
    """Serves `fake` on http://HOST:PORT/{us,eu,au}; port 0 picks a free port. Stops on `close()` or exit."""

    def __init__(self, fake: FakeIntercom | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.fake = fake or FakeIntercom()
        try:
            self._httpd = http.server.ThreadingHTTPServer((host, port), _handler_for(self.fake))
        except OSError as error:
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
        self._httpd.daemon_threads = True
        self.host, self.port = host, int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-intercom", daemon=True)

    @property
    def base_urls(self) -> dict[str, str]:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return {region: f"http://{host}:{self.port}/{region}" for region in REGIONS}

    def start(self) -> MockServer:
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def _handler_for(fake: FakeIntercom) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self.send_error(413, "Request body too large")
                return
            body = self.rfile.read(length) if length > 0 else b""
            _, _, rest = self.path.partition("/")
            region, _, tail = rest.partition("/")
            path = "/" + tail.split("?", 1)[0]
            headers = {name.lower(): value for name, value in self.headers.items()}
            answer = fake.handle(FakeRequest(region, self.command, path, headers, body))
            content = answer.content()
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass  # a request log could carry headers; the record of exchanges is the log

    return Handler
