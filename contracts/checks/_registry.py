"""The named checks, in a registry that states when each one applies.

A check is a plain function `check(context, exchange) -> None`, registered under its own name with
`@check(intents=..., operations=..., statuses=...)`: the exchanges it judges are declared as data, so a check's
body never asks "does this concern me?". Its body says what is wrong with `fail(problem, received, documented)`;
the registry adds which check, where and how to reproduce it (a `CheckFailure`). A check whose promise says
nothing of an exchange raises `NotApplicable`: recorded as such, never as a pass.

    @check(statuses=lambda status: status == 429)
    def rate_limit_body(context: CheckContext, exchange: Exchange) -> None:
        if "rate_limit_exceeded" not in exchange.error_codes():
            fail("a 429 without the documented code", answer_of(exchange), "rate_limit_exceeded")

`judge` runs every applicable check of a selection over one exchange and collects every failure, never only the
first: an exchange's failures form one exception group (`ExchangeFailures`), and each check has a verdict for
every exchange it applies to.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ContractViolation, SpecError, render_value
from ..exchange import Exchange
from ..regions import REGIONS
from ..spec import (
    CREATE_MESSAGE_STATUSES,
    MESSAGE_TYPES_IN_RESPONSE,
    RATE_LIMITED,
    UNAUTHORIZED,
    VERSION_INVALID,
    Contract,
    Rejection,
    undocumented_inputs,
)
from ._verdicts import CheckFailure, ExchangeFailures, Failed, NotApplicable, Verdict, fail

__all__ = [
    "CHECKS",
    "RESPONSE_CHECKS",
    "Check",
    "CheckContext",
    "CheckFailure",
    "ExchangeFailures",
    "Failed",
    "Intent",
    "Judge",
    "Judgement",
    "NotApplicable",
    "Verdict",
    "check",
    "fail",
    "judge",
]


class Intent(str, enum.Enum):
    """What a request was sent to provoke; checks declare the intents they judge."""

    VALID = "valid"  # a request the contract accepts: it must succeed
    INVALID = "invalid"  # a request the contract refuses: it must be refused as documented
    NO_TOKEN = "no-token"
    WRONG_TOKEN = "wrong-token"
    OTHER_REGION_TOKEN = "other-region-token"
    UNKNOWN_VERSION = "unknown-version"
    READ = "read"  # an authenticated read (GET /me) under a documented version
    BREADTH = "breadth"  # a schemathesis case, positive or negative
    RECORDED = "recorded"  # another tool's recording says nothing of intent: the answer is judged alone
    FLOW = "flow"  # a step of a stateful flow (contracts.flows): any operation, its answer judged by its contract

    def __str__(self) -> str:
        return self.value


ANY_INTENT: frozenset[Intent] = frozenset(Intent)
AUTHENTICATED: frozenset[Intent] = frozenset({Intent.VALID, Intent.INVALID, Intent.READ, Intent.UNKNOWN_VERSION})
UNAUTHENTICATED: frozenset[Intent] = frozenset({Intent.NO_TOKEN, Intent.WRONG_TOKEN, Intent.OTHER_REGION_TOKEN})


@dataclass(frozen=True)
class CheckContext:
    """What a check knows besides the exchange: the contract, where it ran, and what the request was meant for."""

    contract: Contract
    region: str
    version: str | None
    intent: Intent = Intent.VALID
    expected: Rejection | None = None  # for invalid requests: the documented rejection
    operation: str | None = None  # the operationId the request was sent to (None: found from method and path)
    case: Any = None  # breadth: the schemathesis case the request was built from

    def operation_of(self, exchange: Exchange) -> str | None:
        return (
            self.operation
            if self.operation is not None
            else self.contract.operation_id_at(exchange.method, exchange.path)
        )


CheckFunction = Callable[[CheckContext, Exchange], None]


@dataclass(frozen=True)
class Check:
    """A registered check and when it applies: intents, operations (operationIds) and answer statuses."""

    name: str
    function: CheckFunction
    intents: frozenset[Intent] = ANY_INTENT
    operations: frozenset[str] | None = None  # None: every operation
    statuses: Callable[[int], bool] | None = None  # None: every answer

    def applies(self, context: CheckContext, exchange: Exchange) -> bool:
        if context.intent not in self.intents:
            return False
        if self.statuses is not None and not self.statuses(exchange.status):
            return False
        return self.operations is None or context.operation_of(exchange) in self.operations


CHECKS: dict[str, Check] = {}


def check(
    name: str | None = None,
    *,
    intents: Iterable[Intent] = ANY_INTENT,
    operations: Iterable[str] | None = None,
    statuses: Callable[[int], bool] | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under `name` (default: the function's name), applying to the given intents, operations
    and answer statuses. Its body calls `fail(problem, received, documented)` or raises `NotApplicable`."""

    def register(function: CheckFunction) -> CheckFunction:
        registered = name or function.__name__
        CHECKS[registered] = Check(
            registered, function, frozenset(intents), None if operations is None else frozenset(operations), statuses
        )
        return function

    return register


@dataclass(frozen=True)
class Judgement:
    """One exchange judged: what it was sent for, and what each check made of it (a recording keeps both)."""

    exchange: Exchange
    context: CheckContext
    verdicts: tuple[Verdict, ...]


def judge(context: CheckContext, exchange: Exchange, names: Iterable[str]) -> list[Verdict]:
    """Run every named check that applies to `exchange`; raise ExchangeFailures holding all that failed."""
    verdicts = []
    for name in names:
        registered = CHECKS[name]
        if not registered.applies(context, exchange):
            verdicts.append(Verdict(name, "not-applicable"))
            continue
        try:
            registered.function(context, exchange)
        except NotApplicable:
            verdicts.append(Verdict(name, "not-applicable"))
        except Failed as found:
            failure = CheckFailure(
                name, context, exchange, problem=found.problem, received=found.received, documented=found.documented
            )
            verdicts.append(Verdict(name, "failed", failure))
        else:
            verdicts.append(Verdict(name, "passed"))
    failures = [verdict.failure for verdict in verdicts if verdict.failure is not None]
    if failures:
        raise ExchangeFailures(failures, verdicts=verdicts)
    return verdicts


def unknown_checks(names: Iterable[str]) -> list[str]:
    return [name for name in names if name not in CHECKS]


# -- wording --------------------------------------------------------------------------------------------------------
def answer_of(exchange: Exchange) -> str:
    """What was received, in one line: status, content type, and the error codes or a body excerpt."""
    kind = exchange.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    codes = exchange.error_codes()
    if codes:
        return f"HTTP {exchange.status} {', '.join(codes)} ({kind})"
    excerpt = exchange.content[:120].decode("utf-8", "replace").replace("\n", " ").strip()
    return f"HTTP {exchange.status} ({kind}){f': {excerpt}' if excerpt else ', empty body'}"


def _refusal(exchange: Exchange, what: str, status: int, code: str | None) -> None:
    """Fail unless the answer is `status` with the JSON error envelope carrying `code`, naming what differs."""
    documented = f"{status}{f' {code}' if code else ''} in an error.list envelope"
    if exchange.status != status:
        problem = _refusal_problem(what, exchange, refused=False, code=code, documented=str(status))
        fail(problem, answer_of(exchange), documented)
    if code is not None and code not in exchange.error_codes():
        problem = _refusal_problem(what, exchange, refused=True, code=code, documented=str(status))
        fail(problem, answer_of(exchange), documented)


def _refusal_problem(what: str, exchange: Exchange, *, refused: bool, code: str | None, documented: str) -> str:
    """How an answer falls short of a documented refusal: accepted, refused without the envelope or the code, or
    answered with another status (`refused`: its status is the documented one)."""
    if exchange.status < 300:
        return f"{what} was accepted"
    if refused:
        reason = "a JSON error envelope" if exchange.json is None else f"the code {code}"
        return f"{what} was refused with {exchange.status} but without {reason}"
    return f"{what} was answered HTTP {exchange.status}, not {documented}"


def _validated(exchange: Exchange, validate: Callable[[Any], None]) -> None:
    """Validate the answer's JSON body; a body that is not JSON is said to be so, not judged as `null`."""
    body = exchange.json
    if body is None:
        problem = exchange.json_problem or "the body is not JSON"
        fail(f"{problem}, so it cannot be judged", answer_of(exchange), "a JSON body")
    try:
        validate(body)
    except ContractViolation as violation:
        fail(f"{violation.subject} at {violation.path}: {violation.message}", violation.received, violation.expected)


def _documented_without_body(context: CheckContext, exchange: Exchange) -> bool:
    """Whether the operation reached documents this status with no JSON body (a 202, a 204)."""
    from ..spec import operation_contract

    operation_id = context.operation_of(exchange)
    if operation_id is None:
        return False
    spec = context.contract.spec
    try:
        operation = spec.operation(operation_id)
    except SpecError:
        return False
    answers = operation_contract(spec, operation).answers
    return exchange.status in answers and answers[exchange.status] is None


def _is_error(status: int) -> bool:
    return 400 <= status < 500


# -- the checks -----------------------------------------------------------------------------------------------------
@check()
def no_server_error(context: CheckContext, exchange: Exchange) -> None:
    if exchange.status >= 500:
        fail("the server failed", answer_of(exchange), "no 5xx")


@check()
def status_code_documented(context: CheckContext, exchange: Exchange) -> None:
    documented = sorted(context.contract.statuses | CREATE_MESSAGE_STATUSES)
    if exchange.status not in documented:
        fail("undocumented status", answer_of(exchange), documented)


@check()
def json_content_type(context: CheckContext, exchange: Exchange) -> None:
    if not exchange.content and _documented_without_body(context, exchange):
        raise NotApplicable("no body is documented")  # e.g. 202 Accepted for an event
    kind = exchange.headers.get("content-type", "")
    if kind.split(";")[0].strip().lower() != "application/json":
        fail("the answer is not JSON", answer_of(exchange), "application/json")
    if exchange.json is None:
        problem = exchange.json_problem or "the body is not JSON"
        fail(problem, answer_of(exchange), "a JSON body")


@check(operations=["createMessage"], statuses=lambda status: status == 200)
def message_schema(context: CheckContext, exchange: Exchange) -> None:
    _validated(exchange, context.contract.validate_message)


@check(statuses=_is_error)
def error_envelope(context: CheckContext, exchange: Exchange) -> None:
    _validated(exchange, context.contract.validate_error)


@check(intents=[Intent.VALID], operations=["createMessage"])
def message_echoes_request(context: CheckContext, exchange: Exchange) -> None:
    if exchange.status != 200:
        fail(
            "a valid request did not create a message",
            answer_of(exchange),
            "200 and the Message",
        )
    sent, message = exchange.payload, exchange.json
    if not isinstance(sent, dict) or not isinstance(message, dict):
        return
    expected_type = MESSAGE_TYPES_IN_RESPONSE.get(sent.get("message_type", ""))
    promises: list[tuple[str, Any, Any]] = [
        ("body", message.get("body"), sent.get("body")),
        ("message_type", message.get("message_type"), expected_type),
    ]
    if sent.get("message_type") == "email":
        promises.append(("subject", message.get("subject"), sent.get("subject")))
    elif "subject" in message:
        promises.append(("subject", f"present: {render_value(message['subject'])}", "absent (email only)"))
    if "created_at" in sent:
        promises.append(("created_at", message.get("created_at"), sent["created_at"]))
    for name, received, documented in promises:
        if received != documented:
            fail(f"the Message does not echo {name}", received, documented)


@check(intents=[Intent.INVALID])
def invalid_request_rejected(context: CheckContext, exchange: Exchange) -> None:
    expected = context.expected
    if expected is None:
        raise NotApplicable("no documented rejection was expected")
    if expected.accepts(exchange.status, exchange.error_codes()):
        return
    if undocumented_inputs(context.operation_of(exchange) or "", exchange.payload):
        raise NotApplicable("its fate is not documented: never expected to be refused")
    what = f"an invalid request ({expected.rule} at {expected.path})"
    refused = _is_error(exchange.status) and expected.status in (None, exchange.status)
    problem = _refusal_problem(what, exchange, refused=refused, code=expected.code, documented=expected.answer())
    fail(problem, answer_of(exchange), expected.describe())


@check(intents=UNAUTHENTICATED)
def auth_required(context: CheckContext, exchange: Exchange) -> None:
    status, code, _ = UNAUTHORIZED
    what = {
        Intent.NO_TOKEN: "a request without a token",
        Intent.WRONG_TOKEN: "a request with a wrong token",
    }.get(context.intent, "a request with another region's token")
    _refusal(exchange, what, status, code)


@check(intents=[Intent.UNKNOWN_VERSION])
def version_refused(context: CheckContext, exchange: Exchange) -> None:
    status, code, _ = VERSION_INVALID
    shown = exchange.request_headers.get("Intercom-Version")
    _refusal(exchange, f"an unknown Intercom-Version ({shown})", status, code)


@check(intents=[Intent.READ], statuses=lambda status: status != RATE_LIMITED[0])
def version_accepted(context: CheckContext, exchange: Exchange) -> None:
    if not 200 <= exchange.status < 300:
        shown = exchange.request_headers.get("Intercom-Version", "none: the default")
        fail(
            f"a documented Intercom-Version ({shown}) was not served",
            answer_of(exchange),
            "2xx",
        )


def _int_header(exchange: Exchange, name: str) -> int | None:
    try:
        return int(exchange.headers[name])
    except (KeyError, ValueError):
        return None


@check(intents=AUTHENTICATED, statuses=lambda status: status not in (401, 403))
def rate_limit_headers(context: CheckContext, exchange: Exchange) -> None:
    names = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
    values = {name: _int_header(exchange, name) for name in names}
    if any(value is None for value in values.values()):
        fail(
            "rate-limit headers missing or not integers",
            {name: exchange.headers.get(name) for name in names},
            "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset as integers",
        )
    limit, remaining = values["x-ratelimit-limit"] or 0, values["x-ratelimit-remaining"] or 0
    if not 0 <= remaining <= limit:
        fail(
            "X-RateLimit-Remaining is outside 0..X-RateLimit-Limit",
            {"limit": limit, "remaining": remaining},
            "0 <= remaining <= limit",
        )


@check(statuses=lambda status: status == RATE_LIMITED[0])
def rate_limit_body(context: CheckContext, exchange: Exchange) -> None:
    code = RATE_LIMITED[1]
    if code not in exchange.error_codes():
        fail("a 429 without the documented code", answer_of(exchange), code)


@check()
def request_id_matches(context: CheckContext, exchange: Exchange) -> None:
    header = exchange.headers.get("x-request-id")
    body = exchange.json
    if header is None or not isinstance(body, dict) or body.get("request_id") is None:
        raise NotApplicable("no X-Request-Id header and request_id in the body to compare")
    if body["request_id"] != header:
        fail(
            "the body's request_id differs from X-Request-Id",
            body["request_id"],
            f"{header} (the X-Request-Id header)",
        )


@check(operations=["identifyAdmin"], statuses=lambda status: status == 200)
def me_region(context: CheckContext, exchange: Exchange) -> None:
    if context.contract.compiled.admin is not None:
        _validated(exchange, context.contract.validate_admin)
    body = exchange.json
    app = body.get("app") if isinstance(body, dict) else None
    region = app.get("region") if isinstance(app, dict) else None
    if app is None:
        return  # every published description lets `app` be null: nothing says which region then
    if not isinstance(region, str) or region.lower() != context.region:
        fail(
            "GET /me reports another region than the server asked",
            region,
            context.region.upper(),
        )


@check()
def region_servers(context: CheckContext, exchange: Exchange) -> None:
    documented = REGIONS[context.region]
    if documented not in context.contract.servers:
        fail(
            f"the spec does not list the {context.region} server",
            context.contract.servers,
            documented,
        )


@check(intents=[Intent.FLOW])
def answer_fits_contract(context: CheckContext, exchange: Exchange) -> None:
    """The answer is one the operation documents: a documented status with a body its schema accepts; an error the
    operation does not list is still the error envelope (Intercom lists its errors sparsely)."""
    from ..spec import operation_contract

    operation_id = context.operation_of(exchange)
    if operation_id is None:
        raise NotApplicable("no documented operation was reached")
    spec = context.contract.spec
    api = operation_contract(spec, spec.operation(operation_id))
    if exchange.status not in api.answers:
        if not _is_error(exchange.status):
            fail(f"{operation_id} does not document HTTP {exchange.status}", answer_of(exchange), sorted(api.answers))
        _validated(exchange, context.contract.validate_error)
        return
    validator = api.answer_validator(exchange.status)
    if validator is not None:
        _validated(exchange, validator.validate)


# What every answer is judged by, whatever the request meant.
RESPONSE_CHECKS = (
    "no_server_error",
    "status_code_documented",
    "json_content_type",
    "message_schema",
    "error_envelope",
    "rate_limit_headers",
    "rate_limit_body",
    "request_id_matches",
)


class Judge:
    """The checks one test declared, bound to its contract and region; every verdict of the test is recorded.

    `judge(exchange, intent)` judges one exchange by every declared check that applies and raises ExchangeFailures
    with all that failed. `outcomes` sums the test up per check: failed if any exchange failed it, passed if it
    judged at least one exchange, absent when it never applied.
    """

    def __init__(self, contract: Contract, region: str, checks: Iterable[str], *, version: str | None = None):
        self.contract, self.region, self.checks = contract, region, tuple(checks)
        self.version = version  # the version under test (the request may name another, or none)
        unknown = unknown_checks(self.checks)
        if unknown:
            raise ValueError(f"unknown checks {unknown}; known: {', '.join(CHECKS)}")
        self.outcomes: dict[str, str] = {}
        self.judgements: list[Judgement] = []  # every exchange judged, in order (when keep_judgements)
        self.keep_judgements = True

    def __call__(
        self,
        exchange: Exchange,
        intent: Intent = Intent.VALID,
        *,
        expected: Rejection | None = None,
        operation: str | None = None,
        case: Any = None,
        checks: Iterable[str] | None = None,
    ) -> list[Verdict]:
        names = self.checks if checks is None else tuple(checks)
        context = CheckContext(self.contract, self.region, exchange.version, intent, expected, operation, case)
        try:
            verdicts = judge(context, exchange, names)
        except ExchangeFailures as failures:
            self._record(exchange, context, failures.verdicts)
            raise
        self._record(exchange, context, verdicts)
        return verdicts

    def _record(self, exchange: Exchange, context: CheckContext, verdicts: Iterable[Verdict]) -> None:
        verdicts = tuple(verdicts)
        if self.keep_judgements:
            self.judgements.append(Judgement(exchange, context, verdicts))
        for verdict in verdicts:
            if verdict.outcome == "failed":
                self.outcomes[verdict.check] = "failed"
            elif verdict.outcome == "passed":
                self.outcomes.setdefault(verdict.check, "passed")
