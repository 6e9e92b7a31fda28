"""The plugin and the built-in suite, run with pytester: verdicts, faults, options, reports and secrecy."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

SUITE = ("--pyargs", "contracts.suite", "-p", "no:cacheprovider")


def _report(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def test_the_suite_passes_against_the_fake_for_all_regions(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """One run of the whole suite proves the wiring of every report: terminal table, JSON, JUnit XML, step summary
    (what each writes is proved at unit level in tests/test_plugin_parts.py)."""
    report, xml, summary = pytester.path / "report.json", pytester.path / "junit.xml", tmp_path / "summary.md"
    summary.write_text("earlier content\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = pytester.runpytest(*SUITE, "--intercom-report", str(report), "--junitxml", str(xml))
    result.assert_outcomes(passed=36, skipped=1)
    result.stdout.fnmatch_lines(["*intercom contract checks*", "region*version*check*passed*failed*skipped"])
    results = _report(report)["results"]
    assert {r["region"] for r in results} == {"us", "eu", "au"}
    assert {r["version"] for r in results} == {"2.11"}
    assert {r["outcome"] for r in results} == {"passed"}
    assert {"message_echoes_request", "invalid_request_rejected", "auth_required", "me_region"} <= {
        r["check"] for r in results
    }
    properties = [
        {p.get("name"): p.get("value") for p in case.iter("property")} for case in ET.parse(xml).iter("testcase")
    ]
    judged = [p for p in properties if p]  # the flows, off, declare no check
    assert len(properties) - len(judged) == 1
    assert all(p["region"] in ("us", "eu", "au") and p["version"] == "2.11" and p["check"] for p in judged)
    assert any("message_echoes_request" in p["check"].split(",") for p in judged)
    assert not any(name.startswith("intercom_") for p in properties for name in p)  # the payload is no property
    text = summary.read_text()
    assert text.startswith("earlier content\n## Intercom contract checks\n")
    assert "| au | 2.11 | message_echoes_request | 1 | 0 | 0 |" in text


def test_every_published_version_is_judged_by_its_own_contract_in_one_run(pytester: pytest.Pytester) -> None:
    report = pytester.path / "report.json"
    result = pytester.runpytest(
        *SUITE,
        "--intercom-version",
        "all",
        "--intercom-region",
        "us",
        "--intercom-max-examples",
        "5",
        "--intercom-report",
        str(report),
    )
    result.assert_outcomes(passed=12 * 11, skipped=1)
    payload = _report(report)
    assert payload["run"]["versions"] == [
        "2.7",
        "2.8",
        "2.9",
        "2.10",
        "2.11",
        "2.12",
        "2.13",
        "2.14",
        "2.15",
        "2.16",
        "Preview",
    ]
    assert {r["version"] for r in payload["results"]} == set(payload["run"]["versions"])


def test_three_broken_promises_show_together_in_terminal_junit_and_json(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_FAKE_FAULTS", "no-rate-limit-headers,body-not-echoed,message-id-integer")
    report, junit = pytester.path / "report.json", pytester.path / "junit.xml"
    result = pytester.runpytest(
        *SUITE,
        "--intercom-region",
        "us",
        "-k",
        "valid_messages",
        "--intercom-report",
        str(report),
        "--junitxml",
        str(junit),
        "--intercom-max-examples",
        "5",
    )
    result.assert_outcomes(failed=1, deselected=12)
    three = {"rate_limit_headers", "message_echoes_request", "message_schema"}
    text = result.stdout.str()
    for check in three:
        assert f"[{check}] region us, version 2.11: " in text
    assert text.count("  Reproduce: curl") == 1
    payload = _report(report)
    assert {f["check"] for f in payload["failures"]} == three
    assert all(f["received"] and f["documented"] and "Bearer [redacted]" in f["curl"] for f in payload["failures"])
    assert any("@reproduce_failure" in f["reproduce"] for f in payload["failures"])
    assert {r["check"] for r in payload["results"] if r["outcome"] == "failed"} == three
    assert {r["check"] for r in payload["results"] if r["outcome"] == "passed"} >= {
        "no_server_error",
        "json_content_type",
    }
    assert payload["run"]["target"] == "mock"
    assert payload["run"]["regions"] == ["us"]
    assert payload["run"]["finished"]
    (case,) = ET.parse(junit).iter("testcase")
    failed = {p.get("value") for p in case.iter("property") if p.get("name") == "failed_check"}
    assert failed == three


def test_a_failure_names_region_version_check_curl_and_received_vs_documented(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_FAKE_FAULTS", "message-id-integer")
    result = pytester.runpytest(*SUITE, "--intercom-region", "eu", "-k", "valid_messages")
    result.assert_outcomes(failed=1, deselected=12)
    result.stdout.fnmatch_lines(
        [
            "[[]message_schema[]] region eu, version 2.11: Message at $.id: * is not of type 'string'",
            "  Received: *",
            '  Documented: {"type": "string"}',
            "  Reproduce: curl -X POST https://api.eu.intercom.io/messages*-H 'Authorization: Bearer [[]redacted[]]'*",
            "Failing test case: created(",
        ]
    )
    assert result.stdout.str().count("Failing test case") == 1


def test_help_lists_every_option_in_the_intercom_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "intercom-contracts: contract testing of the Intercom REST API:",
            "*--intercom-target={mock,live}*",
            "*--intercom-spec=SOURCE*",
            "*--intercom-version=V*",
            "*--intercom-base-url=REGION=URL*",
            "*--intercom-max-live-messages=N*",
            "*--intercom-errata={on,off}*",
            "*--intercom-allow-writes*",
        ]
    )
    result.stdout.fnmatch_lines(["*intercom_max_examples (string):*"])


def test_a_bad_value_is_a_usage_error_naming_the_option(pytester: pytest.Pytester) -> None:
    """Each bad value's message is proved at unit level (tests/test_plugin_parts.py); this, that pytest shows it."""
    result = pytester.runpytest(*SUITE, "--intercom-spec", "official:banana")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --intercom-spec: spec official:banana: unknown official*"])


def test_fixtures_for_user_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_contract(intercom_contract, intercom_spec, intercom_version):
            assert intercom_contract.version == intercom_version == intercom_spec.version == "2.11"

        def test_client(intercom_client, intercom_region):
            assert intercom_client.request("GET", "/me").json["app"]["region"] == intercom_region.upper()

        def test_mock(intercom_mock):
            assert httpx.get("https://api.intercom.io/me", headers={"Authorization": "Bearer x"}).status_code == 200
        """
    )
    pytester.runpytest().assert_outcomes(passed=1 + 3 + 1)


def test_live_marker_is_skipped_with_the_reason_on_the_mock(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.intercom_live
        def test_live():
            pass
        """
    )
    result = pytester.runpytest("-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*intercom_live: needs --intercom-target live*"])


def test_xdist_gives_the_same_verdicts_and_one_report(pytester: pytest.Pytester) -> None:
    serial, parallel = pytester.path / "serial.json", pytester.path / "parallel.json"
    # The same draws in both: the same rows. One region: the payload's trip is the same for all three.
    few = ("--intercom-region", "us", "--intercom-max-examples", "10", "--hypothesis-seed", "0")
    pytester.runpytest(*SUITE, *few, "--intercom-report", str(serial)).assert_outcomes(passed=12, skipped=1)
    pytester.runpytest_subprocess(*SUITE, *few, "-n", "2", "--intercom-report", str(parallel)).assert_outcomes(
        passed=12, skipped=1
    )

    def verdicts(path: Path) -> list[tuple[str, ...]]:
        return sorted(
            (r["region"], r["version"], r["check"], r["outcome"], r["test"]) for r in _report(path)["results"]
        )

    assert verdicts(serial) == verdicts(parallel)


GROUPED = """
import pytest
from hypothesis import given, settings, strategies as st

from contracts.checks._registry import Intent


@pytest.mark.intercom_checks("auth_required")
def test_default_version(intercom_client, judge):
    judge(intercom_client.request("GET", "/me", version=None), Intent.NO_TOKEN)  # sent with a token: not refused


@pytest.mark.intercom_checks("auth_required")
def test_two_bugs(intercom_client, judge):
    @settings(max_examples=50, database=None)
    @given(st.integers(0, 10))
    def inner(n):
        if n <= 5:
            assert n < 5, "PLAIN ASSERTION FAILED"
        judge(intercom_client.request("GET", "/me"), Intent.NO_TOKEN)

    inner()
"""


def test_every_failure_of_a_group_is_reported_and_the_default_version_is_named(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_grouped=GROUPED)
    report = pytester.path / "report.json"
    result = pytester.runpytest("-p", "no:cacheprovider", "--intercom-region", "us", "--intercom-report", str(report))
    result.assert_outcomes(failed=2)
    payload = _report(report)
    by_test = {f["test"].split("::")[-1].split("[")[0]: f for f in payload["failures"]}
    assert by_test["test_two_bugs"]["check"] == "auth_required"  # found though hypothesis grouped it with an assert
    assert by_test["test_default_version"]["version"] == "2.11"  # the default the request was judged by, not None
    assert "PLAIN ASSERTION FAILED" in result.stdout.str()  # the failure that is not ours is still shown
