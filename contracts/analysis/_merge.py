"""One report from a matrix split across CI jobs: `intercom-contracts merge REPORT.json...`.

Each job writes its JSON report (`--intercom-report`); the merged report is the one a single job running the whole
matrix would have written: every check result, every failure, the union of regions and versions, one summary.
Reports that cannot be joined (other targets or spec sources, a later format, one given twice, a file that is not a
report) are refused before anything is written.

The contract coverage of the jobs' usage profiles (`--intercom-usage`) is joined too: an answer any job met is met.

Live runs split by pytest-split share one message cap: `live_message_share` gives each group its part (the parts
sum to the cap exactly), each group's report states it (`run.live_messages`), and the merged report states the
messages sent in all. Each job's live flows (`run.flows`) are joined too: every record any job created.
"""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..regions import REGIONS
from ..reports import OUTCOMES, REPORT_FORMAT, CheckResult, Results, write_atomically
from ..spec import version_key

__all__ = ["Merged", "live_message_share", "merge_reports", "read_report", "split_group", "step_summary"]

_REQUIRED_KEYS = ("run", "summary", "results", "failures")
_SAME_ACROSS_JOBS = ("target", "spec")  # what makes two jobs parts of one matrix


@dataclass(frozen=True)
class Report:
    path: str
    payload: dict[str, Any]
    digest: str


@dataclass
class Merged:
    results: Results

    @property
    def failed(self) -> bool:
        return bool(self.results.failed or self.results.failures)

    def to_json(self) -> dict[str, Any]:
        return self.results.to_json()

    def write(self, *, report: str | None, report_html: str | None, junitxml: str | None) -> None:
        if report:
            self.results.write_json(report)
        if report_html:
            self.results.write_html(report_html)
        if junitxml:
            write_atomically(Path(junitxml), junit_xml(self.results))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary and self.results.results:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(step_summary(self.results))


def read_report(path: str) -> Report:
    """A JSON report of a run (--intercom-report), or a UsageError saying what the file is instead."""
    try:
        data = Path(path).expanduser().read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file (a JSON report, written by --intercom-report)") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError):
        raise UsageError(f"{path}: not a report of intercom-contracts (it is not JSON)") from None
    missing = [key for key in _REQUIRED_KEYS if not isinstance(payload, dict) or key not in payload]
    if missing:
        raise UsageError(
            f"{path}: not a report of intercom-contracts (no {', '.join(missing)}); merge the files written by "
            "--intercom-report"
        )
    written = payload.get("format", 1)  # reports written before the field existed are format 1
    if not isinstance(written, int) or written > REPORT_FORMAT:
        raise UsageError(
            f"{path}: written by a newer intercom-contracts (report format {written}; this one reads up to "
            f"{REPORT_FORMAT}): merge with the version that wrote it, or upgrade"
        )
    try:
        Results.from_json(payload)
    except (TypeError, KeyError, AttributeError) as error:
        raise UsageError(f"{path}: not a report of intercom-contracts (a result cannot be read: {error})") from None
    return Report(path=path, payload=payload, digest=hashlib.sha256(data).hexdigest())


def merge_reports(paths: list[str]) -> Merged:
    """The report of the whole matrix from the reports of its jobs; UsageError when they cannot be joined."""
    if not paths:
        raise UsageError("give the JSON reports of the jobs to merge (--intercom-report of each)")
    reports = [read_report(path) for path in paths]
    _refuse_repeats(reports)
    _refuse_strangers(reports)
    _refuse_overlaps(reports)
    merged = Results()
    merged.run = _run(reports)
    for report in reports:
        part = Results.from_json(report.payload)
        merged.results += part.results
        merged.failures += part.failures
    merged.results.sort(key=_result_key)
    merged.failures.sort(key=_failure_key)
    merged.upgrade = _upgrade(reports, merged)
    merged.coverage = _coverage(reports)
    return Merged(merged)


def _refuse_repeats(reports: list[Report]) -> None:
    seen: dict[str, str] = {}
    for report in reports:
        for key in (f"path:{Path(report.path).expanduser().resolve()}", f"digest:{report.digest}"):
            if key in seen:
                raise UsageError(
                    f"{report.path} and {seen[key]} are the same report (given twice): each job's report once"
                )
            seen[key] = report.path


def _refuse_overlaps(reports: list[Report]) -> None:
    """The jobs of a split matrix each run their own tests: a test in two reports would count twice."""
    ran: dict[str, str] = {}
    for report in reports:
        for test in dict.fromkeys(str(row["test"]) for row in report.payload["results"]):
            if test in ran:
                raise UsageError(
                    f"{report.path} and {ran[test]} both ran {test}: the jobs of a split matrix each run their own "
                    "tests (a job run twice: merge its last report only)"
                )
            ran[test] = report.path


def _refuse_strangers(reports: list[Report]) -> None:
    first = reports[0]
    for report in reports[1:]:
        for fact in _SAME_ACROSS_JOBS:
            mine, theirs = first.payload["run"].get(fact), report.payload["run"].get(fact)
            if mine != theirs:
                raise UsageError(
                    f"{first.path} ran with {fact} {mine!r}, {report.path} with {theirs!r}: the reports of one "
                    f"matrix share their {' and '.join(_SAME_ACROSS_JOBS)}"
                )


def _run(reports: list[Report]) -> dict[str, Any]:
    runs = [report.payload["run"] for report in reports]
    finished = [run.get("finished") for run in runs]
    regions = {region for run in runs for region in run.get("regions") or []}
    versions = {version for run in runs for version in run.get("versions") or []}
    run: dict[str, Any] = {
        **{key: value for key, value in runs[0].items() if key not in ("live_messages", "flows")},
        "started": min(str(run.get("started")) for run in runs),
        "finished": None if None in finished else max(str(f) for f in finished),
        "interrupted": any(bool(run.get("interrupted")) for run in runs),
        "exit_status": max(int(run.get("exit_status") or 0) for run in runs),
        "regions": sorted(regions, key=_region_key),
        "versions": sorted(versions, key=version_key),
        "merged_from": len(reports),
    }
    live = [run["live_messages"] for run in runs if isinstance(run.get("live_messages"), dict)]
    if live:
        run["live_messages"] = {
            "cap": max(int(part.get("cap", 0)) for part in live),
            "shares": sum(int(part.get("share", part.get("cap", 0))) for part in live),
            "sent": sum(int(part.get("sent", 0)) for part in live),
        }
    flows = [run["flows"] for run in runs if isinstance(run.get("flows"), dict)]
    if flows:  # each job's live flows had their own marker and write cap: the records of all of them
        run["flows"] = {
            "marker": " ".join(dict.fromkeys(str(part.get("marker")) for part in flows)),
            "max_live_writes": sum(int(part.get("max_live_writes", 0)) for part in flows),
            "writes": sum(int(part.get("writes", 0)) for part in flows),
            "reversals": sum(int(part.get("reversals", 0)) for part in flows),
            "records": [record for part in flows for record in part.get("records") or []],
        }
    return run


def _upgrade(reports: list[Report], merged: Results) -> dict[str, Any] | None:
    """The upgrade check of a split run: the documented changes of any job, the differing checks over all results."""
    found = [report.payload["upgrade"] for report in reports if isinstance(report.payload.get("upgrade"), dict)]
    if not found:
        return None
    from ._upgrade import differing_checks

    first = found[0]
    return {**first, "differing_checks": differing_checks(merged, first["from"], first["to"])}


def _coverage(reports: list[Report]) -> list[dict[str, Any]] | None:
    """The contract coverage of the jobs' tests together: an answer met by any job is met, one never met by every job
    is never met (None when no job wrote a usage profile)."""
    found = [report.payload["coverage"] for report in reports if isinstance(report.payload.get("coverage"), list)]
    if not found:
        return None
    merged: dict[tuple[str, str], dict[str, set[str]]] = {}
    for coverage in found:
        for item in coverage:
            if not isinstance(item, dict):
                continue
            key = (str(item.get("operation", "")), str(item.get("version", "")))
            sets = merged.setdefault(key, {"met": set(), "documented": set(), "undocumented": set()})
            met, never = {str(s) for s in item.get("met") or ()}, {str(s) for s in item.get("never") or ()}
            sets["met"] |= met
            sets["documented"] |= met | never
            sets["undocumented"] |= {str(s) for s in item.get("undocumented") or ()}
    return [
        {
            "operation": operation,
            "version": version,
            "met": sorted(sets["met"]),
            "never": sorted(sets["documented"] - sets["met"]),
            "undocumented": sorted(sets["undocumented"]),
        }
        for (operation, version), sets in sorted(merged.items(), key=lambda item: (item[0][0], version_key(item[0][1])))
    ]


def _region_key(region: str) -> tuple[int, str]:
    order = list(REGIONS)
    return (order.index(region) if region in order else len(order), region)


def _result_key(result: CheckResult) -> tuple[Any, ...]:
    return (_region_key(result.region), version_key(result.version), result.test, result.check, result.outcome)


def _failure_key(failure: dict[str, Any]) -> tuple[Any, ...]:
    return (
        _region_key(str(failure.get("region", ""))),
        version_key(str(failure.get("version", ""))),
        str(failure.get("test", "")),
        str(failure.get("check", "")),
        json.dumps(failure, sort_keys=True, ensure_ascii=False),
    )


def step_summary(results: Results) -> str:
    """The Markdown a run appends to $GITHUB_STEP_SUMMARY: the table, why checks were skipped, the upgrade check."""
    text = "## Intercom contract checks\n\n" + results.markdown_table() + "\n"
    if results.skip_reasons():
        text += "\n```text\n" + results.skip_text() + "\n```\n"
    if results.upgrade is not None:
        from ._upgrade import render_text

        text += "\n```text\n" + render_text(results.upgrade) + "\n```\n"
    return text


def junit_xml(results: Results) -> str:
    """JUnit XML of the merged results: a testcase per test, its region, version, checks and failed checks."""
    by_test: dict[str, list[CheckResult]] = {}
    for result in results.results:
        by_test.setdefault(result.test, []).append(result)
    problems: dict[str, list[str]] = {}
    for failure in results.failures:
        problems.setdefault(str(failure.get("test", "")), []).append(
            f"[{failure.get('check')}] region {failure.get('region')}, version {failure.get('version')}: "
            f"{failure.get('problem', '')}"
        )
    totals = Counter(result.outcome for result in results.results)
    suite = ET.Element("testsuite", name="intercom-contracts", tests=str(len(by_test)))
    outcomes: Counter[str] = Counter()
    for test, rows in by_test.items():
        module, _, name = test.rpartition("::")
        case = ET.SubElement(suite, "testcase", classname=module.removesuffix(".py").replace("/", "."), name=name)
        properties = ET.SubElement(case, "properties")
        for key in ("region", "version"):
            ET.SubElement(properties, "property", name=key, value=getattr(rows[0], key))
        for check in dict.fromkeys(row.check for row in rows):
            ET.SubElement(properties, "property", name="check", value=check)
        failed = [row.check for row in rows if row.outcome == "failed"]
        for check in dict.fromkeys(failed):
            ET.SubElement(properties, "property", name="failed_check", value=check)
        if failed:
            element = ET.SubElement(case, "failure", message=f"failed: {', '.join(dict.fromkeys(failed))}")
            element.text = "\n".join(problems.get(test, []))
            outcomes["failed"] += 1
        elif all(row.outcome == "skipped" for row in rows):
            ET.SubElement(case, "skipped", message=next((row.message for row in rows if row.message), "skipped"))
            outcomes["skipped"] += 1
    suite.set("failures", str(outcomes["failed"]))
    suite.set("skipped", str(outcomes["skipped"]))
    suite.set("errors", "0")
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="check_results", value=_counts(totals))
    root = ET.Element("testsuites")
    root.append(suite)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _counts(totals: Counter[str]) -> str:
    return ", ".join(f"{totals[outcome]} {outcome}" for outcome in OUTCOMES)


def live_message_share(cap: int, group: int, groups: int) -> int:
    """Group `group`'s part (1-based, as pytest-split numbers them) of a live run's message cap split over
    `groups` jobs: the cap divided as evenly as whole messages allow, the first groups taking the remainder, so
    that the parts sum to the cap exactly."""
    if groups < 1 or not 1 <= group <= groups:
        raise UsageError(f"--group {group} is not one of --splits {groups} (1 to {groups})")
    if cap < 0:
        raise UsageError(f"--intercom-max-live-messages {cap} is negative")
    return cap // groups + (1 if group <= cap % groups else 0)


def split_group(splits: int | None, group: int | None) -> tuple[int, int] | None:
    """(group, groups) of a run under pytest-split (`--splits N --group G`), None when the run is not split."""
    if not splits or not group:
        return None
    return group, splits
