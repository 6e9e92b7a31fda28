"""The behavioural model of Intercom behind every adapter (respx router, loopback HTTP server).

Framework-neutral: a `FakeRequest` (region, method, path under the region's base, query, headers, body) in, a
`FakeResponse` (status, headers, JSON body) and its verdict out. A request passes, in Intercom's order: the region,
the credential, the rate limit, the Intercom-Version (the description of the version its header names judges it,
the workspace's default without one), the operation it reaches, the contract of that operation (parameters, body);
then the operation is served (contracts.mock._resources) from the workspace. Each turn keeps its own state: what the
request broke, what it holds of undocumented fate. What intercom-facts.md documents is modelled; what it marks
UNCONFIRMED is a setting (`FakeSettings`). The domain code does only what Intercom does: named faults (`FAULTS`, each
breaking one promise so the checks can be proven to catch it) and forced answers are rules (contracts.mock._rules,
contracts.mock._faults) applied around it: to the request it sees, the allowance it finds, the answer it gives.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Final
from urllib.parse import unquote

from ..errors import ContractViolation, UsageError
from ..regions import REGIONS
from ..spec import (
    BAD_REQUEST,
    BODY_REQUIRED,
    CREATE_MESSAGE,
    IDENTIFY_ADMIN,
    MESSAGE_TYPES_IN_RESPONSE,
    NO_SUBJECT,
    NOT_FOUND,
    RATE_LIMITED,
    UNAUTHORIZED,
    VERSION_INVALID,
    Contract,
    Contracts,
    Judged,
    OperationContract,
    operation_contract,
    path_values,
)
from . import _keyed  # noqa: F401  (its overrides of the engine register themselves when imported)
from ._fault_names import FAULTS
from ._faults import fault_rules
from ._resources import Call, Resources, store_conversation
from ._rules import Rule, RuleQueue, Served, answered, seen_by_model
from ._workspace import CREATED_AT, DEFAULT_ADMIN_ID, DEFAULT_CONTACT_ID, Workspace

__all__ = [
    "DEFAULT_ADMIN_ID",
    "DEFAULT_CONTACT_ID",
    "DEFAULT_TOKENS",
    "FAULTS",
    "FakeIntercom",
    "FakeRequest",
    "FakeResponse",
    "FakeSettings",
]

DEFAULT_TOKENS: Final[dict[str, str]] = {region: f"fake-intercom-token-{region}" for region in REGIONS}
WINDOW_SECONDS: Final = 10
# RFC 6750 b64token: what a bearer token may look like.
_WELL_FORMED_TOKEN: Final = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")
REQUEST_ID_ALPHABET: Final = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass(frozen=True)
class FakeSettings:
    """How the fake behaves. Defaults follow the documented facts; UNCONFIRMED behaviours are settings."""

    tokens: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_TOKENS))
    admin_ids: frozenset[int] | None = frozenset({DEFAULT_ADMIN_ID})  # None: every admin exists
    contact_ids: frozenset[str] | None = frozenset({DEFAULT_CONTACT_ID})  # None: every contact exists
    rate_limit: int = 167  # allowance per window (1000/min)
    window_seconds: int = WINDOW_SECONDS  # documented: 10; shorter makes rate-limit tests quick
    retry_after: bool = False  # UNCONFIRMED whether a 429 carries Retry-After
    other_region_status: int = 401  # UNCONFIRMED: third parties report 401
    accept_inapp_spelling: bool = True  # UNCONFIRMED whether `inapp` is accepted in a request
    faults: frozenset[str] = frozenset()
    seed: int = 0
    accept_any_token: bool = False  # consumer tests use dummy tokens: any well-formed bearer token is accepted
    workspace_region: str | None = None  # with accept_any_token: the only region whose host accepts the token
    # The workspace's configured Intercom-Version: what a request without the header is judged by ("by default,
    # it's equal to the version set in the app package"). None: the contracts' default (2.11 for the pack).
    default_version: str | None = None

    def __post_init__(self) -> None:
        unknown_regions = set(self.tokens) - set(REGIONS)
        if unknown_regions:
            raise UsageError(f"unknown region(s) {sorted(unknown_regions)}; the regions are {', '.join(REGIONS)}")
        if self.workspace_region is not None and self.workspace_region not in REGIONS:
            raise UsageError(f"unknown region {self.workspace_region!r}; the regions are {', '.join(REGIONS)}")
        unknown_faults = set(self.faults) - set(FAULTS)
        if unknown_faults:
            raise UsageError(f"unknown fault(s) {sorted(unknown_faults)}; known faults: {', '.join(FAULTS)}")
        if self.window_seconds < 1:
            raise UsageError(f"window_seconds must be at least 1, not {self.window_seconds}")
        if self.rate_limit < 1:
            raise UsageError(f"rate_limit must be at least 1 request per window, not {self.rate_limit}")


@dataclass(frozen=True)
class FakeRequest:
    region: str
    method: str
    path: str  # under the region's base, e.g. "/messages"
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    query: str = ""  # the query string, without "?"

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class FakeResponse:
    status: int
    headers: dict[str, str]
    body: Any  # the JSON value answered (None: no body)

    def content(self) -> bytes:
        if self.headers.get("Content-Type", "").startswith("text/html"):
            return f"<html><body>{self.status}</body></html>".encode()
        if self.body is None:
            return b""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Exchange:
    """One request received and the answer given.

    `violation` says how the request broke the contract, if it did; `undocumented` lists what it holds whose fate no
    source documents (answered as the description allows, never a breach); `operation` is the operationId reached.
    """

    request: FakeRequest
    response: FakeResponse
    violation: ContractViolation | None = None
    undocumented: tuple[str, ...] = ()
    operation: str | None = None
    version: str | None = None


class _Reject(Exception):
    def __init__(self, status: int, code: str, message: str, *, field: str | None = None):
        self.status, self.code, self.message, self.field = status, code, message, field


@dataclass
class _Turn:
    """The state of one request while it is answered (never kept on the shared model)."""

    request: FakeRequest
    request_id: str
    headers: dict[str, str]
    violation: ContractViolation | None = None
    undocumented: list[str] = field(default_factory=list)
    operation: str | None = None
    version: str | None = None
    limited: bool = False  # the request finds the window's allowance spent (a rule says so)

    def broken(self, path: str, rule: str, expected: Any, received: Any, message: str) -> None:
        """Note how the request breaks the contract (the client's fault, not the server's); the first one stays."""
        if self.violation is None:
            self.violation = ContractViolation(
                subject="Request", path=path, rule=rule, expected=expected, received=received, message=message
            )


class FakeIntercom:
    """Intercom for the three regions, every documented version and every operation, in memory.

    `contracts` says which description judges which Intercom-Version (default: the facts pack, each version by its
    own); a single Contract judges every version its description documents. `workspace` holds the resources.
    """

    def __init__(
        self,
        contracts: Contracts | Contract | None = None,
        settings: FakeSettings | None = None,
        *,
        clock: Callable[[], float] | None = None,
        workspace: Workspace | None = None,
        keep_exchanges: bool = True,
    ):
        if isinstance(contracts, Contract):
            contracts = Contracts.of(contracts.spec)
        self.contracts = contracts or Contracts()
        self.settings = self._checked(settings or FakeSettings())
        self.clock = clock or time.time
        self.workspace = workspace or Workspace(clock=self.clock)
        self.resources = Resources(self.workspace)
        self.exchanges: list[Exchange] = []  # every exchange, unless keep_exchanges is False (a run, a server)
        self.keep_exchanges = keep_exchanges
        self.listeners: list[Callable[[Exchange], None]] = []  # told of every exchange (a log, a recording)
        self._lock = threading.RLock()
        self._random = random.Random(self.settings.seed)
        self._next_id = 1000
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}
        self.rules = RuleQueue()  # rules queued by a test: forced answers, the first matching one applies
        self._faults = fault_rules(self.settings.faults, self)

    # -- configuration -------------------------------------------------------------------------------------------
    def configure(self, **changes: Any) -> None:
        """Change settings in place (e.g. `faults=frozenset({...})`); validated like the constructor's."""
        self.settings = self._checked(replace(self.settings, **changes))
        self._faults = fault_rules(self.settings.faults, self)

    def _checked(self, settings: FakeSettings) -> FakeSettings:
        if settings.default_version is not None and not self.contracts.knows(settings.default_version):
            raise UsageError(
                f"default version {settings.default_version!r} is not documented: {self.contracts.describe()}"
            )
        return settings

    @property
    def versions(self) -> tuple[str, ...]:
        """Every Intercom-Version value served."""
        return self.contracts.documented

    @property
    def default_version(self) -> str:
        """What a request without the Intercom-Version header is judged by."""
        return self.settings.default_version or self.contracts.default

    @property
    def contract(self) -> Contract:
        """The contract of the default version."""
        return self.contracts.contract(self.default_version)

    def fresh_workspace(self) -> Workspace:
        """Start again from a workspace holding the seed records only (what a flow's example starts from); what the
        named faults remembered of the old one goes with it. Queued rules and rate windows are kept."""
        with self._lock:  # no request is answered half from the old workspace
            self.workspace = Workspace(clock=self.clock, timezone=self.workspace.timezone)
            self.resources = Resources(self.workspace)
            self._faults = fault_rules(self.settings.faults, self)
            return self.workspace

    def reset_rate_windows(self) -> None:
        """Forget the requests counted in the current windows."""
        with self._lock:
            self._windows.clear()

    def warm(self) -> None:
        """Load and compile the default version's description now, so the first request is answered as fast as the
        next (a server started for a test with a short timeout)."""
        contract = self.contract
        for operation in (contract.spec.operation(CREATE_MESSAGE), contract.spec.operation(IDENTIFY_ADMIN)):
            operation_contract(contract.spec, operation)

    def accepts(self, request: FakeRequest) -> bool:
        """Whether the request's credential opens this region's door (nothing is noted or counted)."""
        return self._authorized(_Turn(request, "", {}))

    def token_for(self, region: str) -> str:
        """A token this workspace accepts in `region` (the pinned one; any well-formed one otherwise)."""
        return self.settings.tokens.get(region) or DEFAULT_TOKENS.get(region, DEFAULT_TOKENS["us"])

    # -- the model -----------------------------------------------------------------------------------------------
    def handle(self, request: FakeRequest) -> FakeResponse:
        return self.handle_exchange(request).response

    def handle_exchange(self, request: FakeRequest) -> Exchange:
        """Answer `request`; the exchange (answer, verdict, operation, version) is also kept in `exchanges`."""
        return self.serve(request).exchange

    def serve(self, request: FakeRequest) -> Served:
        """Answer `request` as the model and the rules matching it do (the named faults, then the queue's: see
        contracts.mock._rules); the exchange holds the request as sent and the answer to send, is kept in
        `exchanges` and told to the listeners. `delay`: how long the adapter holds the answer back."""
        with self._lock:
            rules: tuple[Rule, ...] = (
                *(rule for rule in self._faults if rule.when(request)),
                *self.rules.take(request),
            )
            request_id = "".join(self._random.choices(REQUEST_ID_ALPHABET, k=20))
            turn = _Turn(
                seen_by_model(rules, request),
                request_id,
                {"Content-Type": "application/json; charset=utf-8", "X-Request-Id": request_id},
                limited=any(rule.spent for rule in rules),
            )
            response = self._answer(turn)
            exchange = answered(
                rules,
                Exchange(request, response, turn.violation, tuple(turn.undocumented), turn.operation, turn.version),
            )
            if self.keep_exchanges:
                self.exchanges.append(exchange)
        for listener in self.listeners:
            listener(exchange)
        delay = max((rule.delay for rule in rules), default=0.0)
        return Served(exchange, delay)

    def _answer(self, turn: _Turn) -> FakeResponse:
        request, headers = turn.request, turn.headers
        if request.region not in REGIONS:
            turn.broken("path", "server", list(REGIONS), request.region, "not a regional server of Intercom")
            return self._error(turn, NOT_FOUND)
        self._check_authorization_header(turn)
        if not self._authorized(turn):
            return self._error(turn, UNAUTHORIZED, status=self._unauthorized_status(request))
        rate_headers, exceeded = self._rate_headers(request, limited=turn.limited)
        headers.update(rate_headers)
        if exceeded:
            status, code, message = RATE_LIMITED
            text = message.format(limit=self.settings.rate_limit, seconds=self.settings.window_seconds)
            return self._error(turn, (status, code, text))
        version = request.header("Intercom-Version")
        if not self._version_served(version):
            turn.broken("header Intercom-Version", "enum", list(self.versions), version, "not a documented version")
            return self._error(turn, VERSION_INVALID)
        turn.version = version or self.default_version
        contract = self.contracts.contract(turn.version if self.contracts.knows(turn.version) else self.default_version)
        operation = contract.spec.operation_at(request.method, request.path)
        if operation is None:
            served = sorted(
                op.method.upper() for op in contract.spec.operations() if path_values(op.path, request.path) is not None
            )
            expected = f"one of {', '.join(served)} on this path" if served else "an operation of the description"
            turn.broken("path", "operation", expected, f"{request.method.upper()} {request.path}", "no such operation")
            return self._error(turn, NOT_FOUND)
        turn.operation = operation.operation_id
        api = operation_contract(contract.spec, operation)
        judged = api.judge_request(
            _path_values(operation.path, request.path),
            request.query,
            request.body,
            request.header("Content-Type") or "",
        )
        turn.undocumented += judged.undocumented
        try:
            if operation.operation_id == CREATE_MESSAGE or (operation.method, operation.path) == ("post", "/messages"):
                return FakeResponse(200, headers, self._create_message(turn, contract, judged))
            if operation.operation_id == IDENTIFY_ADMIN or (operation.method, operation.path) == ("get", "/me"):
                return FakeResponse(200, headers, self._admin(request.region))
            return self._serve(turn, api, judged)
        except _Reject as reject:
            return self._error(turn, (reject.status, reject.code, reject.message), field=reject.field)

    def _serve(self, turn: _Turn, api: OperationContract, judged: Judged) -> FakeResponse:
        """Any operation but the two this model knows itself: judged by its contract, served from the workspace."""
        if judged.violation is not None:
            turn.violation = judged.violation
            status, code = _documented_refusal(api, judged.violation)
            raise _Reject(status, code, judged.violation.message, field=judged.violation.path)
        call = Call(api, judged.path_values, judged.query, judged.body, turn.request.region)
        answer = self.resources.answer(call)
        turn.undocumented += answer.undocumented
        turn.violation = turn.violation or answer.violation
        if answer.error is not None:
            status, code, message = answer.error
            raise _Reject(status, code, message)
        return FakeResponse(answer.status, {**turn.headers, **(answer.headers or {})}, answer.body)

    def _error(
        self,
        turn: _Turn,
        answer: tuple[int, str, str],
        *,
        status: int | None = None,
        field: str | None = None,
    ) -> FakeResponse:
        code_status, code, message = answer
        error: dict[str, Any] = {"code": code, "message": message}
        if field is not None:
            error["field"] = field
        body: dict[str, Any] = {"type": "error.list", "request_id": turn.request_id, "errors": [error]}
        return FakeResponse(status or code_status, dict(turn.headers), body)

    # -- authentication, version, rate limits --------------------------------------------------------------------
    def _check_authorization_header(self, turn: _Turn) -> None:
        header = turn.request.header("Authorization")
        token = _bearer_token(turn.request)
        if header is None:
            turn.broken("header Authorization", "bearerAuth", "Bearer <access token>", None, "no Authorization header")
        elif token is None or not _WELL_FORMED_TOKEN.match(token):
            scheme = header.split(" ", 1)[0]
            turn.broken(
                "header Authorization",
                "bearerAuth",
                "Bearer <access token>",
                f"{scheme} [redacted]",
                "not a well-formed bearer token",
            )

    def _authorized(self, turn: _Turn) -> bool:
        request = turn.request
        token = _bearer_token(request)
        if self.settings.accept_any_token:
            home = self.settings.workspace_region
            if token is not None and home is not None and home != request.region:
                turn.broken(
                    "server",
                    "region",
                    f"the workspace's region, {home}",
                    request.region,
                    f"the workspace lives in {home}: another region's server refuses its token",
                )
            return token is not None and bool(_WELL_FORMED_TOKEN.match(token)) and home in (None, request.region)
        pinned = self.settings.tokens.get(request.region)
        if token is not None and token == pinned:
            return True
        if token is not None and _WELL_FORMED_TOKEN.match(token):
            turn.broken(
                "header Authorization",
                "token",
                f"the workspace's token for {request.region}",
                "Bearer [redacted]",
                "not the access token of this workspace in this region",
            )
        return False

    def _unauthorized_status(self, request: FakeRequest) -> int:
        token = _bearer_token(request)
        if self.settings.accept_any_token:
            return self.settings.other_region_status if token and _WELL_FORMED_TOKEN.match(token) else 401
        return self.settings.other_region_status if token in self.settings.tokens.values() else 401

    def _rate_headers(self, request: FakeRequest, *, limited: bool) -> tuple[dict[str, str], bool]:
        """The rate-limit headers of this answer, and whether the window's allowance is exceeded."""
        length = self.settings.window_seconds
        window = int(self.clock() // length)
        key = (request.region, _bearer_token(request) or "")
        start, used = self._windows.get(key, (window, 0))
        used = used + 1 if start == window else 1
        limit = self.settings.rate_limit
        self._windows[key] = (window, used)
        exceeded = used > limit
        if limited:  # this request finds the allowance spent (the window's count is kept)
            exceeded, used = True, max(used, limit)
        remaining = max(limit - used, 0)
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str((window + 1) * length),
            **(
                {"Retry-After": str(max(1, int((window + 1) * length - self.clock())))}
                if exceeded and self.settings.retry_after
                else {}
            ),
        }, exceeded

    def _version_served(self, version: str | None) -> bool:
        if version is None:
            return True  # the app's configured default
        return self.contracts.serves(version)  # Intercom serves Preview whatever description judges the bodies

    # -- the operations ------------------------------------------------------------------------------------------
    def _admin(self, region: str) -> dict[str, Any]:
        """GET /me: the workspace's admin (as GET /admins/{id} shows it), with the app of the region asked."""
        admin_id = min(self.settings.admin_ids) if self.settings.admin_ids else DEFAULT_ADMIN_ID
        stored = self.workspace.get("admin", str(admin_id)) or {}
        shown_region = region
        return {
            "type": "admin",
            "id": str(admin_id),
            "email": stored.get("email", "admin@example.com"),
            "name": stored.get("name", "Fake Admin"),
            "job_title": stored.get("job_title", "Support"),
            "away_mode_enabled": stored.get("away_mode_enabled", False),
            "away_mode_reassign": stored.get("away_mode_reassign", False),
            "has_inbox_seat": stored.get("has_inbox_seat", True),
            "team_ids": stored.get("team_ids", []),
            "email_verified": stored.get("email_verified", True),
            "app": {
                "type": "app",
                "id_code": f"fake{shown_region}",
                "name": "Fake Intercom",
                "created_at": CREATED_AT,
                "secure": False,
                "identity_verification": False,
                "timezone": "Etc/UTC",
                "region": shown_region.upper(),
            },
        }

    def _create_message(self, turn: _Turn, contract: Contract, judged: Judged) -> dict[str, Any]:
        payload = self._parse(turn, turn.request.body)
        if payload.get("message_type") == "inapp" and self.settings.accept_inapp_spelling:
            payload = {**payload, "message_type": "in_app"}
        try:
            contract.validate_create_message_request(payload)
        except ContractViolation as violation:
            turn.violation = violation
            self._check_documented_rules(payload)
            raise _Reject(400, "parameter_invalid", violation.message, field=violation.path) from None
        self._check_exists(payload)
        return self._message(payload)

    def _check_documented_rules(self, payload: dict[str, Any]) -> None:
        body = payload.get("body")
        if not isinstance(body, str) or not body.strip():
            raise _Reject(*BODY_REQUIRED)
        if payload.get("message_type") == "email" and "subject" not in payload:
            raise _Reject(*NO_SUBJECT)

    def _check_exists(self, payload: dict[str, Any]) -> None:
        sender = payload.get("from", {})
        if self.settings.admin_ids is not None and sender.get("id") not in self.settings.admin_ids:
            raise _Reject(404, NOT_FOUND[1], "Admin Not Found")
        recipients = payload["to"] if isinstance(payload["to"], list) else [payload["to"]]
        known = self.settings.contact_ids
        if known is not None and any(r.get("id") not in known for r in recipients):
            raise _Reject(404, NOT_FOUND[1], "User Not Found")

    def _message(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._next_id += 1
        message_type = MESSAGE_TYPES_IN_RESPONSE.get(payload.get("message_type", ""), "inapp")
        sent = payload.get("body")
        body = sent if isinstance(sent, str) else ""
        message: dict[str, Any] = {
            "type": "user_message",
            "id": str(self._next_id),
            "created_at": payload.get("created_at", int(self.clock())),
            "body": body,
            "message_type": message_type,
        }
        if message_type == "email":
            message["subject"] = str(payload.get("subject", ""))
        if payload.get("create_conversation_without_contact_reply"):  # a conversation the API can read back
            recipients = payload.get("to")
            listed = recipients if isinstance(recipients, list) else [recipients]
            conversation = store_conversation(
                self.workspace,
                title=payload.get("subject"),
                body=body,
                contact_ids=[str(r["id"]) for r in listed if isinstance(r, dict) and "id" in r],
                by="admin",
            )
            message["conversation_id"] = conversation["id"]
        return message

    def _parse(self, turn: _Turn, body: bytes) -> dict[str, Any]:
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            turn.broken("$", "json", "a JSON object", body[:200].decode("utf-8", "replace"), "the body is not JSON")
            raise _Reject(*BAD_REQUEST) from None
        if not isinstance(payload, dict):
            status, code, _ = BAD_REQUEST
            turn.broken("$", "type", {"type": "object"}, payload, f"a JSON {type(payload).__name__}, not an object")
            raise _Reject(status, code, f"The request body must be a JSON object, not {type(payload).__name__}")
        return payload


def _bearer_token(request: FakeRequest) -> str | None:
    """The bearer token of the request's Authorization header (None: none)."""
    scheme, _, token = (request.header("Authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _path_values(template: str, path: str) -> dict[str, str]:
    """The values of a template's path parameters in `path`, decoded (`/contacts/{id}` + `/contacts/42` -> {id: 42})."""
    return {name: unquote(value) for name, value in (path_values(template, path) or {}).items()}


def _documented_refusal(api: OperationContract, violation: ContractViolation) -> tuple[int, str]:
    """What Intercom answers a request that breaks an operation's contract: its documented 400 or 422."""
    code = "parameter_not_found" if violation.rule == "required" else "parameter_invalid"
    if 400 not in api.statuses and 422 in api.statuses:
        return 422, code
    return 400, code
