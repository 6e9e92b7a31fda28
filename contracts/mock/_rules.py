"""Rules: what the fake does beside Intercom's behaviour, as data (respx's routes and side effects, for the model).

A `Rule` matches a request (`when`) and applies at the model's hook points: `before` transforms the request the
model sees (the exchange keeps the request as sent), `spent` makes the request find the rate-limit window's
allowance spent (Intercom's allowance is shared by the workspace's apps), `after` transforms the answer (it sees
the exchange the model made: request, answer, verdict, operation, version), `delay` holds the answer back on the
wire (the adapter waits; the exchange is kept first, so a request a client gave up on is judged too). A rule
applies `times` times (None: to every matching request).

`FakeIntercom` applies, innermost first: the named faults its settings name (contracts.mock._faults; every matching
one), the queue's fallback (`fake.rules.fallback`: the recorded answers of `intercom_mock(replay=...)`) unless a
queued rule changes the answer, and the first rule queued on it matching the request (`fake.rules`, as respx's
first matching route). The forced answers of the fixture and the loopback server (`ForcedAnswers`) are queued
rules. Listeners, recordings and the judging see the answer the rules made: the answer that was sent.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from ..errors import UsageError
from ..spec import DOCUMENTED_ERRORS

if TYPE_CHECKING:
    from ._model import Exchange, FakeIntercom, FakeRequest, FakeResponse

__all__ = ["MAX_DELAY", "ForcedAnswers", "Rule", "RuleQueue", "Served", "forced_answer", "rate_limited", "slowed"]

# The longest an answer is held back (a client's timeout fires long before; a server's thread is not held forever).
MAX_DELAY: Final = 60.0


def every_request(_: FakeRequest) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """When a request matches, what changes: the request the model sees, the allowance, the answer, its delay."""

    when: Callable[[FakeRequest], bool] = every_request
    before: Callable[[FakeRequest], FakeRequest] | None = None
    after: Callable[[Exchange], FakeResponse] | None = None
    times: int | None = None  # None: every matching request
    spent: bool = False  # the request finds the window's allowance spent: the rate-limit model answers 429
    delay: float = 0.0  # seconds the adapter holds the answer back

    def __post_init__(self) -> None:
        if self.times is not None and self.times < 1:
            raise UsageError(f"times must be at least 1 (or None: every matching request), not {self.times}")
        if not 0 <= self.delay <= MAX_DELAY:
            raise UsageError(f"a delay is between 0 and {MAX_DELAY:g} seconds, not {self.delay}")

    @property
    def changes_answer(self) -> bool:
        return self.after is not None or self.spent or self.before is not None


@dataclass(frozen=True)
class Served:
    """What the model answered to one request: the exchange kept and told, and how long the answer waits."""

    exchange: Exchange
    delay: float = 0.0


class RuleQueue:
    """Rules queued on the model: the first matching one applies to a request and is spent atomically; `fallback`
    applies to the requests whose answer no queued rule changes."""

    def __init__(self) -> None:
        self._rules: list[tuple[Rule, list[int | None]]] = []  # each with what is left of its times
        self._lock = threading.Lock()
        self.fallback: Rule | None = None

    def add(self, rule: Rule) -> Rule:
        with self._lock:
            self._rules.append((rule, [rule.times]))
        return rule

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def pending(self) -> tuple[Rule, ...]:
        with self._lock:
            return tuple(rule for rule, _ in self._rules)

    def take(self, request: FakeRequest) -> tuple[Rule, ...]:
        """The rules applying to `request`, innermost first: the fallback, unless the first queued rule matching it
        changes the answer, then that rule, one of its times spent."""
        queued = self._take(request)
        fallback = self.fallback
        if fallback is None or not fallback.when(request) or (queued is not None and queued.changes_answer):
            return () if queued is None else (queued,)
        return (fallback,) if queued is None else (fallback, queued)

    def _take(self, request: FakeRequest) -> Rule | None:
        with self._lock:
            for entry in self._rules:
                rule, left = entry
                if rule.when(request):
                    if left[0] is not None:
                        left[0] -= 1
                        if left[0] <= 0:
                            self._rules.remove(entry)
                    return rule
        return None


def seen_by_model(rules: tuple[Rule, ...], request: FakeRequest) -> FakeRequest:
    """The request as the model sees it: the outermost rule (the last) transforms it first."""
    for rule in reversed(rules):
        if rule.before is not None:
            request = rule.before(request)
    return request


def answered(rules: tuple[Rule, ...], exchange: Exchange) -> Exchange:
    """The exchange with the answer the rules make of the model's: the innermost rule (the first) changes it first."""
    for rule in rules:
        if rule.after is not None:
            exchange = replace(exchange, response=rule.after(exchange))
    return exchange


# -- forced answers: the fixture's and the loopback server's unhappy paths -----------------------------------------
def forced_answer(
    status: int,
    code: str | None = None,
    message: str | None = None,
    *,
    when: Callable[[FakeRequest], bool] | None = None,
    times: int | None = None,
    headers: dict[str, str] | None = None,
    delay: float = 0.0,
) -> Rule:
    """A documented answer replacing the model's (the request is judged all the same): an error envelope carrying
    the answer's request id, or, for 200, the model's body."""
    if status not in DOCUMENTED_ERRORS and status != 200:
        raise UsageError(f"status {status} is not a documented answer; documented: {sorted(DOCUMENTED_ERRORS)}")
    known = DOCUMENTED_ERRORS.get(status, ())
    if code is not None and code not in known:
        raise UsageError(f"code {code!r} is not documented for {status}; documented: {', '.join(known)}")
    error = {"code": code or (known[0] if known else None), "message": message}
    extra = dict(headers or {})

    def force(exchange: Exchange) -> FakeResponse:
        answer = exchange.response
        body: Any = answer.body
        if status != 200:
            body = {"type": "error.list", "request_id": answer.headers.get("X-Request-Id"), "errors": [dict(error)]}
        return replace(answer, status=status, headers={**answer.headers, **extra}, body=body)

    return Rule(when or every_request, after=force, times=times, delay=delay)


def rate_limited(times: int = 1, *, retry_after: int | None = 1) -> Rule:
    """The next requests find the allowance spent: the rate-limit model's 429 (its headers), plus Retry-After."""
    extra = {} if retry_after is None else {"Retry-After": str(retry_after)}

    def with_retry_after(exchange: Exchange) -> FakeResponse:
        answer = exchange.response
        if answer.status != 429:  # an unauthorized request keeps its 401
            return answer
        return replace(answer, headers={**answer.headers, **extra})

    return Rule(after=with_retry_after, times=times, spent=True)


def slowed(seconds: float, times: int = 1) -> Rule:
    """The next answers wait `seconds` on the wire."""
    return Rule(times=times, delay=seconds)


class ForcedAnswers:
    """Unhappy paths on demand, queued on the fake: the fixture's (`IntercomMock`) and the loopback server's."""

    fake: FakeIntercom

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
        self.fake.rules.add(forced_answer(status, code, message, when=when, times=times, headers=headers, delay=delay))

    def respond_next_with(self, status: int, code: str | None = None, message: str | None = None) -> None:
        """Answer a documented error to the next request."""
        self.respond_with(status, code, message, times=1)

    def rate_limit_next(self, times: int = 1, *, retry_after: int | None = 1) -> None:
        """Answer 429 `rate_limit_exceeded` to the next `times` requests, as the rate-limit model does: the window's
        own X-RateLimit-Limit and -Reset, X-RateLimit-Remaining 0; `Retry-After: retry_after` unless None (whether
        Intercom sends it is unconfirmed)."""
        self.fake.rules.add(rate_limited(times, retry_after=retry_after))

    def slow_next(self, seconds: float, times: int = 1) -> None:
        """Answer the next requests after `seconds` (a client timeout shorter than that fires as httpx's would)."""
        self.fake.rules.add(slowed(seconds, times))
