"""Each recorded test's exchanges judged again by today's checks, under the contract of the version asked for.

Parametrized by the plugin from --intercom-recording (one test per recorded test and version); nothing is sent.
As in the run, a test fails when any of its exchanges fails a check; every exchange is judged, and the first
failure is shown with the count of the others.
"""

from __future__ import annotations

from ..checks import ExchangeFailures, Judge
from ..recordings import Rejudged


def test_recorded(intercom_recorded: Rejudged, judge: Judge) -> None:
    failures: list[ExchangeFailures] = []
    for item in intercom_recorded.exchanges:
        try:
            judge(item.exchange, item.intent, expected=item.expected, operation=item.operation, checks=item.checks)
        except ExchangeFailures as failure:
            failures.append(failure)
    if failures:
        first = failures[0]
        if len(failures) > 1:  # read by the plugin's failure report (add_note is Python 3.11+)
            notes = [*getattr(first, "__notes__", []), f"and {len(failures) - 1} more exchange(s) failed"]
            setattr(first, "__notes__", notes)  # noqa: B010
        raise first
