"""A recording sent again, to the fake or another server, and where the answers differ from what was recorded.

Against the fake this is the fake's fidelity report: a team that records its sandbox sees where our fake answers
otherwise. Compared per exchange: the status, the error codes, the content type, the schema branch (the body's
`type`), each request field one answer echoes as sent and the other does not, and the headers a client relies on
(rate-limit headers, X-Request-Id, Retry-After: present or not). What differs by nature (ids, request ids,
timestamps) is not compared.

Against a server (live), every request goes through the run's client: only GET and POST /messages are sent, a
message only within the budget and between the pinned admin and contact, never twice, never redirected, waits
bounded. The credential is the region's token from the environment, or what the recorded intent asks for (none,
a wrong one, another region's): the recording itself holds none.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .._redaction import scrub
from .._transport import live_transport
from ..errors import UsageError, render_value
from ..live import (
    CREATE_MESSAGE_ROUTE,
    HttpExchange,
    IntercomClient,
    LiveGuard,
    MessageBudget,
    NotSent,
    Pacing,
    TransportFailure,
    WaitAllowance,
)
from ..recordings import HarEntry, Recording, exchange_of
from ..regions import REGIONS

__all__ = ["Difference", "ReplayReport", "Replayed", "compare", "replay"]

ABSENT = "absent"
HEADERS_THAT_MATTER = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-request-id", "retry-after")
WRONG_TOKEN = "not-a-token-" + "0" * 24
# The only recorded header sent again (the client sets its own Accept, credential and version): a recording is
# data, and a header such as X-HTTP-Method-Override could turn a request into another.
_FORWARDED_HEADERS = frozenset({"content-type"})
_UNAUTHENTICATED = {"no-token": None, "wrong-token": WRONG_TOKEN}


@dataclass(frozen=True)
class Difference:
    aspect: str  # status, error codes, content type, schema branch, echoed FIELD, header NAME
    recorded: Any
    replayed: Any

    def __str__(self) -> str:
        return f"{self.aspect}: recorded {_shown(self.recorded)}, replayed {_shown(self.replayed)}"


@dataclass
class Replayed:
    """One recorded exchange sent again: the differences, or why it was not sent or not answered."""

    entry: HarEntry
    differences: list[Difference] = field(default_factory=list)
    not_sent: str | None = None
    failure: str | None = None

    @property
    def title(self) -> str:
        entry = self.entry
        version = entry.version or "default"
        test = entry.meta.get("test")
        return f"#{entry.number} {entry.region} {version} {entry.method} {entry.path}" + (f" ({test})" if test else "")


@dataclass
class ReplayReport:
    recording: str
    target: str
    items: list[Replayed]

    @property
    def differing(self) -> list[Replayed]:
        return [item for item in self.items if item.differences]

    @property
    def failed(self) -> list[Replayed]:
        return [item for item in self.items if item.failure]

    @property
    def not_sent(self) -> list[Replayed]:
        return [item for item in self.items if item.not_sent]

    def summary(self) -> str:
        sent = len(self.items) - len(self.not_sent)
        parts = [f"{len(self.differing)} differ"]
        if self.failed:
            parts.append(f"{len(self.failed)} not answered")
        if self.not_sent:
            parts.append(f"{len(self.not_sent)} not sent")
        return f"replayed {sent} of {len(self.items)} recorded exchanges against {self.target}: {', '.join(parts)}"

    def to_text(self) -> str:
        lines = []
        for item in self.items:
            if item.differences:
                lines.append(f"{item.title}: {len(item.differences)} difference(s)")
                lines += [f"  {difference}" for difference in item.differences]
            elif item.failure:
                lines.append(f"{item.title}: not answered: {item.failure}")
            elif item.not_sent:
                lines.append(f"{item.title}: not sent: {item.not_sent}")
        return "\n".join([*lines, self.summary()])

    def to_json(self, *, secrets: Iterable[str] = ()) -> str:
        """The report as JSON; `secrets` (the environment's tokens) scrubbed from every value a server sent."""
        secrets = tuple(secrets)

        def clean(value: Any) -> Any:
            if not secrets:
                return value
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            cleaned = scrub(text, secrets)
            return value if cleaned == text else cleaned

        payload = {
            "recording": clean(self.recording),
            "target": clean(self.target),
            "summary": clean(self.summary()),
            "exchanges": [
                {
                    "entry": item.entry.number,
                    "region": clean(item.entry.region),
                    "version": clean(item.entry.version),
                    "method": clean(item.entry.method),
                    "path": clean(item.entry.path),
                    "test": clean(item.entry.meta.get("test")),
                    "differences": [
                        {"aspect": clean(d.aspect), "recorded": clean(d.recorded), "replayed": clean(d.replayed)}
                        for d in item.differences
                    ],
                    "not_sent": clean(item.not_sent),
                    "failure": clean(item.failure),
                }
                for item in self.items
            ],
        }
        return json.dumps(payload, indent=2, ensure_ascii=False, default=str)


# -- comparing --------------------------------------------------------------------------------------------------
def compare(recorded: HttpExchange, replayed: HttpExchange) -> list[Difference]:
    """Where the replayed answer differs from the recorded one, in what a client of Intercom relies on."""
    found: list[Difference] = []

    def differ(aspect: str, before: Any, after: Any) -> None:
        if before != after:
            found.append(Difference(aspect, before, after))

    differ("status", recorded.status, replayed.status)
    differ("error codes", sorted(recorded.error_codes()), sorted(replayed.error_codes()))
    differ("content type", _media(recorded), _media(replayed))
    differ("schema branch", _branch(recorded.json), _branch(replayed.json))
    sent = recorded.payload
    if isinstance(sent, dict):
        for name, value in sent.items():  # a field one answer echoes as sent and the other does not
            before, after = _field(recorded.json, name), _field(replayed.json, name)
            if (before == value) != (after == value):
                found.append(Difference(f"echoed {name}", before, after))
    for header in HEADERS_THAT_MATTER:
        differ(f"header {header}", _presence(recorded, header), _presence(replayed, header))
    return found


def _field(body: Any, name: str) -> Any:
    return body.get(name, ABSENT) if isinstance(body, dict) else ABSENT


def _media(exchange: HttpExchange) -> str:
    return exchange.headers.get("content-type", "").split(";")[0].strip().lower() or ABSENT


def _branch(body: Any) -> str:
    """Which documented shape the body took: its `type` (Intercom's discriminator), else its JSON kind."""
    if isinstance(body, dict):
        kind = body.get("type")
        return str(kind) if isinstance(kind, str) else "object without type"
    if body is None:
        return "no JSON body"
    return type(body).__name__


def _presence(exchange: HttpExchange, header: str) -> str:
    return "present" if header in exchange.headers else ABSENT


def _shown(value: Any) -> str:
    if value == [] or value is None:
        return "none"
    return value if isinstance(value, str) else render_value(value, limit=200)


# -- sending ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """Where a replay goes: the fake (in process) or servers per region (live, every safety rule on)."""

    name: str
    base_urls: dict[str, str]
    tokens: dict[str, str]
    live: bool
    admin_id: int | None = None
    contact_id: str | None = None
    max_messages: int = 20
    timeout: float = 10.0


def replay(recording: Recording, target: Target, *, transport: httpx.BaseTransport | None = None) -> ReplayReport:
    """Send every recorded exchange of an Intercom server again to `target`, in recorded order, and compare."""
    items = []
    with _clients(recording, target, transport) as client_for:
        for entry in recording.entries:
            items.append(_replay_one(entry, target, client_for))
    return ReplayReport(recording.path, target.name, items)


def _replay_one(entry: HarEntry, target: Target, client_for: Any) -> Replayed:
    item = Replayed(entry)
    region = entry.region or "us"
    if region not in target.base_urls:
        item.not_sent = f"no server given for region {region} (--against {region}=URL)"
        return item
    if entry.status == 429:
        item.not_sent = "recorded as 429: the rate-limit window it met is not the replay's"
        return item
    intent = str(entry.meta.get("intent") or "")
    if target.live and (entry.method, entry.path) != CREATE_MESSAGE_ROUTE and entry.method != "GET":
        item.not_sent = f"a live replay sends only GET and POST /messages, not {entry.method}"
        return item
    try:
        token = _token(entry, intent, region, target)
    except LookupError:
        item.not_sent = f"no access token for region {region}: set INTERCOM_ACCESS_TOKEN_{region.upper()}"
        return item
    client: IntercomClient = client_for(region)
    path = entry.path + (f"?{entry.query}" if entry.query else "")
    headers = {k: v for k, v in entry.request_headers.items() if k.lower() in _FORWARDED_HEADERS}
    try:
        answer = client.request(
            entry.method, path, content=entry.request_body, token=token, version=entry.version, headers=headers
        )
    except NotSent as refused:
        item.not_sent = refused.reason
        return item
    except TransportFailure as failure:
        item.failure = failure.cause
        return item
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:  # what the recording holds cannot be sent
        item.not_sent = f"the recorded request cannot be sent as HTTP: {error}"
        return item
    item.differences = compare(exchange_of(entry), answer)
    return item


def _token(entry: HarEntry, intent: str, region: str, target: Target) -> str | None:
    """The credential the recorded request was meant to carry, from the target's tokens (LookupError: none)."""
    if intent in _UNAUTHENTICATED:
        return _UNAUTHENTICATED[intent]
    if not intent and not entry.has_credential:
        return None
    if intent == "other-region-token":
        others = [token for name, token in target.tokens.items() if name != region]
        if not others:
            raise LookupError(region)
        return others[0]
    return target.tokens[region]


@contextmanager
def _clients(recording: Recording, target: Target, transport: httpx.BaseTransport | None) -> Iterator[Any]:
    clients: dict[str, IntercomClient] = {}
    budget_path = Path(tempfile.gettempdir()) / f"intercom-contracts-replay-budget-{uuid.uuid4().hex}"
    guard = LiveGuard(admin_id=target.admin_id, contact_id=target.contact_id) if target.live else None
    budget = MessageBudget(budget_path, target.max_messages) if target.live else None
    mocked = _fake_transport(recording) if not target.live and transport is None else transport
    waits = WaitAllowance(60.0 if target.live else 0.0)  # the replay's total, whatever the regions
    pacing = {region: Pacing(allowance=waits) for region in REGIONS}

    def client_for(region: str) -> IntercomClient:
        if region not in clients:
            base = target.base_urls[region]
            clients[region] = IntercomClient(
                region=region,
                base_url=base,
                token=target.tokens.get(region),
                version=None,
                timeout=target.timeout,
                transport=mocked or live_transport(base),
                pacing=pacing[region],
                guard=guard,
                budget=budget,
            )
        return clients[region]

    try:
        yield client_for
    finally:
        for client in clients.values():
            client.close()
        budget_path.unlink(missing_ok=True)


def _fake_transport(recording: Recording) -> httpx.BaseTransport:
    """The fake as the recorded run knew it: its admin and contact exist (every one, for another tool's file)."""
    from ..mock import DEFAULT_TOKENS, FakeIntercom, FakeSettings, IntercomMock
    from ._run import MOCK_ALLOWANCE

    admin, contact = recording.parties.get("admin_id"), recording.parties.get("contact_id")
    settings = FakeSettings(
        tokens=dict(DEFAULT_TOKENS),
        admin_ids=frozenset({int(admin)}) if admin is not None else None,
        contact_ids=frozenset({str(contact)}) if contact is not None else None,
        rate_limit=MOCK_ALLOWANCE,
    )
    return IntercomMock(FakeIntercom(settings=settings)).transport()


def mock_target() -> Target:
    from ..mock import DEFAULT_TOKENS

    return Target(name="the fake", base_urls=dict(REGIONS), tokens=dict(DEFAULT_TOKENS), live=False)


def live_target(
    against: Iterable[str],
    *,
    environ: Mapping[str, str] | None = None,
    admin_id: int | None = None,
    contact_id: str | None = None,
    max_messages: int = 20,
    timeout: float = 10.0,
) -> Target:
    """Servers from `--against URL` (every region) or `--against REGION=URL` items, tokens from the environment."""
    from ._settings import parse_base_urls, parse_count, parse_seconds, tokens_from_environment

    items = list(against)
    if "mock" in items:
        raise UsageError("--against mock replays against the fake alone: do not name servers with it")
    max_messages = parse_count("intercom-max-live-messages", max_messages, zero=True)
    timeout = parse_seconds("intercom-timeout", timeout)
    if len(items) == 1 and "=" not in items[0].split("://", 1)[0]:
        items = [f"{region}={items[0]}" for region in REGIONS]
    base_urls = parse_base_urls(items, option="--against")
    tokens = tokens_from_environment(os.environ if environ is None else environ)
    if not tokens:
        raise UsageError(
            "--against a server needs an access token: set INTERCOM_ACCESS_TOKEN (US) or INTERCOM_ACCESS_TOKEN_US|EU|AU"
        )
    name = ", ".join(f"{region}={url}" for region, url in base_urls.items())
    return Target(
        name=name,
        base_urls=base_urls,
        tokens=tokens,
        live=True,
        admin_id=admin_id,
        contact_id=contact_id,
        max_messages=max_messages,
        timeout=timeout,
    )
