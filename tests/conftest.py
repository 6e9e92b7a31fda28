"""Fixtures shared by the project's tests: the published versions, and a loopback file server.

The tests read Intercom's descriptions from the package's facts pack (`official:V`), never from ../shared: a clone
of the repository alone runs them all. Only tests/test_pack.py reads ../shared, to rebuild the pack.
"""

from __future__ import annotations

import http.server
import importlib
import pkgutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import contracts
import strategies
from contracts.spec import pack_versions

PUBLISHED = list(pack_versions())


def _subpackages(package: Any) -> list[Any]:
    """The toolkit's subpackages with a lazy surface (never the suite: pytester runs import its test modules)."""
    names = (info.name for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}.") if info.ispkg)
    modules = [importlib.import_module(name) for name in names if not name.endswith(".suite")]
    return [module for module in modules if hasattr(module, "__all__")]  # 2.7 ... 2.16, Preview

# Every lazily exported name resolved now, before any in-process pytester run: pytester takes modules first
# imported during a run out of sys.modules afterwards, and a lazy name cached from such a module would then point
# at classes the next run no longer uses ("must be a Contract, not Contract").
# The subpackages' surfaces too (contracts.live.NotSent cached from a run's module is not the class the next run's
# guard raises).
for _package in (contracts, strategies, *_subpackages(contracts)):
    for _name in _package.__all__:
        getattr(_package, _name)


def token_forms(token: str) -> list[str]:
    """The token as a reader could find it, spelt out here independently of the redactor's own list."""
    import base64
    import json
    from urllib.parse import quote

    raw = token.encode()
    return [
        token,
        json.dumps(token)[1:-1],
        "".join(f"\\u{ord(c):04x}" for c in token),
        quote(token, safe=""),
        "".join(f"%{b:02X}" for b in raw),
        raw.hex(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
    ]


def read_line(stream: Any, timeout: float = 30.0) -> str:
    """The next line of a child process's output, or a failure after `timeout`: a test never hangs on a child.

    A thread reads the stream (a select on the pipe would miss lines already in the stream's buffer).
    """
    import queue
    import threading

    lines: queue.Queue[str] = getattr(stream, "_lines", None) or queue.Queue()
    if not hasattr(stream, "_lines"):
        stream._lines = lines
        stream._reader = threading.Thread(target=lambda: [lines.put(s) for s in iter(stream.readline, "")], daemon=True)
        stream._reader.start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        pytest.fail(f"the child printed no line within {timeout}s", pytrace=False)


def rest_of(stream: Any, timeout: float = 30.0) -> str:
    """Everything the child printed after the lines read, once it has ended (see read_line)."""
    reader = getattr(stream, "_reader", None)
    if reader is None:
        return str(stream.read())
    reader.join(timeout)
    lines = []
    while not stream._lines.empty():
        lines.append(stream._lines.get())
    return "".join(lines)


class FileServer:
    """Serves `routes` (path -> (status, bytes)) on 127.0.0.1 and records the paths asked."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes]] = {}
        self.requested: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requested.append(self.path)
                status, body = server.routes.get(self.path, (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def file_server() -> Iterator[FileServer]:
    """A loopback HTTP server for spec downloads; stops at teardown."""
    with FileServer() as server:
        yield server


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache directory for this test only."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("INTERCOM_CONTRACTS_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def free_port() -> Iterator[int]:
    """A port on 127.0.0.1 where nothing listens: held bound (never listening) for the test, so that no other
    process takes it meanwhile; a connection to it is refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield int(sock.getsockname()[1])
