"""The behavioural model of Intercom behind every adapter (respx router, loopback HTTP server).

Framework-neutral: a `FakeRequest` (region, method, path under the region's base, headers, body bytes) in, a
`FakeResponse` (status, headers, JSON body) out. What intercom-facts.md documents is modelled; what it marks
UNCONFIRMED is a setting (`FakeSettings`). Named faults (`FAULTS`) each break one promise, so the checks can be
proven to catch them.
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

from ..contract import Contract
from ..errors import ContractViolation, UsageError
from ..facts import (
    BAD_REQUEST,
    BODY_REQUIRED,
    MESSAGE_TYPES_IN_RESPONSE,
    NO_SUBJECT,
    NOT_FOUND,
    RATE_LIMITED,
    UNAUTHORIZED,
    VERSION_INVALID,
)
from ..faults import FAULTS
from ..regions import REGIONS
from ..versions import Contracts

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

DEFAULT_ADMIN_ID: Final = 991267390
DEFAULT_CONTACT_ID: Final = "6762f0d21bb69f9f2193bb59"
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

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class FakeResponse:
    status: int
    headers: dict[str, str]
    body: Any  # the JSON value answered

    def content(self) -> bytes:
        if self.headers.get("Content-Type", "").startswith("text/html"):
            return f"<html><body>{self.status}</body></html>".encode()
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Exchange:
    """One request received and the answer given; `violation` says how the request broke the contract, if it did."""

    request: FakeRequest
    response: FakeResponse
    violation: ContractViolation | None = None


class _Reject(Exception):
    def __init__(self, status: int, code: str, message: str, *, field: str | None = None):
        self.status, self.code, self.message, self.field = status, code, message, field


class FakeIntercom:
    """Intercom's Create a message and Identify an admin, for the three regions and every version, in memory.

    `contracts` says which description judges which Intercom-Version (default: the facts pack, each version by its
    own); a single Contract judges every version its description documents.
    """

    def __init__(
        self,
        contracts: Contracts | Contract | None = None,
        settings: FakeSettings | None = None,
        *,
        clock: Callable[[], float] | None = None,
    ):
        if isinstance(contracts, Contract):
            contracts = Contracts.of(contracts.spec)
        self.contracts = contracts or Contracts()
        self.settings = settings or FakeSettings()
        if self.settings.default_version is not None and not self.contracts.knows(self.settings.default_version):
            raise UsageError(
                f"default version {self.settings.default_version!r} is not documented: {self.contracts.describe()}"
            )
        self.clock = clock or time.time
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        self._random = random.Random(self.settings.seed)
        self._next_id = 1000
        self._windows: dict[tuple[str, str], tuple[int, int]] = {}

    # -- configuration -------------------------------------------------------------------------------------------
    def configure(self, **changes: Any) -> None:
        """Change settings in place (e.g. `faults=frozenset({...})`); validated like the constructor's."""
        self.settings = replace(self.settings, **changes)

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

    def contract_for(self, request: FakeRequest) -> Contract:
        """The contract of the version the request names (its header; the workspace's default without one)."""
        return self.contracts.contract(request.header("Intercom-Version") or self.default_version)

    def reset_rate_windows(self) -> None:
        """Forget the requests counted in the current windows."""
        with self._lock:
            self._windows.clear()

    def has(self, fault: str) -> bool:
        return fault in self.settings.faults

    # -- the model -----------------------------------------------------------------------------------------------
    def handle(self, request: FakeRequest) -> FakeResponse:
        with self._lock:
            request_id = "".join(self._random.choices(REQUEST_ID_ALPHABET, k=20))
            self._violation: ContractViolation | None = None
            response = self._answer(request, request_id)
            self.exchanges.append(Exchange(request, response, self._violation))
            return response

    def _broken(self, path: str, rule: str, expected: Any, received: Any, message: str) -> None:
        """Note how the request at hand breaks the contract (the client's fault, not the server's)."""
        self._violation = ContractViolation(
            subject="Request", path=path, rule=rule, expected=expected, received=received, message=message
        )

    def _answer(self, request: FakeRequest, request_id: str) -> FakeResponse:
        headers = {"Content-Type": "application/json; charset=utf-8", "X-Request-Id": request_id}
        route = (request.method.upper(), request.path.rstrip("/") or "/")
        if request.region not in REGIONS or route not in (("GET", "/me"), ("POST", "/messages")):
            self._broken(
                "path",
                "operation",
                "POST /messages or GET /me",
                f"{route[0]} {request.path}",
                "no such operation in the contract",
            )
            return self._error(headers, request_id, NOT_FOUND)
        self._check_authorization_header(request)
        if not self._authorized(request):
            return self._error(headers, request_id, UNAUTHORIZED, status=self._unauthorized_status(request))
        rate_headers, exceeded = self._rate_headers(request)
        headers.update(rate_headers)
        if exceeded:
            status, code, message = RATE_LIMITED
            if self.has("rate-limit-wrong-code"):
                code = "too_many_requests"
            text = message.format(limit=self.settings.rate_limit, seconds=self.settings.window_seconds)
            return self._error(headers, request_id, (status, code, text))
        if not self._version_served(request.header("Intercom-Version")):
            self._broken(
                "header Intercom-Version",
                "enum",
                list(self.versions),
                request.header("Intercom-Version"),
                "not a version the contract documents",
            )
            return self._error(headers, request_id, VERSION_INVALID)
        try:
            if route == ("GET", "/me"):
                return FakeResponse(200, headers, self._admin(request.region))
            return FakeResponse(200, headers, self._create_message(request, self.contract_for(request)))
        except _Reject as reject:
            if self.has("html-errors"):
                headers["Content-Type"] = "text/html; charset=utf-8"
            return self._error(headers, request_id, (reject.status, reject.code, reject.message), field=reject.field)

    def _error(
        self,
        headers: dict[str, str],
        request_id: str,
        answer: tuple[int, str, str],
        *,
        status: int | None = None,
        field: str | None = None,
    ) -> FakeResponse:
        code_status, code, message = answer
        error: dict[str, Any] = {"code": code, "message": message}
        if field is not None:
            error["field"] = field
        body: dict[str, Any] = {"type": "error.list", "request_id": request_id, "errors": [error]}
        if self.has("request-id-mismatch"):
            body["request_id"] = request_id[::-1]
        if self.has("error-request-id-uuid-only"):
            body["request_id"] = 12345
        if self.has("error-without-type"):
            del body["type"]
        if self.has("html-errors"):
            headers = {**headers, "Content-Type": "text/html; charset=utf-8"}
        return FakeResponse(status or code_status, headers, body)

    # -- authentication, version, rate limits --------------------------------------------------------------------
    def _token(self, request: FakeRequest) -> str | None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def _check_authorization_header(self, request: FakeRequest) -> None:
        header = request.header("Authorization")
        if header is None:
            self._broken("header Authorization", "bearerAuth", "Bearer <access token>", None, "no Authorization header")
        elif self._token(request) is None or not _WELL_FORMED_TOKEN.match(self._token(request) or ""):
            scheme = header.split(" ", 1)[0]
            self._broken(
                "header Authorization",
                "bearerAuth",
                "Bearer <access token>",
                f"{scheme} [redacted]",
                "not a well-formed bearer token",
            )

    def _authorized(self, request: FakeRequest) -> bool:
        if self.has("ignore-auth"):
            return True
        token = self._token(request)
        if self.settings.accept_any_token:
            home = self.settings.workspace_region
            return token is not None and bool(_WELL_FORMED_TOKEN.match(token)) and home in (None, request.region)
        if token is not None and token == self.settings.tokens.get(request.region):
            return True
        return self.has("accept-other-region-token") and token in self.settings.tokens.values()

    def _unauthorized_status(self, request: FakeRequest) -> int:
        token = self._token(request)
        if self.settings.accept_any_token:
            return self.settings.other_region_status if token and self._violation is None else 401
        return self.settings.other_region_status if token in self.settings.tokens.values() else 401

    def _rate_headers(self, request: FakeRequest) -> tuple[dict[str, str], bool]:
        """The rate-limit headers of this answer, and whether the window's allowance is exceeded."""
        length = self.settings.window_seconds
        window = int(self.clock() // length)
        key = (request.region, self._token(request) or "")
        start, used = self._windows.get(key, (window, 0))
        used = used + 1 if start == window else 1
        self._windows[key] = (window, used)
        limit = self.settings.rate_limit
        exceeded = used > limit
        if self.has("no-rate-limit-headers"):
            return {}, exceeded
        remaining = max(limit - used, 0)
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining + 2 * limit if self.has("incoherent-rate-limit") else remaining),
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
        if self.has("ignore-version"):
            return True
        if self.has("refuse-preview") and version in ("Preview", "Unstable"):
            return False
        return self.contracts.knows(version)

    # -- the operations ------------------------------------------------------------------------------------------
    def _admin(self, region: str) -> dict[str, Any]:
        admin_id = min(self.settings.admin_ids) if self.settings.admin_ids else DEFAULT_ADMIN_ID
        shown_region = "us" if self.has("me-wrong-region") else region
        return {
            "type": "admin",
            "id": str(admin_id),
            "email": "admin@example.com",
            "name": "Fake Admin",
            "job_title": "Support",
            "away_mode_enabled": False,
            "away_mode_reassign": False,
            "has_inbox_seat": True,
            "team_ids": [],
            "email_verified": True,
            "app": {
                "type": "app",
                "id_code": f"fake{shown_region}",
                "name": "Fake Intercom",
                "created_at": 1719492696,
                "secure": False,
                "identity_verification": False,
                "timezone": "Etc/UTC",
                "region": shown_region.upper(),
            },
        }

    def _create_message(self, request: FakeRequest, contract: Contract) -> dict[str, Any]:
        if self.has("server-error"):
            raise _Reject(500, "server_error", "Something went wrong")
        payload = self._parse(request.body)
        if payload.get("message_type") == "inapp" and self.settings.accept_inapp_spelling:
            payload = {**payload, "message_type": "in_app"}
        if not self._let_through(payload):
            try:
                contract.validate_create_message_request(payload)
            except ContractViolation as violation:
                self._violation = violation
                self._check_documented_rules(payload)
                status = 418 if self.has("undocumented-status") else 400
                raise _Reject(status, "parameter_invalid", violation.message, field=violation.path) from None
            self._check_exists(payload)
        return self._message(payload)

    def _let_through(self, payload: dict[str, Any]) -> bool:
        """Whether a fault makes the fake accept this invalid payload."""
        blank = not isinstance(payload.get("body"), str) or not payload["body"].strip()
        no_subject = payload.get("message_type") == "email" and "subject" not in payload
        return (blank and self.has("accept-blank-body")) or (no_subject and self.has("accept-email-without-subject"))

    def _check_documented_rules(self, payload: dict[str, Any]) -> None:
        body = payload.get("body")
        if not isinstance(body, str) or not body.strip():
            raise _Reject(*BODY_REQUIRED)
        if payload.get("message_type") == "email" and "subject" not in payload:
            status, code, message = NO_SUBJECT
            raise _Reject(400 if self.has("no-subject-is-400") else status, code, message)

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
            "id": self._next_id if self.has("message-id-integer") else str(self._next_id),
            "created_at": payload.get("created_at", int(self.clock())),
            "body": body + "\n-- sent by Fake Intercom" if self.has("body-not-echoed") else body,
            "message_type": "in_app" if message_type == "inapp" and self.has("in-app-type-unmapped") else message_type,
        }
        if self.has("created-at-ignored"):
            message["created_at"] = int(self.clock()) + 1
        if message_type == "email" and not self.has("email-without-subject"):
            message["subject"] = str(payload.get("subject", ""))
        if message_type == "inapp" and self.has("subject-on-in-app"):
            message["subject"] = ""
        if payload.get("create_conversation_without_contact_reply"):
            message["conversation_id"] = str(self._next_id + 500_000)
        if self.has("message-without-id"):
            del message["id"]
        return message

    def _parse(self, body: bytes) -> dict[str, Any]:
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            self._broken("$", "json", "a JSON object", body[:200].decode("utf-8", "replace"), "the body is not JSON")
            raise _Reject(*BAD_REQUEST) from None
        if not isinstance(payload, dict):
            status, code, _ = BAD_REQUEST
            self._broken("$", "type", {"type": "object"}, payload, f"a JSON {type(payload).__name__}, not an object")
            raise _Reject(status, code, f"The request body must be a JSON object, not {type(payload).__name__}")
        return payload
