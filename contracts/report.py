"""Check results of a run and the reports made of them: terminal table, Markdown, JSON."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["CheckResult", "Results"]

OUTCOMES = ("passed", "failed", "skipped")


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
        self.upgrade: dict[str, Any] | None = None  # set by an --intercom-upgrade-to run

    def add(self, result: CheckResult) -> None:
        self.results.append(result)

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

    def markdown_table(self) -> str:
        lines = ["| region | version | check | passed | failed | skipped |", "|---|---|---|---:|---:|---:|"]
        for region, version, check, passed, failed, skipped in self._rows():
            mark = " ❌" if failed != "0" else ""
            lines.append(f"| {region} | {version} | {check}{mark} | {passed} | {failed} | {skipped} |")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        totals = Counter(result.outcome for result in self.results)
        payload: dict[str, Any] = {
            "summary": {outcome: totals[outcome] for outcome in OUTCOMES},
            "results": [asdict(result) for result in self.results],
        }
        if self.upgrade is not None:
            payload["upgrade"] = self.upgrade
        return payload

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
