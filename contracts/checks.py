"""The named checks: plain functions `check(context, exchange) -> None` that raise `CheckFailure`.

A check returns quietly when it does not apply to an exchange (as schemathesis's checks do). `CHECKS` is the
registry, in the order they run; `judge` runs a selection over one exchange.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .client import HttpExchange
from .contract import Contract
from .errors import ContractViolation, IntercomContractsError, render_value
from .facts import CREATE_MESSAGE_STATUSES, MESSAGE_TYPES_IN_RESPONSE, RATE_LIMITED, UNAUTHORIZED, VERSION_INVALID
from .regions import REGIONS

__all__ = ["CHECKS", "RESPONSE_CHECKS", "CheckContext", "CheckFailure", "judge", "judged_by", "register"]


@dataclass(frozen=True)
class CheckContext:
    """What a check knows besides the exchange: the contract, and what the request was meant to provoke."""

    contract: Contract
    region: str
    version: str | None
    intent: str = "valid"  # valid | invalid | no-token | wrong-token | other-region-token | unknown-version | read
    expected: Any = None  # a strategies.Rejection for invalid requests


class CheckFailure(IntercomContractsError, AssertionError):
    """A broken promise, with where it happened and Received vs Documented."""

    def __init__(
        self,
        check: str,
        context: CheckContext,
        exchange: HttpExchange,
        *,
        problem: str,
        received: Any,
        documented: Any,
    ):
        self.check, self.region, self.version = check, context.region, context.version
        self.problem, self.received, self.documented = problem, received, documented
        self.curl = exchange.curl()
        super().__init__(str(self))

    def __str__(self) -> str:
        received = self.received if isinstance(self.received, str) else render_value(self.received, limit=600)
        documented = self.documented if isinstance(self.documented, str) else render_value(self.documented, limit=600)
        return (
            f"[{self.check}] region {self.region}, version {self.version or 'default'}: {self.problem}\n"
            f"  Received: {received}\n"
            f"  Documented: {documented}\n"
            f"  Reproduce: {self.curl}"
        )


Check = Callable[[CheckContext, HttpExchange], None]
CHECKS: dict[str, Check] = {}


def register(name: str) -> Callable[[Check], Check]:
    def add(check: Check) -> Check:
        CHECKS[name] = check
        return check

    return add


def judge(context: CheckContext, exchange: HttpExchange, names: Iterable[str]) -> None:
    """Run the named checks over `exchange`; the first failure is raised."""
    for name in names:
        CHECKS[name](context, exchange)


def _fail(
    name: str, context: CheckContext, exchange: HttpExchange, problem: str, received: Any, documented: Any
) -> None:
    raise CheckFailure(name, context, exchange, problem=problem, received=received, documented=documented)


def _violation(name: str, context: CheckContext, exchange: HttpExchange, violation: ContractViolation) -> None:
    _fail(
        name,
        context,
        exchange,
        f"{violation.subject} at {violation.path}: {violation.message}",
        violation.received,
        violation.expected,
    )


def _authenticated(context: CheckContext) -> bool:
    return context.intent in ("valid", "invalid", "read", "unknown-version")


@register("no_server_error")
def no_server_error(context: CheckContext, exchange: HttpExchange) -> None:
    if exchange.status >= 500:
        _fail("no_server_error", context, exchange, "the server failed", f"HTTP {exchange.status}", "no 5xx")


@register("status_code_documented")
def status_code_documented(context: CheckContext, exchange: HttpExchange) -> None:
    documented = sorted(context.contract.statuses | CREATE_MESSAGE_STATUSES)
    if exchange.status not in documented:
        _fail("status_code_documented", context, exchange, "undocumented status", exchange.status, documented)


@register("json_content_type")
def json_content_type(context: CheckContext, exchange: HttpExchange) -> None:
    kind = exchange.headers.get("content-type", "")
    if kind.split(";")[0].strip().lower() != "application/json":
        _fail("json_content_type", context, exchange, "the answer is not JSON", kind or "(none)", "application/json")
    if exchange.json is None:
        _fail("json_content_type", context, exchange, "the body is not JSON", exchange.content[:200], "a JSON body")


@register("message_schema")
def message_schema(context: CheckContext, exchange: HttpExchange) -> None:
    if exchange.status == 200 and exchange.url.endswith("/messages"):
        try:
            context.contract.validate_message(exchange.json)
        except ContractViolation as violation:
            _violation("message_schema", context, exchange, violation)


@register("error_envelope")
def error_envelope(context: CheckContext, exchange: HttpExchange) -> None:
    if 400 <= exchange.status < 500:
        try:
            context.contract.validate_error(exchange.json)
        except ContractViolation as violation:
            _violation("error_envelope", context, exchange, violation)


@register("message_echoes_request")
def message_echoes_request(context: CheckContext, exchange: HttpExchange) -> None:
    if context.intent != "valid":
        return
    sent, message = exchange.payload, exchange.json
    if exchange.status != 200:
        codes = ", ".join(exchange.error_codes())
        _fail(
            "message_echoes_request",
            context,
            exchange,
            "a valid request did not create a message",
            f"HTTP {exchange.status} {codes}".strip(),
            "200 and the Message",
        )
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
    for field, received, documented in promises:
        if received != documented:
            _fail(
                "message_echoes_request", context, exchange, f"the Message does not echo {field}", received, documented
            )


@register("invalid_request_rejected")
def invalid_request_rejected(context: CheckContext, exchange: HttpExchange) -> None:
    expected = context.expected
    if context.intent != "invalid" or expected is None:
        return
    codes = exchange.error_codes()
    if not expected.accepts(exchange.status, codes):
        _fail(
            "invalid_request_rejected",
            context,
            exchange,
            f"an invalid request ({expected.rule} at {expected.path}) was not rejected as documented",
            f"HTTP {exchange.status} {', '.join(codes)}".strip(),
            expected.describe(),
        )


@register("auth_required")
def auth_required(context: CheckContext, exchange: HttpExchange) -> None:
    if context.intent not in ("no-token", "wrong-token", "other-region-token"):
        return
    status, code, _ = UNAUTHORIZED
    if exchange.status != status or code not in exchange.error_codes():
        what = {"no-token": "without a token", "wrong-token": "with a wrong token"}.get(
            context.intent, "with another region's token"
        )
        _fail(
            "auth_required",
            context,
            exchange,
            f"a request {what} was not refused",
            f"HTTP {exchange.status} {', '.join(exchange.error_codes())}".strip(),
            f"{status} {code}",
        )


@register("version_refused")
def version_refused(context: CheckContext, exchange: HttpExchange) -> None:
    if context.intent != "unknown-version":
        return
    status, code, _ = VERSION_INVALID
    if exchange.status != status or code not in exchange.error_codes():
        _fail(
            "version_refused",
            context,
            exchange,
            f"an unknown Intercom-Version ({exchange.request_headers.get('Intercom-Version')}) was not refused",
            f"HTTP {exchange.status} {', '.join(exchange.error_codes())}".strip(),
            f"{status} {code}",
        )


@register("version_accepted")
def version_accepted(context: CheckContext, exchange: HttpExchange) -> None:
    if context.intent == "read" and not 200 <= exchange.status < 300:
        _fail(
            "version_accepted",
            context,
            exchange,
            f"a documented Intercom-Version ({exchange.request_headers.get('Intercom-Version', 'none: the default')}) "
            "was not served",
            f"HTTP {exchange.status} {', '.join(exchange.error_codes())}".strip(),
            "2xx",
        )


def _int_header(exchange: HttpExchange, name: str) -> int | None:
    try:
        return int(exchange.headers[name])
    except (KeyError, ValueError):
        return None


@register("rate_limit_headers")
def rate_limit_headers(context: CheckContext, exchange: HttpExchange) -> None:
    if not _authenticated(context) or exchange.status in (401, 403):
        return
    names = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset")
    values = {name: _int_header(exchange, name) for name in names}
    missing = [name for name, value in values.items() if value is None]
    if missing:
        shown = {name: exchange.headers.get(name) for name in names}
        _fail(
            "rate_limit_headers",
            context,
            exchange,
            "rate-limit headers missing or not integers",
            shown,
            "X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset as integers",
        )
    limit, remaining = values["x-ratelimit-limit"] or 0, values["x-ratelimit-remaining"] or 0
    if not 0 <= remaining <= limit:
        _fail(
            "rate_limit_headers",
            context,
            exchange,
            "X-RateLimit-Remaining is outside 0..X-RateLimit-Limit",
            {"limit": limit, "remaining": remaining},
            "0 <= remaining <= limit",
        )


@register("rate_limit_body")
def rate_limit_body(context: CheckContext, exchange: HttpExchange) -> None:
    status, code, _ = RATE_LIMITED
    if exchange.status == status and code not in exchange.error_codes():
        _fail("rate_limit_body", context, exchange, "a 429 without the documented code", exchange.error_codes(), code)


@register("request_id_matches")
def request_id_matches(context: CheckContext, exchange: HttpExchange) -> None:
    header = exchange.headers.get("x-request-id")
    body = exchange.json
    if header is None or not isinstance(body, dict) or body.get("request_id") is None:
        return
    if body["request_id"] != header:
        _fail(
            "request_id_matches",
            context,
            exchange,
            "the body's request_id differs from X-Request-Id",
            body["request_id"],
            f"{header} (the X-Request-Id header)",
        )


@register("me_region")
def me_region(context: CheckContext, exchange: HttpExchange) -> None:
    if not exchange.url.endswith("/me") or exchange.status != 200:
        return
    body = exchange.json
    if context.contract.compiled.admin is not None:
        try:
            context.contract.validate_admin(body)
        except ContractViolation as violation:
            _violation("me_region", context, exchange, violation)
    app = body.get("app") if isinstance(body, dict) else None
    region = app.get("region") if isinstance(app, dict) else None
    if not isinstance(region, str) or region.lower() != context.region:
        _fail(
            "me_region",
            context,
            exchange,
            "GET /me reports another region than the server asked",
            region,
            context.region.upper(),
        )


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


@register("region_servers")
def region_servers(context: CheckContext, exchange: HttpExchange) -> None:
    documented = REGIONS[context.region]
    if documented not in context.contract.servers:
        _fail(
            "region_servers",
            context,
            exchange,
            f"the spec does not list the {context.region} server",
            context.contract.servers,
            documented,
        )


def judged_by(*names: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a suite test with the checks it judges (reported per region x version)."""
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        raise ValueError(f"unknown checks {unknown}; known: {', '.join(CHECKS)}")

    def mark(test: Callable[..., Any]) -> Callable[..., Any]:
        test.intercom_checks = names  # type: ignore[attr-defined]
        return test

    return mark
