"""The upgrade check of a run: the suite ran for the current version and for V; what differs between the two."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..errors import IntercomContractsError
from ..reports import Results
from ..spec import CREATE_MESSAGE, IDENTIFY_ADMIN, Contracts
from ._diff import diff

__all__ = ["differing_checks", "render_text", "upgrade_report"]


def upgrade_report(results: Results, contracts: Contracts, old: str, new: str) -> dict[str, Any]:
    """The checks whose outcome differs between `old` and `new`, and the documented changes between them."""
    return {
        "from": old,
        "to": new,
        "differing_checks": differing_checks(results, old, new),
        **_changes(contracts, old, new),
    }


def _verdict(outcomes: list[str]) -> str | None:
    if not outcomes:
        return None  # not judged (its test failed on another check first)
    return "failed" if "failed" in outcomes else "passed" if "passed" in outcomes else "skipped"


def differing_checks(results: Results, old: str, new: str) -> list[dict[str, str]]:
    """The region x check whose verdict on `old` differs from that on `new` (a split run: over the merged results)."""
    verdicts: dict[tuple[str, str], dict[str, list[str]]] = {}
    for result in results.results:
        if result.version in (old, new):
            verdicts.setdefault((result.region, result.check), {}).setdefault(result.version, []).append(result.outcome)
    differing = []
    for (region, check), by_version in sorted(verdicts.items()):
        before, after = _verdict(by_version.get(old, [])), _verdict(by_version.get(new, []))
        if before is not None and after is not None and before != after:
            differing.append({"region": region, "check": check, "from": before, "to": after})
    return differing


def _changes(contracts: Contracts, old: str, new: str) -> dict[str, Any]:
    """What the descriptions of the two versions say changes (one description for both: nothing to compare)."""
    try:
        before, after = contracts.spec_for(old), contracts.spec_for(new)
        if before is after:
            return {
                "changes": [],
                "not_compared": [],
                "note": f"{contracts.source} judges both versions; compare the published descriptions with "
                f"`intercom-contracts diff official:{old} official:{new}`",
            }
        result = diff(before, after, operations=[CREATE_MESSAGE, IDENTIFY_ADMIN], errata=contracts.errata)
    except IntercomContractsError as error:
        return {"changes": [], "not_compared": [], "note": f"the descriptions could not be compared: {error}"}
    return {"changes": [asdict(c) for c in result.changes], "not_compared": result.not_compared, "note": ""}


def render_text(report: dict[str, Any]) -> str:
    lines = [f"upgrade {report['from']} -> {report['to']}:"]
    for change in report["changes"]:
        mark = "BREAKING" if change["breaking"] else "ok"
        lines.append(f"  {mark} {change['operation']} {change['where']} {change['pointer'] or '/'}: {change['kind']}")
    if report.get("note"):
        lines.append(f"  {report['note']}")
    if report["differing_checks"]:
        lines.append("  checks whose outcome differs:")
        lines += [f"    {d['region']} {d['check']}: {d['from']} -> {d['to']}" for d in report["differing_checks"]]
    else:
        lines.append("  every check has the same outcome on both versions")
    return "\n".join(lines)
