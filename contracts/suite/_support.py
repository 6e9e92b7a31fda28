"""What the suite's tests share: stopping at the first transport failure, live settings of the property tests, the
part of the live message budget a core check sends from."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, Phase, settings

from ..errors import ContractViolation
from ..live import IntercomClient, NotSent, TransportFailure
from ..run import IntercomRun, share_of
from ..spec import Contract

__all__ = ["TransportGuard", "budget_part", "echoing_example", "property_settings", "sample_email"]

# A created_at the Message must echo (an example's, fixed: a live run sends each creating request once).
_CREATED_AT = 1_700_000_000

T = TypeVar("T")


class TransportGuard:
    """The first transport failure stops a property: later examples return at once, nothing is shrunk.

    A server that cannot be reached would otherwise make hypothesis replay (and shrink) one timeout after another.
    A request a live safety rule keeps from being sent (NotSent) is skipped; its reason is kept for the report.
    """

    def __init__(self) -> None:
        self.failure: TransportFailure | None = None
        self.not_sent: list[str] = []
        self.sent = 0

    def attempt(self, send: Callable[[], T]) -> T | None:
        if self.failure is not None:
            return None
        try:
            result = send()
        except TransportFailure as failure:
            self.failure = failure
            return None
        except NotSent as refused:
            self.not_sent.append(refused.reason)
            return None
        self.sent += 1
        return result

    def raise_if_failed(self) -> None:
        if self.failure is not None:
            raise self.failure

    def conclude(self) -> None:
        """After the property: its transport failure raised; a skip when a safety rule kept every request back."""
        self.raise_if_failed()
        if not self.sent and self.not_sent:
            reasons = sorted(set(self.not_sent), key=lambda reason: -self.not_sent.count(reason))
            pytest.skip(f"nothing sent: {'; '.join(reasons)}")  # every rule that kept a request back, most often first


def property_settings(run: IntercomRun) -> settings:
    """Hypothesis settings of the suite's property tests.

    Never the explain phase (it replays variations of a failing request). On a live run, no shrinking and no
    example database either: each would send more requests to a real workspace, and a creating request is never
    sent twice (the client answers a repeat from its record of the first).
    """
    live = run.settings.live
    phases = [Phase.explicit, Phase.generate] if live else [p for p in settings().phases if p is not Phase.explain]
    return settings(
        max_examples=run.settings.max_examples,
        deadline=None,
        print_blob=True,  # the way to replay a failure exactly: @reproduce_failure(...)
        phases=phases,
        database=None if live else settings().database,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )


def sample_email(run: IntercomRun) -> dict[str, object]:
    """A Create-a-message request the contract accepts, from the run's admin to the run's contact."""
    return {
        "message_type": "email",
        "subject": "Contract check",
        "body": "Hello from intercom-contracts",
        "template": "plain",
        "from": {"type": "admin", "id": run.admin_id or 1},
        "to": {"type": "user", "id": run.contact_id or "0"},
    }


def echoing_example(run: IntercomRun, contract: Contract) -> dict[str, object] | None:
    """The valid message a live run sends first: an email carrying every field the Message must echo (subject,
    body and, where the contract has it, created_at), so that a budget of one message per region x version still
    judges each echo. None on a mock run (its examples are not counted), without the parties, or when the contract
    accepts neither form."""
    if not run.settings.live or run.admin_id is None or run.contact_id is None:
        return None
    email = sample_email(run)
    for candidate in ({**email, "created_at": _CREATED_AT}, email):
        try:
            contract.validate_create_message_request(candidate)
        except ContractViolation:
            continue
        return candidate
    return None


@contextmanager
def budget_part(run: IntercomRun, client: IntercomClient, purpose: str) -> Iterator[str]:
    """The part of the live message budget reserved for this core check in the client's region x version (pass it
    as `share=`); when the check ends, what it left of its part is free for the rest of the run."""
    part = share_of(client.region, client.version, purpose)
    try:
        yield part
    finally:
        if run.settings.live:
            run.budget.release(part)
