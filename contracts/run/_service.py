"""The loopback fake as a service: `intercom-contracts mock [-- CMD ...]`.

With a command, the fake serves on a free loopback port while the command runs with the fake's base URLs and a token
it accepts in its environment; signals sent to us are passed on to it, and the fake stops with it. Without one, the
fake serves until SIGINT or SIGTERM. Either way, at the end: the report files, the breach text `intercom_mock` ends a
test with, and exit status 1 when a request broke the contract (else the command's own status).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from .._redaction import redact
from ..errors import UsageError
from ..exchange import Exchange as WireExchange
from ..mock import DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, Exchange, FakeIntercom, FakeSettings, MockServer
from ..recordings import HarWriter
from ..recordings import entry_of as har_entry_of
from ..regions import REGIONS, TOKEN_ENV, token_env_for
from ..reports import CheckResult, Results, write_atomically

__all__ = ["ServiceSettings", "command_environment", "seed_records", "serve", "service_server", "wire_exchange"]

EXIT_BREACH = 1
LOOPBACK = ("127.0.0.1", "::1", "localhost")
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass(frozen=True)
class ServiceSettings:
    host: str = "127.0.0.1"
    port: int = 0
    allow_remote: bool = False
    admin_id: int | None = None
    contact_id: str | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    fake: dict[str, Any] = field(default_factory=dict)  # rate_limit, window_seconds, retry_after, faults
    strict: bool | str = True
    report: Path | None = None
    report_html: Path | None = None
    record: Path | None = None
    region: str = "us"
    command: tuple[str, ...] = ()
    webhooks: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (URL, client secret, topics: () is every topic)


def serve(settings: ServiceSettings, *, log: Callable[[Exchange], None] | None = None) -> int:
    """Serve the fake (for the command's run, or until a signal); write the reports; the exit status."""
    if settings.host not in LOOPBACK and not settings.allow_remote:
        raise UsageError(
            f"--host {settings.host} would let other hosts reach the fake (and its control endpoints); "
            "pass --allow-remote to mean it, or keep the default 127.0.0.1"
        )
    server = service_server(settings)
    for url, secret, topics in settings.webhooks:  # subscribed as Intercom validates a subscription: one usage line
        server.webhooks.subscribe(url, topics=topics or _every_topic(server), client_secret=secret)
    if log is not None:
        server.fake.listeners.append(log)
    if settings.host not in LOOPBACK:
        print(f"warning: the fake listens on {settings.host}: other hosts can reach it", file=sys.stderr, flush=True)
    with server:
        urls = " ".join(f"{region}={url}" for region, url in server.base_urls.items())
        print(f"Fake Intercom serving {urls}", file=sys.stderr if settings.command else sys.stdout, flush=True)
        status = _run(settings, server) if settings.command else _wait_for_signal()
    return _finish(settings, server, status)


def _every_topic(server: MockServer) -> tuple[str, ...]:
    from ..webhooks import topics_for

    return topics_for(server.fake.default_version)


def service_server(settings: ServiceSettings) -> MockServer:
    """The loopback fake `mock` serves (not started): every admin and contact of its workspace may message."""
    fake = FakeIntercom(
        settings=FakeSettings(tokens=dict(settings.tokens), admin_ids=None, contact_ids=None, **settings.fake),
        keep_exchanges=False,  # the server's ledger keeps them, bounded
    )
    seed = seed_records(settings.admin_id, settings.contact_id)
    seed(fake.workspace)
    return MockServer(fake, host=settings.host, port=settings.port, strict=settings.strict, seed=seed)


def seed_records(admin_id: int | None, contact_id: str | None) -> Callable[[Any], None]:
    """`--admin-id`/`--contact-id` choose the seed records' ids; every admin and contact of the workspace may send
    and receive messages, as in `intercom_mock`."""

    def seed(workspace: Any) -> None:
        if admin_id is not None and admin_id != DEFAULT_ADMIN_ID:
            workspace.add("admin", {**(workspace.get("admin", DEFAULT_ADMIN_ID) or {})}, id=str(admin_id))
        if contact_id and contact_id != DEFAULT_CONTACT_ID:
            workspace.add("contact", {**(workspace.get("contact", DEFAULT_CONTACT_ID) or {})}, id=contact_id)

    return seed


def command_environment(server: MockServer, region: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """The command's environment: the fake's base URLs (the workspace's region's, and each region's) and tokens."""
    env = dict(os.environ if base is None else base)
    urls = server.base_urls
    env["INTERCOM_BASE_URL"] = urls[region]
    env[TOKEN_ENV] = server.fake.token_for(region)
    for name in REGIONS:
        env[f"INTERCOM_BASE_URL_{name.upper()}"] = urls[name]
        env[token_env_for(name)] = server.fake.token_for(name)
    return env


def _run(settings: ServiceSettings, server: MockServer) -> int:
    try:
        child = subprocess.Popen(list(settings.command), env=command_environment(server, settings.region))
    except OSError as error:
        print(f"intercom-contracts mock: cannot run {settings.command[0]}: {error.strerror or error}", file=sys.stderr)
        return 127
    with _forwarding_signals(child):
        while True:
            with contextlib.suppress(InterruptedError):
                returncode = child.wait()
                break
    return returncode if returncode >= 0 else 128 - returncode


@contextlib.contextmanager
def _forwarding_signals(child: subprocess.Popen[bytes]) -> Iterator[None]:
    def forward(signum: int, _: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    previous = {signum: signal.signal(signum, forward) for signum in FORWARDED}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _wait_for_signal() -> int:
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0


def _finish(settings: ServiceSettings, server: MockServer, status: int) -> int:
    report = server.breach_report()
    broke = report is not None
    final = status if status != 0 else (EXIT_BREACH if broke else 0)
    secrets = [token for token in server.fake.settings.tokens.values() if token]
    if not _write_reports(settings, server, final, secrets):
        final = final or 2
    if report is not None:
        print(redact(report, secrets), file=sys.stderr, flush=True)
    else:
        print(f"Fake Intercom: {len(server.ledger.kept())} request(s), none broke the contract", file=sys.stderr)
    return final


def _write_reports(settings: ServiceSettings, server: MockServer, status: int, secrets: Sequence[str]) -> bool:
    """Write the report files asked for; a file that cannot be written is one line on stderr (False)."""
    from ..mock import exchange_record

    kept = server.ledger.kept()
    results = _results(server, kept, status)

    def json_report(path: Path) -> None:
        payload = results.to_json()
        payload["exchanges"] = [exchange_record(e, server.base_urls) for e in kept]
        payload["breach_report"] = server.breach_report()
        write_atomically(path, redact(json.dumps(payload, indent=2, ensure_ascii=False), secrets) + "\n")

    def har(path: Path) -> None:
        writer = HarWriter(path, run={"target": "mock", "exit_status": status}, secrets=secrets)
        writer.add(har_entry_of(wire_exchange(e, server.base_urls), meta=_meta(e), secrets=secrets) for e in kept)
        writer.write(state="complete")

    written = True
    for path, write in (
        (settings.report, json_report),
        (settings.report_html, results.write_html),
        (settings.record, har),
    ):
        if path is None:
            continue
        try:
            write(path)
        except OSError as error:  # one line, never a traceback; the run's verdict is still printed
            print(f"intercom-contracts mock: {path} could not be written: {error.strerror or error}", file=sys.stderr)
            written = False
    return written


def _results(server: MockServer, kept: list[Exchange], status: int) -> Results:
    from ..mock import exchange_record

    results = Results()
    results.describe_run(target="mock", base_urls=server.base_urls)
    strict_undocumented = server.strict == "undocumented"
    for exchange in kept:
        record = exchange_record(exchange, server.base_urls)
        failed = exchange.violation is not None or (strict_undocumented and bool(exchange.undocumented))
        test = f"{record['method']} {record['path']}"
        results.add(
            CheckResult(
                exchange.request.region,
                exchange.version or "-",
                "request_contract",
                "failed" if failed else "passed",
                test,
                "" if record["breach"] is None else record["breach"]["message"],
            )
        )
        if failed:
            breach = record["breach"] or {}
            results.add_failure(
                {
                    "check": "request_contract",
                    "region": exchange.request.region,
                    "version": exchange.version or "-",
                    "test": test,
                    "problem": breach.get("message") or "; ".join(exchange.undocumented),
                    "received": breach.get("received", ""),
                    "documented": breach.get("documented", ""),
                    "curl": record["request"],
                    "status": record["status"],
                }
            )
    results.finish(interrupted=False, exit_status=status)
    return results


def wire_exchange(exchange: Exchange, base_urls: dict[str, str]) -> WireExchange:
    """A fake's exchange as the client records one it sent (the URL under the region's base), for a HAR file."""
    request, response = exchange.request, exchange.response
    url = base_urls.get(request.region, request.region) + request.path + (f"?{request.query}" if request.query else "")
    return WireExchange(
        region=request.region,
        version=exchange.version,
        method=request.method,
        url=url,
        request_headers=dict(request.headers),
        request_body=request.body or None,
        status=response.status,
        headers={name.lower(): value for name, value in response.headers.items()},
        content=response.content(),
        path=request.path,
    )


def _meta(exchange: Exchange) -> dict[str, Any]:
    violation = exchange.violation
    return {
        "operation": exchange.operation,
        "breach": None if violation is None else f"{violation.path}: {violation.message}",
        "undocumented": list(exchange.undocumented),
    }
