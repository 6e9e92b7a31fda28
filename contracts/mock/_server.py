"""The fake over real HTTP on one loopback port, each region under its own base path (/us, /eu, /au)."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import UsageError
from ..regions import REGIONS
from ._control import CONTROL_PREFIX, Ledger, control_answer
from ._events import webhook_breach_lines
from ._model import FakeIntercom, FakeRequest
from ._rules import ForcedAnswers
from ._workspace import Workspace

if TYPE_CHECKING:
    from ..webhooks import Webhooks

__all__ = ["MAX_BODY_BYTES", "MockServer"]

MAX_BODY_BYTES = 10 * 1024 * 1024


class MockServer(ForcedAnswers):
    """Serves `fake` on http://HOST:PORT/{us,eu,au}; port 0 picks a free port. Stops on `close()` or exit.

    Unhappy paths on demand, as the fixture's: `respond_with`, `respond_next_with`, `rate_limit_next`, `slow_next`,
    also over HTTP under /__intercom/ (contracts.mock._control); `ledger` keeps what was served, `breach_report()`
    says what broke the contract as `intercom_mock` does. `seed` adds the seed records again after a reset.
    """

    def __init__(
        self,
        fake: FakeIntercom | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        strict: bool | str = True,
        seed: Callable[[Workspace], None] | None = None,
    ):
        self.fake = fake or FakeIntercom()
        self.strict, self.seed = strict, seed
        self.ledger = Ledger()
        self._webhooks: Webhooks | None = None
        self.fake.listeners.append(self.ledger.note)
        try:
            self._httpd = _LoopbackServer((host, port), _handler_for(self))
        except OSError as error:
            raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
        self._httpd.daemon_threads = True
        self.host, self.port = host, int(self._httpd.server_address[1])
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-intercom", daemon=True)

    @property
    def base_urls(self) -> dict[str, str]:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return {region: f"http://{host}:{self.port}/{region}" for region in REGIONS}

    def breach_report(self) -> str | None:
        """The requests the contract refused (with strict="undocumented", the undocumented inputs too), as the
        `intercom_mock` fixture's teardown says them; None when there is none."""
        from ._router import describe_breaches

        breaches = list(self.ledger.breaches)
        if self.strict == "undocumented":
            breaches += self.ledger.undocumented
        parts = [describe_breaches(breaches, self.base_urls)] if breaches else []
        parts += webhook_breach_lines(self._webhooks)
        return "\n".join(parts) if parts else None

    @property
    def webhooks(self) -> Webhooks:
        """Intercom's webhooks for the workspace, as `intercom_mock.webhooks` (`--webhook-url` subscribes one)."""
        if self._webhooks is None:
            from ._events import attach_webhooks  # the webhooks library is imported when first asked for

            self._webhooks, _ = attach_webhooks(self.fake)
        return self._webhooks

    def start(self) -> MockServer:
        self.fake.warm()
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


class _LoopbackServer(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # 32 clients connecting at once must not overflow the default backlog of 5 (SYN retries)


def _handler_for(server: MockServer) -> type[http.server.BaseHTTPRequestHandler]:
    fake = server.fake

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Keep-alive at full speed: without TCP_NODELAY a second small write (headers, then body) waits for the
        # client's delayed ACK (~40 ms). The answer is also buffered (wbufsize) and leaves in one send when
        # handle_one_request flushes after the method.
        disable_nagle_algorithm = True
        wbufsize = 64 * 1024

        def _serve(self) -> None:
            length = self.headers.get("Content-Length") or "0"
            if not length.isdigit() or int(length) > MAX_BODY_BYTES:
                self._reply(413, {}, _envelope("bad_request", f"request body over {MAX_BODY_BYTES} bytes"))
                self.close_connection = True
                return
            body = self.rfile.read(int(length)) if int(length) > 0 else b""
            if self.path.startswith(CONTROL_PREFIX):  # the tester's endpoints: never an exchange with Intercom
                status, payload = control_answer(server, self.command, self.path.partition("?")[0], body)
                self._reply(status, {}, json.dumps(payload, ensure_ascii=False).encode())
                return
            _, _, rest = self.path.partition("/")
            region, _, tail = rest.partition("/")
            path, _, query = tail.partition("?")
            headers = {name.lower(): value for name, value in self.headers.items()}
            served = fake.serve(FakeRequest(region, self.command, "/" + path, headers, body, query))
            time.sleep(served.delay)  # slow_next: bounded by the rule (MAX_DELAY)
            answer = served.exchange.response
            try:
                self._reply(answer.status, answer.headers, answer.content())
            except (BrokenPipeError, ConnectionResetError):  # a client that gave up waiting is gone: no traceback
                self.close_connection = True

        def __getattr__(self, name: str) -> object:
            if name.startswith("do_"):  # every method, TRACE and OPTIONS included, gets the model's JSON answer
                return self._serve
            raise AttributeError(name)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """What the standard library answers as an HTML page (a malformed request line...), as JSON."""
            self._reply(code, {}, _envelope("bad_request", message or "Bad request"))

        def _reply(self, status: int, headers: dict[str, str], content: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in ("content-type", "content-length"):
                    self.send_header(name, value)
            kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "application/json")
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(content)

        def log_message(self, format: str, *args: object) -> None:
            pass  # a request log could carry headers; the record of exchanges is the log

    return Handler


def _envelope(code: str, message: str) -> bytes:
    return json.dumps(
        {"type": "error.list", "request_id": None, "errors": [{"code": code, "message": message}]}
    ).encode()
