"""What the checks conclude: a verdict per check and exchange, a check's failure, and an exchange's failures.

`fail(problem, received, documented)` in a check's body raises `Failed`; the registry (`_registry`) turns it
into a `CheckFailure` naming the check, the region, the version and the reproduction. `NotApplicable` is a verdict
of its own, never a silent pass. The failures of one exchange form one exception group, `ExchangeFailures`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from ..errors import IntercomContractsError, render_value

if TYPE_CHECKING:
    from ..exchange import Exchange
    from ._registry import CheckContext

__all__ = ["CheckFailure", "ExchangeFailures", "Failed", "NotApplicable", "Verdict", "fail"]


class CheckFailure(IntercomContractsError, AssertionError):
    """A broken promise: the check, where it happened, and what was received against what is documented."""

    def __init__(
        self,
        check: str,
        context: CheckContext,
        exchange: Exchange,
        *,
        problem: str,
        received: Any,
        documented: Any,
    ):
        self.check, self.region, self.version = check, context.region, context.version
        self.problem, self.received, self.documented = problem, received, documented
        self.curl = exchange.curl()
        super().__init__(str(self))

    @property
    def headline(self) -> str:
        return f"[{self.check}] region {self.region}, version {self.version or 'default'}: {self.problem}"

    def details(self) -> list[str]:
        return [f"  Received: {_shown(self.received)}", f"  Documented: {_shown(self.documented)}"]

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "region": self.region,
            "version": self.version,
            "problem": self.problem,
            "received": _shown(self.received),
            "documented": _shown(self.documented),
            "curl": self.curl,
        }

    def as_dicts(self) -> list[dict[str, Any]]:
        return [self.as_dict()]

    def __str__(self) -> str:
        return "\n".join([self.headline, *self.details(), f"  Reproduce: {self.curl}"])


class ExchangeFailures(ExceptionGroup[CheckFailure], IntercomContractsError, AssertionError):
    """Every check that failed for one exchange: an exception group of CheckFailure, shown together (the
    reproduction once, at the end). `verdicts` holds every verdict of the exchange, passed ones included."""

    verdicts: tuple[Verdict, ...]
    _failures: tuple[CheckFailure, ...]

    def __new__(cls, failures: Iterable[CheckFailure], *, verdicts: Iterable[Verdict] = ()) -> ExchangeFailures:
        failures = tuple(failures)
        if not failures:
            raise ValueError("ExchangeFailures needs at least one failure")
        group = super().__new__(cls, failures[0].headline, failures)
        group._failures, group.verdicts = failures, tuple(verdicts)
        return group

    def __init__(self, failures: Iterable[CheckFailure], *, verdicts: Iterable[Verdict] = ()):
        super().__init__(self.message, self._failures)

    def derive(self, excs: Sequence[CheckFailure]) -> ExchangeFailures:  # type: ignore[override]
        return ExchangeFailures(excs, verdicts=self.verdicts)

    @property
    def failures(self) -> tuple[CheckFailure, ...]:
        return self._failures

    def as_dicts(self) -> list[dict[str, Any]]:
        return [failure.as_dict() for failure in self.failures]

    @property
    def checks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(failure.check for failure in self.failures))

    def __str__(self) -> str:
        first, *others = self.failures
        headline = first.headline
        if others:
            headline += f" (and {len(others)} more: {', '.join(f.check for f in others)})"
        lines = [headline, *first.details()]
        for failure in others:
            lines += [failure.headline, *failure.details()]
        lines.append(f"  Reproduce: {first.curl}")
        return "\n".join(lines)


class NotApplicable(Exception):
    """Raised by a check when the exchange holds nothing its promise speaks of (e.g. no X-Request-Id): the verdict
    is "not-applicable", never a silent pass."""


class Failed(Exception):
    """A check's finding, before the registry names the check, the place and the reproduction."""

    def __init__(self, problem: str, received: Any, documented: Any):
        self.problem, self.received, self.documented = problem, received, documented
        super().__init__(problem)


@dataclass
class Verdict:
    """What one check made of one exchange: passed, failed (with the failure), or not applicable."""

    check: str
    outcome: str  # passed | failed | not-applicable
    failure: CheckFailure | None = field(default=None, repr=False)


def fail(problem: str, received: Any, documented: Any) -> NoReturn:
    """Fail the running check: what is wrong, what was received, what is documented (the registry adds which
    check, where, and how to reproduce it)."""
    raise Failed(problem, received, documented)


def _shown(value: Any) -> str:
    """A value on one line: prose as it is, anything else (or text with line breaks) as JSON."""
    if isinstance(value, str) and value.isprintable():
        return value
    return render_value(value, limit=600)
