"""The fake as a respx router on the regional base URLs: for the suite, and for a team's own integration tests.

As `intercom_mock` it judges the code under test: every request the contract refuses is a breach, reported at
the end (`verify()`), even when that code swallowed the 4xx. Other hosts pass through (or are refused, as respx
would, with `other_hosts="refuse"`).
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any

import httpx
import respx

from ..errors import IntercomContractsError, UsageError, render_value
from ..facts import DOCUMENTED_ERRORS
from ..har import HarEntry, Recording, read_recording
from ..redaction import as_curl, redact
from ..regions import REGIONS
from ..transport import lower_headers
from ..versions import Contracts
from . import interceptors
from .model import Exchange, FakeIntercom, FakeRequest, FakeResponse, FakeSettings
from .recorded import RecordedAnswers
from .workspace import Workspace

__all__ = ["MOCK_SETTINGS", "STRICT", "ContractBreach", "IntercomMock"]

# Keys of @pytest.mark.intercom_mock(...) and IntercomMock.from_settings(...).
MOCK_SETTINGS = ("strict", "region", "version", "spec", "tokens", "faults", "rate_limit", "other_hosts", "replay")
STRICT = (True, False, "undocumented")  # undocumented: inputs of undocumented fate fail the test too
# The body is served as recorded (decoded): its recorded length and encoding no longer describe it.
_FRAMING_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection"})


class ContractBreach(IntercomContractsError, AssertionError):
    """The code under test sent requests the contract refuses."""


@dataclass
class _Forced:
    status: int
    code: str | None
    message: str | None
    headers: dict[str, str]
    when: Callable[[FakeRequest], bool]
    times: int | None  # None: every matching request
    delay: float = 0.0
    limited: bool = False  # answered 429 by the model's rate limiting (its own headers), not replaced


class IntercomMock:
    """Intercepts every client's traffic to the three regions (or `base_urls`) and answers as the fake model does."""

    def __init__(
        self,
        fake: FakeIntercom | None = None,
        *,
        base_urls: dict[str, str] | None = None,
        strict: bool | str = True,
        other_hosts: str = "pass",
        replay: Recording | None = None,
    ):
        if other_hosts not in ("pass", "refuse"):
            raise UsageError(f"other_hosts must be 'pass' or 'refuse', not {other_hosts!r}")
        if strict not in STRICT:
            raise UsageError(f"strict must be True, False or 'undocumented', not {strict!r}")
        self.fake = fake or FakeIntercom()
        self.strict = strict
        self.other_hosts = other_hosts
        self.escaped: list[str] = []  # requests stopped before leaving for a host no hook served (interceptors)
        self.base_urls = {region: url.rstrip("/") for region, url in (base_urls or REGIONS).items()}
        self.recorded = (
            RecordedAnswers(replay, self.fake.contracts, default_version=self.fake.default_version) if replay else None
        )
        self._forced: list[_Forced] = []
        self._forced_exchanges: set[int] = set()
        self.router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        self._responders = [(base, self._responder(region, base)) for region, base in self.base_urls.items()]
        for base, respond in self._responders:
            self.router.route(url__regex=_prefix_pattern(base)).mock(side_effect=respond)
        interceptors.route_the_rest(self.router, self)  # Intercom's other hosts refused; loopback passed; others

    @classmethod
    def from_settings(cls, **settings: Any) -> IntercomMock:
        """A consumer-side mock: any well-formed bearer token is accepted unless `tokens` pins them per region."""
        unknown = sorted(set(settings) - set(MOCK_SETTINGS))
        if unknown:
            raise UsageError(f"unknown intercom_mock setting(s) {unknown}; allowed: {', '.join(MOCK_SETTINGS)}")
        contracts = _contracts(str(settings.get("spec", "bundled")))
        version = settings.get("version")
        if version is not None and not contracts.knows(str(version)):
            raise UsageError(f"version {version!r} is not documented; documented: {contracts.describe()}")
        tokens = settings.get("tokens")
        faults = settings.get("faults", ())
        fake_settings = FakeSettings(
            tokens=dict(tokens) if tokens else {},
            accept_any_token=not tokens,
            workspace_region=settings.get("region"),
            admin_ids=None,
            contact_ids=None,
            rate_limit=int(settings.get("rate_limit", 10**9)),
            faults=frozenset([faults] if isinstance(faults, str) else faults),
            default_version=None if version is None else str(version),
        )
        replay = settings.get("replay")
        return cls(
            FakeIntercom(contracts, fake_settings),
            strict=settings.get("strict", True),
            other_hosts=str(settings.get("other_hosts", "pass")),
            replay=read_recording(replay) if replay is not None else None,
        )

    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering as the fake, without patching httpx (a client of our own passes it).

        The same answers as the router, found by base URL directly: respx's per-request route matching and side
        effect inspection are not needed when the client is ours. A URL under no base is answered 404.
        """
        return httpx.MockTransport(self._dispatch)

    def _dispatch(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        for base, respond in self._responders:
            if url.startswith(base) and url[len(base) : len(base) + 1] in ("", "/", "?"):
                response: httpx.Response = respond(request)
                return response
        return httpx.Response(404, json={"type": "error.list", "errors": [{"code": "not_found", "message": url}]})

    # -- what happened ---------------------------------------------------------------------------------------------
    @property
    def requests(self) -> list[Exchange]:
        """Every request received, with the answer given and the contract violation, if any."""
        return list(self.fake.exchanges)

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The Message objects created (200 answers of POST /messages)."""
        return [
            e.response.body
            for index, e in enumerate(self.fake.exchanges)
            if e.request.path == "/messages" and e.response.status == 200 and index not in self._forced_exchanges
        ]

    @property
    def workspace(self) -> Workspace:
        """The resources the fake serves: `workspace.add("contact", {...})` before the code under test runs."""
        return self.fake.workspace

    @property
    def breaches(self) -> list[Exchange]:
        """The requests the contract refuses."""
        return [e for e in self.fake.exchanges if e.violation is not None]

    @property
    def undocumented(self) -> list[Exchange]:
        """The requests holding inputs whose fate no source documents (answered, but Intercom may differ)."""
        return [e for e in self.fake.exchanges if e.undocumented and e.violation is None]

    def breach_report(self) -> str | None:
        """Every request the contract refuses (and, with strict="undocumented", every undocumented input)."""
        breaches = self.breaches
        if self.strict == "undocumented":
            breaches += self.undocumented
        report = _describe(breaches, self.base_urls) if breaches else None
        return "\n".join([*self.escaped, *([report] if report else [])]) or None

    def undocumented_report(self) -> str | None:
        """Every input of undocumented fate, described (None when there is none)."""
        found = self.undocumented
        if not found:
            return None
        lines = [f"Intercom's answer to {len(found)} request(s) is undocumented (the fake answered as allowed):"]
        for number, exchange in enumerate(found, 1):
            url = self.base_urls.get(exchange.request.region, exchange.request.region) + exchange.request.path
            lines.append(f"{number}. {exchange.request.method} {url}: {'; '.join(exchange.undocumented)}")
        return "\n".join(lines)

    def verify(self) -> None:
        """Raise ContractBreach describing every request the contract refuses."""
        report = self.breach_report()
        if report is not None:
            raise ContractBreach(report)

    # -- unhappy paths ---------------------------------------------------------------------------------------------
    def respond_with(
        self,
        status: int,
        code: str | None = None,
        message: str | None = None,
        *,
        when: Callable[[FakeRequest], bool] | None = None,
        times: int | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> None:
        """Answer a documented error to requests matching `when` (all by default), `times` times (None: always)."""
        if status not in DOCUMENTED_ERRORS and status != 200:
            raise UsageError(f"status {status} is not a documented answer; documented: {sorted(DOCUMENTED_ERRORS)}")
        known = DOCUMENTED_ERRORS.get(status, ())
        if code is not None and code not in known:
            raise UsageError(f"code {code!r} is not documented for {status}; documented: {', '.join(known)}")
        self._forced.append(
            _Forced(
                status,
                code or (known[0] if known else None),
                message,
                dict(headers or {}),
                when or (lambda _: True),
                times,
                delay,
            )
        )

    def respond_next_with(self, status: int, code: str | None = None, message: str | None = None) -> None:
        """Answer a documented error to the next request."""
        self.respond_with(status, code, message, times=1)

    def rate_limit_next(self, times: int = 1, *, retry_after: int | None = 1) -> None:
        """Answer 429 `rate_limit_exceeded` to the next `times` requests, as the rate-limit model does: the window's
        own X-RateLimit-Limit and -Reset, X-RateLimit-Remaining 0; `Retry-After: retry_after` unless None (whether
        Intercom sends it is unconfirmed)."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        self._forced.append(_Forced(429, None, None, headers, lambda _: True, times, limited=True))

    def slow_next(self, seconds: float, times: int = 1) -> None:
        """Answer the next requests after `seconds` (a client timeout shorter than that fires as httpx's would)."""
        self._forced.append(_Forced(0, None, None, {}, lambda _: True, times, delay=seconds))

    # -- plumbing --------------------------------------------------------------------------------------------------
    def _take_forced(self, request: FakeRequest) -> _Forced | None:
        for forced in self._forced:
            if forced.when(request):
                if forced.times is not None:
                    forced.times -= 1
                    if forced.times <= 0:
                        self._forced.remove(forced)
                return forced
        return None

    def _responder(self, region: str, base: str) -> Any:
        base_path = httpx.URL(base).path.rstrip("/")

        def respond(request: httpx.Request) -> httpx.Response:
            # The path as sent (percent-encoded, as the loopback server sees it): a decoded `%3F` would read as a query.
            raw_path = request.url.raw_path.decode("ascii", "replace").partition("?")[0]
            path = raw_path[len(base_path) :] or "/"
            headers = lower_headers(request.headers)
            query = request.url.query.decode("ascii", "replace")
            fake_request = FakeRequest(region, request.method, path, headers, request.read(), query)
            forced = self._take_forced(fake_request)
            limited = forced is not None and forced.limited
            # Judged first: a request given up on is judged too.
            exchange = self.fake.handle_exchange(fake_request, limited=limited)
            answer = exchange.response
            if forced is not None and forced.delay:
                _wait(forced.delay, request)
            if forced is not None and limited:
                if answer.status == 429:  # the model's 429 (an unauthorized request keeps its 401)
                    answer = replace(answer, headers={**answer.headers, **forced.headers})
            elif forced is not None and forced.status:
                answer = self._force(exchange, forced)
            elif self.recorded is not None and exchange.version is not None:
                recorded = self.recorded.take(
                    region=region,
                    method=fake_request.method,
                    path=path,
                    query=query,
                    version=exchange.version,
                    body=fake_request.body,
                    status=answer.status,
                )
                if recorded is not None:
                    return self._serve_recorded(exchange, recorded)
            return httpx.Response(answer.status, headers=answer.headers, content=answer.content())

        return respond

    def _serve_recorded(self, exchange: Exchange, recorded: HarEntry) -> httpx.Response:
        """The recorded answer, kept as the exchange's answer (the model's verdict on the request stands)."""
        headers = {k: v for k, v in recorded.response_headers.items() if k not in _FRAMING_HEADERS}
        raw = [(k.encode("latin-1", "replace"), v.encode("utf-8")) for k, v in headers.items()]  # bytes: any value
        try:
            body = json.loads(recorded.content) if recorded.content else None
        except (ValueError, RecursionError, UnicodeDecodeError):
            body = None
        self._replace_answer(exchange, FakeResponse(recorded.status, headers, body))
        return httpx.Response(recorded.status, headers=raw, content=recorded.content)

    def _force(self, exchange: Exchange, forced: _Forced) -> FakeResponse:
        """Replace the model's answer (the request is still judged) with the documented error asked for."""
        answer = exchange.response
        request_id = answer.headers.get("X-Request-Id")
        error = {"code": forced.code, "message": forced.message}
        body = {"type": "error.list", "request_id": request_id, "errors": [error]}
        if forced.status == 200:
            body = answer.body
        replaced = FakeResponse(forced.status, {**answer.headers, **forced.headers}, body)
        index = self._replace_answer(exchange, replaced)
        if index is not None:
            self._forced_exchanges.add(index)
        return replaced

    def _replace_answer(self, exchange: Exchange, response: FakeResponse) -> int | None:
        """Keep `response` as the answer of `exchange` (found by identity: other requests may have come since);
        its index in the fake's exchanges, None when the fake keeps none."""
        with self.fake._lock:
            for index in range(len(self.fake.exchanges) - 1, -1, -1):
                if self.fake.exchanges[index] is exchange:
                    self.fake.exchanges[index] = replace(exchange, response=response)
                    return index
        return None

    def __enter__(self) -> IntercomMock:
        self.router.__enter__()
        interceptors.start(self)  # every other client, and the guard on sockets to Intercom's hosts
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        interceptors.stop(self)
        self.router.__exit__(kind, error, trace)


@functools.lru_cache(maxsize=16)
def _contracts(source: str) -> Contracts:
    """One per source for the test session: every test using intercom_mock shares its compiled contracts."""
    return Contracts(source)


def _wait(seconds: float, request: httpx.Request) -> None:
    timeout = request.extensions.get("timeout", {}).get("read")
    if timeout is not None and timeout < seconds:
        time.sleep(timeout)
        raise httpx.ReadTimeout(f"the fake answered after {seconds}s, beyond the {timeout}s timeout", request=request)
    time.sleep(seconds)


def _describe(breaches: list[Exchange], base_urls: dict[str, str]) -> str:
    refused = sum(1 for exchange in breaches if exchange.violation is not None)
    parts = [f"{refused} request(s) broke the Intercom contract (Intercom would refuse them)"] if refused else []
    if refused < len(breaches):
        parts.append(f"{len(breaches) - refused} request(s) hold inputs of undocumented fate (strict='undocumented')")
    lines = [", and ".join(parts) + ":"]
    for number, exchange in enumerate(breaches, 1):
        request, violation = exchange.request, exchange.violation
        token = (request.header("Authorization") or "").partition(" ")[2]
        url = (
            base_urls.get(request.region, request.region)
            + request.path
            + (f"?{request.query}" if request.query else "")
        )
        body = redact(request.body.decode("utf-8", "replace"), [token]) if request.body else ""
        codes = ", ".join(str(e.get("code")) for e in _errors(exchange.response.body))
        where = f" ({exchange.operation}, version {exchange.version})" if exchange.operation else ""
        lines.append(f"{number}. {request.method} {url}{where}")
        if violation is not None:
            lines += [
                f"   Rule: {violation.rule} at {violation.path}: {violation.message}",
                f"   Received: {render_value(violation.received)}",
                f"   Documented: {render_value(violation.expected)}",
                f"   Intercom would answer: {exchange.response.status} {codes}".rstrip(),
            ]
        else:
            lines.append(f"   Intercom's answer to this is undocumented: {'; '.join(exchange.undocumented)}")
        lines.append(f"   Request: {redact(as_curl(request.method, url, request.headers, request.body), [token])}")
        if body:
            lines.append(f"   Body: {body if len(body) <= 500 else body[:500] + '...'}")
    return "\n".join(lines)


def _errors(body: Any) -> list[dict[str, Any]]:
    errors = body.get("errors") if isinstance(body, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def _prefix_pattern(base: str) -> str:
    return "^" + re.escape(base) + r"(/|\?|$)"
