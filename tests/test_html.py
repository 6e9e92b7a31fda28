"""The HTML reports, rendered in a real browser: headless Chromium (Debian's `chromium`), skipped where it is absent."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from contracts.analysis import diff
from contracts.reports import CheckResult, Results
from contracts.reports._html import diff_page, run_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags of a browser that must not reach the network (this machine has none): no background services, no updates.
QUIET = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium(*arguments: str) -> str:
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it)")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, *QUIET, f"--user-data-dir={profile}", *arguments],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    return done.stdout


def _failing_results() -> Results:
    results = Results()
    results.describe_run(target="live", spec="bundled", versions=("2.11", "2.14"), regions=("us", "eu"))
    for region in ("us", "eu"):
        results.add(CheckResult(region, "2.11", "message_schema", "passed", "t::a"))
        results.add(CheckResult(region, "2.14", "message_schema", "failed", "t::b", "[message_schema] ..."))
        results.add(CheckResult(region, "2.14", "rate_limit_headers", "skipped", "t::c", "live: not provoked"))
        results.add_failure(
            {
                "test": "t::b",
                "region": region,
                "version": "2.14",
                "check": "message_schema",
                "problem": "Message at $.id: 1016 is not of type 'string' <script>alert(1)</script>",
                "received": "1016",
                "documented": '{"type": "string"}',
                "curl": "curl -X POST https://api.intercom.io/messages -H 'Authorization: Bearer [redacted]'",
                "reproduce": "@reproduce_failure('6.170.17', b'AA==')",
            }
        )
    results.finish(interrupted=False, exit_status=1)
    return results


def test_the_run_report_shows_its_failures_in_the_browser(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(run_page(_failing_results()))
    dom = _chromium("--dump-dom", page.as_uri())
    assert len(re.findall(r'<details class="failure"', dom)) == 2
    assert re.search(r'<span id="failure-count">2</span>', dom)
    assert "<script>alert(1)</script>" not in dom  # everything shown is escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert dom.count('class="cell failed"') == 2
    assert dom.count('class="cell passed"') == 2
    assert dom.count(">1 failed</td>") == 2
    shot = tmp_path / "report.png"
    _chromium(f"--screenshot={shot}", "--window-size=1280,1400", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


def test_each_matrix_cell_says_what_its_numbers_count() -> None:
    results = _failing_results()
    results.add(CheckResult("us", "2.14", "message_schema", "passed", "t::d"))
    page = run_page(results)
    assert '<td class="cell failed" title="passed 1, failed 1, skipped 0">1 failed<br>1 passed</td>' in page
    assert '<td class="cell skipped" title="passed 0, failed 0, skipped 1">1 skipped</td>' in page
    assert not re.search(r">\w+ \d+/\d+/\d+<", page)  # no bare "passed 4/0/0"
    assert "Each cell counts the results of a check in one region and version" in page


def test_the_page_needs_nothing_from_the_network() -> None:
    text = run_page(_failing_results()) + diff_page(diff("official:2.13", "official:2.14"))
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert "<script" not in text.replace("&lt;script", "")


def test_the_diff_page_counts_the_breaking_changes_in_the_browser(tmp_path: Path) -> None:
    result = diff("official:2.15", "official:2.16", operations=["createMessage"])
    page = tmp_path / "diff.html"
    page.write_text(diff_page(result))
    dom = _chromium("--dump-dom", page.as_uri())
    assert re.search(rf'<span id="breaking-count">{len(result.breaking)}</span>', dom)
    assert len(re.findall(r'<tr class="change">', dom)) == len(result.changes)


def test_the_run_writes_the_html_report(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_FAKE_FAULTS", "body-not-echoed")
    page = pytester.path / "report.html"
    pytester.runpytest(
        "--pyargs",
        "contracts.suite",
        "-p",
        "no:cacheprovider",
        "--intercom-region",
        "eu",
        "-k",
        "valid_messages",
        "--intercom-report-html",
        str(page),
        "--intercom-max-examples",
        "5",
    )
    text = page.read_text()
    assert '<span id="failure-count">1</span>' in text
    assert "[message_echoes_request] region eu, version 2.11: the Message does not echo body" in text
