"""Reports people look at: one self-contained HTML file (no CDN, no script from elsewhere, no network).

`run_page(results)`: the run (target, spec, versions, regions, timing), the check x region x version matrix in colour,
and every failure expandable with Received, Documented, the redacted curl line and hypothesis's reproduction.
`diff_page(diff)`: the changes between two descriptions, breaking ones first, grouped by kind, each group expandable.
Everything shown is escaped; tokens were redacted before anything reached the results.
"""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..analysis import SpecDiff
    from ._results import Results

__all__ = ["diff_page", "run_page"]

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d2430;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.meta{color:#5a6372;margin:0 0 1rem}.meta dt{font-weight:600;display:inline}
.meta dd{display:inline;margin:0 1.2rem 0 .3rem}
.totals span{display:inline-block;padding:.3rem .7rem;border-radius:.4rem;margin-right:.5rem;font-weight:600}
.passed{background:#dcf5e3;color:#0f5c2b}.failed{background:#fde0e0;color:#8c1111}.skipped{background:#eceff3;color:#4a5263}
.breaking{background:#fde0e0;color:#8c1111}.harmless{background:#dcf5e3;color:#0f5c2b}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #d5dae1;padding:.3rem .55rem;text-align:left}
th{background:#f4f6f9}td.cell{text-align:center;min-width:4.5rem}
details{border:1px solid #d5dae1;border-radius:.4rem;margin:.4rem 0;padding:.2rem .7rem}
details[open]{background:#fbfcfd}summary{cursor:pointer;font-weight:600;padding:.25rem 0}
pre{white-space:pre-wrap;word-break:break-word;background:#f4f6f9;padding:.5rem;border-radius:.3rem;font-size:.82rem}
.legend{color:#5a6372;font-size:.85rem}.legend span{padding:0 .35rem;border-radius:.3rem}
.label{color:#5a6372;font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;margin:.4rem 0 0}
"""


def _page(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>",
            *body,
            "</body></html>",
        ]
    )


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def run_page(results: Results) -> str:
    """The HTML report of a run."""
    run = results.run
    totals = Counter(result.outcome for result in results.results)
    failures = results.failures
    body = [
        "<h1>Intercom contract checks</h1>",
        '<dl class="meta">'
        + "".join(
            f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>"
            for label, value in (
                ("target", run.get("target")),
                ("spec", run.get("spec")),
                ("versions", ", ".join(run.get("versions") or [])),
                ("regions", ", ".join(run.get("regions") or [])),
                ("started", run.get("started")),
                ("finished", run.get("finished") or "not finished"),
            )
        )
        + ("<dt>interrupted</dt><dd>yes: the run was cut</dd>" if run.get("interrupted") else "")
        + "</dl>",
        '<p class="totals">'
        f'<span class="failed">failed <span id="failure-count">{len(failures)}</span></span>'
        f'<span class="passed">passed <span id="passed-count">{totals["passed"]}</span></span>'
        f'<span class="skipped">skipped <span id="skipped-count">{totals["skipped"]}</span></span></p>',
        "<h2>Checks by region and version</h2>",
        _matrix(results),
        f'<h2 id="failures">Failures ({len(failures)})</h2>',
    ]
    if not failures:
        body.append("<p>No check failed.</p>")
    for failure in failures:
        problem = f"[{failure.get('check')}] region {failure.get('region')}, version {failure.get('version')}: " + str(
            failure.get("problem", "")
        )
        body.append('<details class="failure">')
        body.append(f"<summary>{_e(problem)}</summary>")
        for label, key in (
            ("Received", "received"),
            ("Documented", "documented"),
            ("Reproduce", "curl"),
            ("Hypothesis", "reproduce"),
            ("Test", "test"),
        ):
            if failure.get(key):
                body.append(f'<p class="label">{label}</p><pre>{_e(failure[key])}</pre>')
        body.append("</details>")
    skipped = sorted({(r.check, r.message) for r in results.results if r.outcome == "skipped" and r.message})
    if skipped:
        body.append(f"<h2>Skipped, and why ({len(skipped)})</h2><ul>")
        body += [f"<li><b>{_e(check)}</b>: {_e(message)}</li>" for check, message in skipped]
        body.append("</ul>")
    body += _flows(run.get("flows"))
    return _page("Intercom contract checks", body)


def _flows(flows: Any) -> list[str]:
    """A live flows run's records: each one created, and whether it was deleted or left (and why)."""
    if not isinstance(flows, dict):
        return []
    records = [record for record in flows.get("records") or [] if isinstance(record, dict)]
    shown = [
        f'<h2 id="flows">Records the live flows created ({len(records)})</h2>',
        f"<p>marker {_e(flows.get('marker'))}: {_e(flows.get('writes'))} of {_e(flows.get('max_live_writes'))} "
        "writes</p>",
    ]
    if not records:
        return [*shown, "<p>None.</p>"]
    shown.append("<table><tr><th>kind</th><th>id</th><th>region</th><th>version</th><th>state</th></tr>")
    for record in records:
        state = str(record.get("state", "left")) + (f": {record['reason']}" if record.get("reason") else "")
        cells = (record.get("kind"), record.get("id"), record.get("region"), record.get("version"), state)
        shown.append("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in cells) + "</tr>")
    return [*shown, "</table>"]


def _matrix(results: Results) -> str:
    columns = sorted({(r.region, r.version) for r in results.results})
    counts = results.counts()
    checks = sorted({check for (_, _, check) in counts})
    head = (
        "<tr><th>check</th>" + "".join(f"<th>{_e(region)} {_e(version)}</th>" for region, version in columns) + "</tr>"
    )
    rows = []
    for check in checks:
        cells = []
        for region, version in columns:
            counter = counts.get((region, version, check))
            if not counter:
                cells.append('<td class="cell"></td>')
                continue
            outcome = "failed" if counter["failed"] else "passed" if counter["passed"] else "skipped"
            shown = "<br>".join(f"{counter[o]} {o}" for o in ("failed", "passed", "skipped") if counter[o])
            title = f"passed {counter['passed']}, failed {counter['failed']}, skipped {counter['skipped']}"
            cells.append(f'<td class="cell {outcome}" title="{_e(title)}">{shown}</td>')
        rows.append(f"<tr><th>{_e(check)}</th>{''.join(cells)}</tr>")
    legend = (
        '<p class="legend">Each cell counts the results of a check in one region and version (a result per test '
        'that declares the check): <span class="failed">failed</span> <span class="passed">passed</span> '
        '<span class="skipped">skipped</span>; its colour is the worst of them.</p>'
    )
    return f'{legend}<table class="matrix">{head}{"".join(rows)}</table>'


def diff_page(result: SpecDiff) -> str:
    """The HTML page of an upgrade check: what changes from one description to the other."""
    body = [
        f"<h1>API changes {_e(result.old)} → {_e(result.new)}</h1>",
        '<p class="totals">'
        f'<span class="breaking">breaking <span id="breaking-count">{len(result.breaking)}</span></span>'
        f'<span class="harmless">other <span id="other-count">{len(result.changes) - len(result.breaking)}</span>'
        "</span></p>",
    ]
    for breaking, title in ((True, "Breaking for a client"), (False, "Non-breaking")):
        groups = result.groups(breaking=breaking)
        if not groups:
            continue
        body.append(f"<h2>{title}</h2>")
        for kind, changes in groups.items():
            css = "breaking" if breaking else "harmless"
            body.append(f'<details class="group {css}"><summary>{_e(kind)} ({len(changes)})</summary><table>')
            body.append("<tr><th>operation</th><th>where</th><th>pointer</th><th>old</th><th>new</th></tr>")
            for change in changes:
                cells = [change.operation, change.where, change.pointer or "/", change.old, change.new]
                body.append('<tr class="change">' + "".join(f"<td>{_e(cell)}</td>" for cell in cells) + "</tr>")
            body.append("</table></details>")
    if result.not_compared:
        body.append("<h2>Not compared</h2><ul>" + "".join(f"<li>{_e(n)}</li>" for n in result.not_compared) + "</ul>")
    return _page(f"API changes {result.old} → {result.new}", body)
