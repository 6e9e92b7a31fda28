"""A test's outcome as the toolkit reports it: its failures shown as written, redacted, turned into check results."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import pytest

from .._redaction import environment_secrets, scrub_lines
from ..reports import bound_drawn_case
from .state import state
from .xdist import Payload

if TYPE_CHECKING:
    from ..reports import Results


def describe_failure(item: pytest.Item, report: pytest.TestReport, error: BaseException) -> list[dict[str, Any]]:
    """A failure of ours is shown as written (no traceback) and returned in detail for the reports.

    Hypothesis groups the distinct failures it found, and a judged exchange groups the checks it failed: both are
    exception groups, split here into the failures of ours (a check's, an exchange's, the transport's) and the rest.
    """
    from ..checks import CheckFailure
    from ..flows import FlowFailure
    from ..live import TransportFailure

    ours, others = _split(error, (CheckFailure, FlowFailure, TransportFailure))
    if not ours:
        return []
    shown, details = [], []
    config = getattr(item, "config", None)
    errata_off = config is not None and not state(config).settings.errata
    for failure in ours:
        # hypothesis's note of the drawn case is shortened: the Reproduce curl line carries the whole request
        notes = [bound_drawn_case(str(note)) for note in getattr(failure, "__notes__", [])]
        reproduce = "\n".join(note for note in notes if note.strip())
        if isinstance(failure, TransportFailure):
            found = [
                {"check": "transport", "problem": str(failure), "received": failure.cause, "documented": "an answer"}
            ]
        else:
            found = failure.as_dicts()
        explained = _errata_notes(found) if errata_off else []
        shown.append("\n".join([str(failure), *explained, *notes]).rstrip())
        details += [{**detail, "reproduce": reproduce, **_erratum_detail(explained)} for detail in found]
    if not others:  # every failure is ours: shown as written; else pytest's report shows them all
        report.longrepr = FailureRepr("\n\n".join(shown))  # type: ignore[assignment]
    secrets = environment_secrets()
    for detail in details:
        for key, value in detail.items():  # what a server echoed may hold a token in any form: never in a report
            if isinstance(value, str):
                detail[key] = scrub_lines(value, secrets)
        item.user_properties.append(("failed_check", detail["check"]))
        report.user_properties.append(("failed_check", detail["check"]))
    return details


def _errata_notes(found: list[dict[str, Any]]) -> list[str]:
    """Under --intercom-errata off, the errata that would have corrected what these failures were judged by."""
    from ..reports import errata_note, explaining_errata
    from ..spec import known_errata

    errata = known_errata()
    return list(dict.fromkeys(line for detail in found for line in errata_note(explaining_errata(detail, errata))))


def _erratum_detail(explained: list[str]) -> dict[str, str]:
    return {"errata": "\n".join(explained)} if explained else {}


def _split(error: BaseException, kinds: tuple[type[BaseException], ...]) -> tuple[list[Any], bool]:
    """The failures of ours in `error` (an exchange's group kept whole), and whether anything else failed."""
    from ..checks import ExchangeFailures

    if isinstance(error, (*kinds, ExchangeFailures)):
        return [error], False
    if not isinstance(error, BaseExceptionGroup):
        return [], True
    ours, rest = error.split(lambda member: isinstance(member, (*kinds, ExchangeFailures)))
    return (list(ours.exceptions) if ours is not None else []), rest is not None


class _Crash:
    def __init__(self, message: str):
        self.message = message


class FailureRepr:
    """A failure shown as the toolkit wrote it: no traceback; its first line in summaries."""

    def __init__(self, text: str):
        self.text = text
        self.reprcrash = _Crash(text.splitlines()[0] if text else "")

    def toterminal(self, out: Any) -> None:
        for line in self.text.splitlines():
            out.line(line)

    def __str__(self) -> str:
        return self.text


_SHOWN: weakref.WeakKeyDictionary[pytest.TestReport, FailureRepr] = weakref.WeakKeyDictionary()


def keep_shown(report: pytest.TestReport) -> None:
    """Remember a failure shown as the toolkit wrote it, to restore it (see `restore_shown`)."""
    if isinstance(report.longrepr, FailureRepr):
        _SHOWN[report] = report.longrepr


def restore_shown(report: pytest.TestReport) -> None:
    """After other plugins' `pytest_exception_interact`: schemathesis's rewrites the report of any exception group
    (deduplicating its members by where they were raised: every check failure is raised in one place). A failure of
    ours is shown as written again; whatever else is there is redacted again."""
    shown = _SHOWN.pop(report, None)
    if shown is not None:
        report.longrepr = shown  # type: ignore[assignment]
    else:
        redact_report(report)


def redact_report(report: pytest.TestReport) -> None:
    """The safety net: no token from the environment survives in a report, whatever produced it."""
    secrets = environment_secrets()
    if not secrets:
        return
    if report.longrepr is not None:
        text = str(report.longrepr)
        cleaned = scrub_lines(text, secrets)
        if cleaned != text:
            report.longrepr = FailureRepr(cleaned)  # type: ignore[assignment]
    report.sections = [(title, scrub_lines(content, secrets)) for title, content in report.sections]


def collect(results: Results, report: pytest.TestReport, payload: Payload) -> None:
    """A test's report as check results: one per declared check, and the failures in detail."""
    properties = dict(report.user_properties)
    final = report.when == "call" or (report.when == "setup" and not report.passed)
    if "check" not in properties or not final:
        return
    from ..reports import CheckResult

    declared = str(properties["check"]).split(",")
    region, version = str(properties["region"]), str(properties["version"])
    suffix = str(properties.get("operation") or "")

    def add(check: str, outcome: str, message: str = "") -> None:
        results.add(CheckResult(region, version, check + suffix, outcome, report.nodeid, message))

    if report.skipped:
        reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
        for check in declared:
            add(check, "skipped", reason.removeprefix("Skipped: "))
        return
    verdicts, failures = payload.verdicts or {}, payload.failures
    problems = {failure["check"]: failure for failure in failures}
    for check in declared:
        if check in verdicts:
            failure = problems.get(check)
            message = f"[{check}] {failure['problem']}" if failure else ""
            add(check, "failed" if failure or verdicts[check] == "failed" else verdicts[check], message)
    for failure in failures:
        if failure["check"] not in declared:
            add(failure["check"], "failed", str(failure["problem"]))
    if report.failed and not failures:
        first = str(report.longrepr).splitlines()[0] if report.longrepr else ""
        add("error", "failed", first)
    for failure in failures:
        # The exchange's region and version where it names them, the test's where it does not (the default).
        results.add_failure(
            {
                **failure,
                "test": report.nodeid,
                "region": failure.get("region") or region,
                "version": failure.get("version") or version,
            }
        )
