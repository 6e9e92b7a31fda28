"""Documented facts of Intercom's API that checks, strategies and the fake share (see intercom-facts.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "BAD_REQUEST",
    "BODY_REQUIRED",
    "CREATE_MESSAGE",
    "CREATE_MESSAGE_STATUSES",
    "DOCUMENTED_ERRORS",
    "IDENTIFY_ADMIN",
    "MESSAGE_TYPES_IN_RESPONSE",
    "NOT_FOUND",
    "NO_SUBJECT",
    "PLAN_RESTRICTED",
    "RATE_LIMITED",
    "UNAUTHORIZED",
    "VERSION_INVALID",
    "Rejection",
]

# The operations the suite tests by name (operationIds of the published descriptions).
CREATE_MESSAGE: Final = "createMessage"
IDENTIFY_ADMIN: Final = "identifyAdmin"

# (status, code, message) of the answers Intercom documents for Create a message.
BODY_REQUIRED: Final = (400, "parameter_invalid", "Body is required")
NO_SUBJECT: Final = (422, "parameter_not_found", "No subject supplied for email message")
UNAUTHORIZED: Final = (401, "unauthorized", "Access Token Invalid")
VERSION_INVALID: Final = (
    400,
    "intercom_version_invalid",
    "Requested resource is not available in current API version.",
)
NOT_FOUND: Final = (404, "not_found", "Resource Not Found")
RATE_LIMITED: Final = (429, "rate_limit_exceeded", "Exceeded rate limit of {limit} in {seconds}_seconds")
PLAN_RESTRICTED: Final = (403, "api_plan_restricted", "Active subscription needed.")
BAD_REQUEST: Final = (400, "bad_request", "Invalid JSON body")

# Status -> the error codes the published descriptions show for it.
DOCUMENTED_ERRORS: Final[dict[int, tuple[str, ...]]] = {
    400: ("parameter_invalid", "parameter_not_found", "bad_request", "intercom_version_invalid"),
    401: (
        "unauthorized",
        "token_unauthorized",
        "token_revoked",
        "token_blocked",
        "token_not_found",
        "token_expired",
        "token_suspended",
        "missing_authorization",
    ),
    403: ("api_plan_restricted", "forbidden"),
    404: ("not_found",),
    409: ("conflict",),
    422: ("parameter_not_found", "parameter_invalid", "data_invalid"),
    429: ("rate_limit_exceeded",),
}

# Statuses the facts document for POST /messages, whether or not a published description lists them
# (404: a contact not yet available for messaging; 429: rate limited; 401: every operation).
CREATE_MESSAGE_STATUSES: Final = frozenset({200, 400, 401, 403, 404, 422, 429})

# The request says `in_app`, the Message answers `inapp`.
MESSAGE_TYPES_IN_RESPONSE: Final[dict[str, str]] = {"in_app": "inapp", "email": "email"}


@dataclass(frozen=True)
class Rejection:
    """How a request breaks the contract (`rule` at `path`) and the answer Intercom documents for it.

    `status`/`code` are None where the facts only say "some 4xx".
    """

    rule: str
    path: str
    status: int | None = None
    code: str | None = None

    def accepts(self, status: int, codes: list[str]) -> bool:
        if self.status is None:
            return 400 <= status < 500
        return status == self.status and (self.code is None or self.code in codes)

    def describe(self) -> str:
        return f"{self.rule} at {self.path} -> {self.answer()}"

    def answer(self) -> str:
        return "any 4xx" if self.status is None else f"{self.status}{f' {self.code}' if self.code else ''}"
