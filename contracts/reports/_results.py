"""Check results of a run and the reports made of them: terminal table, Markdown, JSON."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..spec import _cache as cache

__all__ = ["CheckResult", "Results"]

OUTCOMES = ("passed", "failed", "skipped")
REPORT_FORMAT = 1  # the JSON report's layout; a reader refuses a later one (reports written before it said none: 1)


@dataclass(frozen=True)
class CheckResult:
    region: str
    version: str
    check: str
    outcome: str  # passed | failed | skipped
    test: str
    message: str = ""


class Results:
    """Every check result of a run (merged from xdist workers through their reports)."""

    def __init__(self) -> None:
        self.results: list[CheckResult] = []
        self.failures: list[dict[str, Any]] = []  # each failed check in detail: Received, Documented, curl, ...
        self.upgrade: dict[str, Any] | None = None  # set by an --intercom-upgrade-to run
        self.coverage: list[dict[str, Any]] | None = None  # set by an --intercom-usage run: answers met, never met
        self.run: dict[str, Any] = {"started": _now(), "finished": None, "interrupted": False}
        self.problems: list[str] = []  # what went wrong with the reports themselves, shown at the end

    def describe_run(self, **facts: Any) -> None:
        """What the run was: target, spec, versions, regions (shown at the top of the JSON report)."""
        self.run.update({key: list(value) if isinstance(value, tuple) else value for key, value in facts.items()})

    def finish(self, *, interrupted: bool, exit_status: int) -> None:
        self.run.update(finished=_now(), interrupted=interrupted, exit_status=exit_status)

    def add(self, result: CheckResult) -> None:
        self.results.append(result)

    def add_failure(self, failure: dict[str, Any]) -> None:
        self.failures.append(failure)

    def counts(self) -> dict[tuple[str, str, str], Counter[str]]:
        table: dict[tuple[str, str, str], Counter[str]] = {}
        for result in self.results:
            table.setdefault((result.region, result.version, result.check), Counter())[result.outcome] += 1
        return dict(sorted(table.items()))

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if r.outcome == "failed"]

    def _rows(self) -> list[list[str]]:
        return [
            [region, version, check, *(str(counter[o]) for o in OUTCOMES)]
            for (region, version, check), counter in self.counts().items()
        ]

    def text_table(self) -> str:
        header = ["region", "version", "check", *OUTCOMES]
        rows = self._rows()
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        lines = [
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            for row in [header, *rows]
        ]
        return "\n".join(lines)

    def skip_reasons(self) -> dict[str, list[str]]:
        """Why checks were skipped: each reason with the checks it kept from running (shown without -rs)."""
        reasons: dict[str, set[str]] = {}
        for result in self.results:
            if result.outcome == "skipped" and result.message:
                reasons.setdefault(result.message, set()).add(result.check)
        return {reason: sorted(checks) for reason, checks in sorted(reasons.items())}

    def skip_text(self) -> str:
        lines = ["skipped, and why:"]
        for reason, checks in self.skip_reasons().items():
            shown = ", ".join(checks[:4]) + (f" and {len(checks) - 4} more" if len(checks) > 4 else "")
            lines.append(f"  {reason}  ({shown})")
        return "\n".join(lines)

    def markdown_table(self) -> str:
        lines = ["| region | version | check | passed | failed | skipped |", "|---|---|---|---:|---:|---:|"]
        for region, version, check, passed, failed, skipped in self._rows():
            mark = " ❌" if failed != "0" else ""
            lines.append(f"| {region} | {version} | {check}{mark} | {passed} | {failed} | {skipped} |")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        totals = Counter(result.outcome for result in self.results)
        payload: dict[str, Any] = {
            "format": REPORT_FORMAT,
            "run": self.run,
            "summary": {outcome: totals[outcome] for outcome in OUTCOMES},
            "results": [asdict(result) for result in self.results],
            "failures": self.failures,
        }
        if self.upgrade is not None:
            payload["upgrade"] = self.upgrade
        if self.coverage is not None:
            payload["coverage"] = self.coverage
        return payload

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> Results:
        """The results a JSON report holds (`to_json`'s output): what `intercom-contracts merge` joins."""
        results = cls()
        results.run = dict(payload["run"])
        results.results = [CheckResult(**row) for row in payload["results"]]
        results.failures = [dict(failure) for failure in payload["failures"]]
        results.upgrade = payload.get("upgrade")
        results.coverage = payload.get("coverage")
        return results

    def write_html(self, path: str | Path) -> None:
        from ._html import run_page

        write_atomically(Path(path), run_page(self))

    def write_json(self, path: str | Path) -> None:
        write_atomically(Path(path), json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never half of one; a report is
    shared like any file the user writes."""
    cache.write_atomically(path, text.encode("utf-8"), shared=True)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
