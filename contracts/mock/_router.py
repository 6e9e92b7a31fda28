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
from types import TracebackType
from typing import TYPE_CHECKING, Any

import httpx
import respx

from .._redaction import as_curl, redact
from .._transport import lower_headers
from ..errors import IntercomContractsError, UsageError, render_value
from ..recordings import HarEntry, Recording, read_recording
from ..regions import REGIONS
from ..spec import Contracts
from . import _interceptors as interceptors
from ._events import attach_webhooks, webhook_breach_lines
from ._model import Exchange, FakeIntercom, FakeRequest, FakeResponse, FakeSettings
from ._people import contact_replies
from ._recorded import RecordedAnswers
from ._rules import ForcedAnswers, Rule
from ._workspace import Workspace

if TYPE_CHECKING:
    from ..webhooks import Webhooks

__all__ = ["MOCK_SETTINGS", "STRICT", "ContractBreach", "IntercomMock", "describe_breaches"]

# Keys of @pytest.mark.intercom_mock(...) and IntercomMock.from_settings(...).
MOCK_SETTINGS = ("strict", "region", "version", "spec", "tokens", "faults", "rate_limit", "other_hosts", "replay")
STRICT = (True, False, "undocumented")  # undocumented: inputs of undocumented fate fail the test too
# The body is served as recorded (decoded): its recorded length and encoding no longer describe it.
_FRAMING_HEADERS = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection"})


class ContractBreach(IntercomContractsError, AssertionError):
    """The code under test sent requests the contract refuses."""


class IntercomMock(ForcedAnswers):
    """Intercepts every client's traffic to the three regions (or `base_urls`) and answers as the fake model does.

    Unhappy paths on demand (`respond_with`, `respond_next_with`, `rate_limit_next`, `slow_next`) are rules queued on
    the fake (contracts.mock._rules): the exchange kept is the answer sent.
    """

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
        # The recorded answers made, by id (each held: no id is reused while it waits): their bytes go on the wire.
        self._recorded_sent: dict[int, tuple[FakeResponse, HarEntry]] = {}
        if self.recorded is not None:  # a rule: the exchange kept and told is the recorded answer sent
            self.fake.rules.fallback = Rule(after=self._recorded_answer)
        self.router = respx.MockRouter(assert_all_called=False, assert_all_mocked=True)
        self._responders = [(base, self._responder(region, base)) for region, base in self.base_urls.items()]
        for base, respond in self._responders:
            self.router.route(url__regex=_prefix_pattern(base)).mock(side_effect=respond)
        interceptors.route_the_rest(self.router, self)  # Intercom's other hosts refused; loopback passed; others
        self._webhooks: Webhooks | None = None
        self._notify: Callable[[Exchange], None] | None = None

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
        """The Message objects created (200 answers of POST /messages; a forced 200 over an error is none)."""
        return [
            e.response.body
            for e in self.fake.exchanges
            if e.request.path == "/messages"
            and e.response.status == 200
            and isinstance(e.response.body, dict)
            and e.response.body.get("type") != "error.list"
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
        """Every request the contract refuses (and, with strict="undocumented", every undocumented input); every
        webhook delivery a subscribed handler took as it must not."""
        breaches = self.breaches
        if self.strict == "undocumented":
            breaches += self.undocumented
        parts = [*self.escaped, *([describe_breaches(breaches, self.base_urls)] if breaches else [])]
        parts += webhook_breach_lines(self._webhooks)
        return "\n".join(parts) if parts else None

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

    @property
    def webhooks(self) -> Webhooks:
        """Intercom's webhooks for this workspace: `subscribe(handler, topics=..., client_secret=...)`, then what the
        code under test does (an admin reply, a contact created...) is delivered signed, and `deliver(topic)` sends
        one now; how the handler took each delivery is judged at teardown."""
        if self._webhooks is None:
            self._webhooks, self._notify = attach_webhooks(self.fake)
        return self._webhooks

    def contact_replies(self, conversation_id: str, body: str, *, contact_id: str | None = None) -> dict[str, Any]:
        """What only a person can do: the conversation's contact replies in the Messenger. The reply is readable
        through the API afterwards and delivers `conversation.user.replied`; it is no request of the code's."""
        return contact_replies(self.fake, conversation_id, body, contact_id=contact_id, notify=self._notify)

    def verify(self) -> None:
        """Raise ContractBreach describing every request the contract refuses, and every delivery a subscribed
        webhook handler took as it must not."""
        report = self.breach_report()
        if report is not None:
            raise ContractBreach(report)

    # -- plumbing --------------------------------------------------------------------------------------------------
    def _responder(self, region: str, base: str) -> Any:
        base_path = httpx.URL(base).path.rstrip("/")

        def respond(request: httpx.Request) -> httpx.Response:
            # The path as sent (percent-encoded, as the loopback server sees it): a decoded `%3F` would read as a query.
            raw_path = request.url.raw_path.decode("ascii", "replace").partition("?")[0]
            path = raw_path[len(base_path) :] or "/"
            headers = lower_headers(request.headers)
            query = request.url.query.decode("ascii", "replace")
            fake_request = FakeRequest(region, request.method, path, headers, request.read(), query)
            # Judged and kept first: a request given up on is judged too.
            served = self.fake.serve(fake_request)
            answer = served.exchange.response
            made, recorded = self._recorded_sent.pop(id(answer), (None, None))
            if served.delay:
                _wait(served.delay, request)
            if recorded is not None and made is answer:  # its bytes as recorded
                headers = {k: v for k, v in recorded.response_headers.items() if k not in _FRAMING_HEADERS}
                raw = [(k.encode("latin-1", "replace"), v.encode("utf-8")) for k, v in headers.items()]  # any value
                return httpx.Response(recorded.status, headers=raw, content=recorded.content)
            return httpx.Response(answer.status, headers=answer.headers, content=answer.content())

        return respond

    def _recorded_answer(self, exchange: Exchange) -> FakeResponse:
        """The recorded answer to the exchange's request, if one was recorded (the model's verdict stands)."""
        request, answer = exchange.request, exchange.response
        if self.recorded is None or exchange.version is None:
            return answer
        recorded = self.recorded.take(
            region=request.region,
            method=request.method,
            path=request.path,
            query=request.query,
            version=exchange.version,
            body=request.body,
            status=answer.status,
        )
        if recorded is None:
            return answer
        headers = {k: v for k, v in recorded.response_headers.items() if k not in _FRAMING_HEADERS}
        try:
            body = json.loads(recorded.content) if recorded.content else None
        except (ValueError, RecursionError, UnicodeDecodeError):
            body = None
        made = FakeResponse(recorded.status, headers, body)
        self._recorded_sent[id(made)] = (made, recorded)
        return made

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


def describe_breaches(breaches: list[Exchange], base_urls: dict[str, str]) -> str:
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
