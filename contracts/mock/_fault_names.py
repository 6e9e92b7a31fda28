"""The named faults of the fake: each breaks one documented promise, so the checks can be proven to catch it.

Kept apart from the fake's model (and its imports) so that an option naming faults is checked when pytest starts.
tests/test_checks.py holds the check that must catch each one.
"""

from __future__ import annotations

from typing import Final

__all__ = ["FAULTS", "FAULTS_ENV", "parse_faults"]

# Faults for the embedded fake of a run, comma separated (how a fault is shown: `intercom-contracts run`).
FAULTS_ENV: Final = "INTERCOM_CONTRACTS_FAKE_FAULTS"

FAULTS: Final[dict[str, str]] = {
    "message-without-id": "the 200 Message lacks `id`",
    "message-id-integer": "the 200 Message carries `id` as an integer",
    "in-app-type-unmapped": "the Message says `in_app` instead of `inapp`",
    "subject-on-in-app": "an in-app Message carries a subject",
    "email-without-subject": "an email Message lacks its subject",
    "body-not-echoed": "the Message body is not the body sent (a signature is appended)",
    "created-at-ignored": "the Message ignores the created_at sent",
    "accept-blank-body": "a blank body is accepted (200)",
    "accept-email-without-subject": "an email without subject is accepted (200)",
    "no-subject-is-400": "an email without subject gets 400 instead of 422",
    "ignore-auth": "requests without or with a wrong token are answered as authorized",
    "accept-other-region-token": "a token of another region is accepted",
    "ignore-version": "an unknown Intercom-Version is served",
    "refuse-preview": "the Preview version is refused",
    "no-rate-limit-headers": "authenticated answers lack the rate-limit headers",
    "incoherent-rate-limit": "X-RateLimit-Remaining exceeds X-RateLimit-Limit",
    "rate-limit-wrong-code": "429 carries `too_many_requests` instead of `rate_limit_exceeded`",
    "request-id-mismatch": "the body's request_id differs from X-Request-Id",
    "error-without-type": "error envelopes lack `type`",
    "error-request-id-uuid-only": "error envelopes carry an integer request_id",
    "server-error": "POST /messages answers 500",
    "html-errors": "errors are answered as text/html",
    "me-wrong-region": "GET /me reports US whatever the region asked",
    "undocumented-status": "an invalid request gets 418",
    # the workspace's state: no single exchange shows these; the stateful flows find them (--intercom-flows)
    "deleted-still-listed": "a deleted contact still appears in the contact list and search",
    "page-repeats-item": "a page after a `starting_after` cursor repeats the last item of the page before",
}


def parse_faults(text: str) -> frozenset[str]:
    """Fault names from a comma-separated text; ValueError naming the unknown ones and the known ones."""
    names = frozenset(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(names - set(FAULTS))
    if unknown:
        raise ValueError(f"unknown fault(s) {', '.join(unknown)}; known faults: {', '.join(FAULTS)}")
    return names
