"""What a flow runs against and what it believes: the target (a `send` callable and the version's contract), the
requests it sends by link (each answer judged by the version's contract), and the model of what it made.

`send(method, path, body, query) -> (status, headers, json)` is all a flow needs of a target: the in-process fake,
the loopback server or a live client alike. A `NotSent` it raises (a live safety rule or cap kept the request back)
stops the flow's writing without failing it.
"""

from __future__ import annotations

import itertools
import json
import unittest
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..checks import CheckContext, ExchangeFailures, Intent, judge
from ..errors import IntercomContractsError, render_value
from ..exchange import Exchange
from ..live import NotSent
from ..spec import Contract, operation_contract
from ._links import Link, Links, links_for, pointed

if TYPE_CHECKING:
    from ..live import IntercomClient

__all__ = [
    "ANSWER_CHECK",
    "Answer",
    "FlowFailure",
    "FlowTarget",
    "Model",
    "Requests",
    "Send",
    "Stopped",
    "client_sender",
]

ANSWER_CHECK = "answer_fits_contract"  # the registered check judging every answer of a flow
Send = Callable[[str, str, Any, Mapping[str, str] | None], tuple[int, Mapping[str, str], Any]]


@dataclass
class FlowTarget:
    """Where a flow's requests go and what judges them: one region x version."""

    send: Send
    contract: Contract  # the version's contract (its description judges every answer)
    version: str
    marker: str  # carried by every record a flow makes (names, emails, ids of our own), so a person can tell it
    region: str = "us"
    admin_id: str | None = None  # the admin who replies, notes, assigns, writes articles (None: those steps wait)
    fresh: Callable[[], object] | None = None  # a fresh workspace before each example (the fake)
    live: bool = False
    # How an answer is judged (a test's Judge, recording the verdicts); default: answer_fits_contract, unrecorded.
    judge: Callable[[Exchange, str], object] | None = None
    per_page: int = 2  # small pages: a few items already span several
    max_pages: int = 40  # a pager stops here (a live workspace's lists are long); what it did not read is not judged
    trail: list[str] = field(default_factory=list)  # the steps of the example running (the last one: the shrunk)
    taken: int = 0  # steps taken in every example
    # Live: the first failure met. Nothing is sent after it (hypothesis replays a failing example to report it, and a
    # live workspace, changed since, would answer otherwise: the replay would write again and mask the failure).
    failure: FlowFailure | None = None
    _numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def number(self) -> int:
        """A number no other record of this run has (a live run never sends the same creating request twice)."""
        return next(self._numbers)

    def links(self) -> Links:
        return links_for(self.contract.spec)


class Stopped(unittest.SkipTest):
    """A request was kept back by a live safety rule or cap (NotSent): the flows end here, what they did judged.

    A SkipTest, which hypothesis passes on at once: the example is neither replayed nor shrunk (each would only
    meet the spent cap again, and the state machine's steps would not repeat)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class FlowFailure(IntercomContractsError, AssertionError):
    """An invariant of the flows broken, said as the user would: the operation, where, what came against what."""

    def __init__(
        self, invariant: str, target: FlowTarget, link: Link | None, problem: str, received: Any, documented: Any
    ):
        self.invariant, self.problem = invariant, problem
        self.received, self.documented = received, documented
        where = f"{link.operation} ({link.method} {link.path})" if link is not None else "the flow"
        self.headline = f"[{invariant}] {where}, region {target.region}, Intercom-Version {target.version}: {problem}"
        self.steps = tuple(target.trail)
        self.region, self.version = target.region, target.version
        super().__init__(str(self))

    def as_dicts(self) -> list[dict[str, Any]]:
        """As the reports take a failure (the invariant in place of a check)."""
        return [
            {
                "check": self.invariant,
                "region": self.region,
                "version": self.version,
                "problem": self.problem,
                "received": render_value(self.received),
                "documented": render_value(self.documented),
                "curl": "",
            }
        ]

    def __str__(self) -> str:
        return "\n".join(
            [
                self.headline,
                f"  Received: {render_value(self.received)}",
                f"  Documented: {render_value(self.documented)}",
                f"  After the steps: {', '.join(self.steps) or 'none'}",
            ]
        )


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: Any
    link: Link

    def at(self, pointer: str) -> Any:
        return pointed(self.body, pointer)

    def shown(self) -> str:
        text = json.dumps(self.body, ensure_ascii=False) if self.body is not None else "no body"
        return f"HTTP {self.status}: {text[:160]}"


class Requests:
    """Sends a resource's verb by its link; judges every answer by the version's contract (answer_fits_contract)."""

    def __init__(self, target: FlowTarget, links: Links):
        self.target, self.links = target, links

    def send(
        self,
        resource: str,
        verb: str,
        ids: Mapping[str, str] | None = None,
        body: Any = None,
        query: Mapping[str, str] | None = None,
    ) -> Answer:
        if self.target.failure is not None:
            raise self.target.failure
        request = self.links.request(resource, verb, ids or {}, body, query)
        try:
            sent = self.target.send(request.method, request.path, request.body, request.query)
        except NotSent as refused:
            raise Stopped(refused.reason) from None
        status, headers, answered = sent
        link = self.links.link(resource, verb)
        answer = Answer(status, {name.lower(): value for name, value in headers.items()}, answered, link)
        # The client's own exchange where the sender kept it (its verdicts then reach a recording, and a body that
        # is not JSON is judged as it came); else one built from the answer.
        exchange = sent.exchange if isinstance(sent, Sent) else None
        self._judge(answer, request.path, request.body, exchange)
        return answer

    def declares(self, resource: str, verb: str, key: str) -> bool:
        """Whether the operation's request body declares `key` (a free-form body declares every key)."""
        spec = self.target.contract.spec
        declared = operation_contract(spec, spec.operation(self.links.link(resource, verb).operation))
        keys = declared.declared_body_keys
        return keys is None or key in keys

    def expect(self, answer: Answer, statuses: tuple[int, ...], invariant: str, problem: str) -> None:
        """Fail `invariant` unless the answer's status is one of `statuses`."""
        if answer.status not in statuses:
            self.fail(invariant, answer.link, problem, answer.shown(), " or ".join(f"HTTP {s}" for s in statuses))

    def fail(self, invariant: str, link: Link | None, problem: str, received: Any, documented: Any) -> None:
        failure = FlowFailure(invariant, self.target, link, problem, received, documented)
        if self.target.live:
            self.target.failure = failure
        raise failure

    def _judge(self, answer: Answer, path: str, body: Any, exchange: Exchange | None) -> None:
        target, link = self.target, answer.link
        if exchange is None:
            exchange = self._exchange_of(answer, path, body)
        context = CheckContext(target.contract, target.region, target.version, Intent.FLOW, operation=link.operation)
        try:
            if target.judge is not None:
                target.judge(exchange, link.operation)
            else:
                judge(context, exchange, [ANSWER_CHECK])
        except ExchangeFailures as failures:
            found = failures.failures[0]
            self.fail(ANSWER_CHECK, link, found.problem, found.received, found.documented)

    def _exchange_of(self, answer: Answer, path: str, body: Any) -> Exchange:
        target, link = self.target, answer.link
        content = json.dumps(answer.body).encode() if answer.body is not None else b""
        return Exchange(
            region=target.region,
            version=target.version,
            method=link.method,
            url=path,
            request_headers={},
            request_body=json.dumps(body).encode() if body is not None else None,
            status=answer.status,
            headers=dict(answer.headers),
            content=content,
            path=path,
        )


@dataclass
class Model:
    """What the flow made and believes of it: each item's expected fields, what was deleted, what to look at next."""

    expected: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # resource -> id -> pointer -> value
    deleted: dict[str, set[str]] = field(default_factory=dict)
    attached: dict[tuple[str, str, str], dict[str, str]] = field(default_factory=dict)  # (owner, id, kind) -> key->id
    to_read: list[tuple[str, str]] = field(default_factory=list)  # written since the last look
    newly_deleted: list[tuple[str, str]] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)  # resources whose lists changed since the last look
    changed_attached: set[tuple[str, str, str]] = field(default_factory=set)
    gone: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)  # detached or deleted: never listed

    def made(self, resource: str, id: str, fields: Mapping[str, Any]) -> None:
        self.expected.setdefault(resource, {})[id] = dict(fields)
        self.to_read.append((resource, id))
        self.changed.add(resource)

    def wrote(self, resource: str, id: str, fields: Mapping[str, Any]) -> None:
        self.expected.setdefault(resource, {}).setdefault(id, {}).update(fields)
        self.to_read.append((resource, id))
        self.changed.add(resource)

    def removed(self, resource: str, id: str) -> None:
        self.expected.get(resource, {}).pop(id, None)
        self.deleted.setdefault(resource, set()).add(id)
        self.newly_deleted.append((resource, id))
        self.changed.add(resource)
        for key, members in self.attached.items():
            if key[2] == resource and id in members.values():
                self.detach(key[:2], resource, id)
        for key in [key for key in self.attached if key[:2] == (resource, id)]:
            del self.attached[key]  # what hung on a deleted item is gone with it
            self.changed_attached.discard(key)

    def attach(self, owner: tuple[str, str], kind: str, key: str, id: str) -> None:
        where = (owner[0], owner[1], kind)
        self.attached.setdefault(where, {})[key] = id
        self.gone.get(where, set()).discard(key)
        self.changed_attached.add(where)

    def detach(self, owner: tuple[str, str], kind: str, id: str) -> None:
        where = (owner[0], owner[1], kind)
        members = self.attached.get(where, {})
        self.attached[where] = {k: v for k, v in members.items() if v != id}
        self.gone.setdefault(where, set()).update(k for k, v in members.items() if v == id)
        self.changed_attached.add(where)

    def live(self, resource: str) -> set[str]:
        return set(self.expected.get(resource, {}))


class Sent(tuple[int, Mapping[str, str], Any]):
    """What a sender answers (status, headers, JSON body), with the client's exchange kept beside it."""

    exchange: Exchange

    def __new__(cls, exchange: Exchange) -> Sent:
        sent = super().__new__(cls, (exchange.status, exchange.headers, exchange.json))
        sent.exchange = exchange
        return sent


def client_sender(client: IntercomClient) -> Send:
    """`send` over an IntercomClient (the fake's transport, the loopback server or a live server)."""

    def send(method: str, path: str, body: Any, query: Mapping[str, str] | None) -> tuple[int, Mapping[str, str], Any]:
        where = f"{path}?{urlencode(query)}" if query else path
        exchange = client.request(method, where) if body is None else client.request(method, where, payload=body)
        return Sent(exchange)

    return send
