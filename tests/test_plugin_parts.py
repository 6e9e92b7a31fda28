"""The plugin's parts at unit level (contracts/pytest/): the xdist payload, reports turned into check results,
failures described, the session-end writers and settings resolution. tests/test_plugin.py proves the wiring."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.checks import CheckContext, CheckFailure, ExchangeFailures, Intent
from contracts.errors import UsageError
from contracts.exchange import Exchange
from contracts.live import TransportFailure
from contracts.pytest import outcomes, writers
from contracts.pytest.state import PluginState
from contracts.pytest.xdist import PROPERTY, Payload
from contracts.reports import Results
from contracts.run import RunSettings

PROPERTIES = [("region", "us"), ("version", "2.11"), ("check", "auth_required,me_region")]


def _report(when: str = "call", outcome: str = "passed", properties: Any = (), longrepr: Any = None) -> Any:
    return pytest.TestReport(
        "t.py::test_x", ("t.py", 1, "test_x"), {}, outcome, longrepr, when, user_properties=list(properties)
    )


def _exchange(token: str = "secret") -> Exchange:
    return Exchange(
        "us", "2.11", "GET", "https://api.intercom.io/me", {"Authorization": f"Bearer {token}"}, None, 200, {}, b"{}"
    )


def _failure(check: str, contract: Any = None) -> CheckFailure:
    context = CheckContext(contract, "us", "2.11", Intent.NO_TOKEN)  # type: ignore[arg-type]
    return CheckFailure(check, context, _exchange(), problem=f"{check} broke", received="200", documented="401")


# -- the payload a report carries to the controller ------------------------------------------------------------------
@settings(max_examples=30, deadline=None)
@given(
    verdicts=st.none() | st.dictionaries(st.text(max_size=8), st.sampled_from(["passed", "failed"]), max_size=3),
    har=st.lists(st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2), max_size=2),
)
def test_a_payload_survives_the_trip_and_leaves_the_report(verdicts: dict[str, str] | None, har: list[Any]) -> None:
    report = _report(properties=[("region", "us")])
    sent = Payload(verdicts=verdicts, failures=[{"check": "x", "problem": "é"}], har=har)
    sent.attach(report)
    assert json.loads(json.dumps(report.user_properties))  # what xdist serializes
    assert Payload.take(report) == sent
    assert report.user_properties == [("region", "us")]  # nothing of ours left for JUnit XML
    assert not Payload.take(report)


def test_an_empty_payload_adds_nothing() -> None:
    report = _report()
    Payload().attach(report)
    assert report.user_properties == []
    assert PROPERTY not in dict(report.user_properties)


# -- reports turned into check results -------------------------------------------------------------------------------
def test_declared_checks_get_their_verdicts_and_failures_their_details() -> None:
    results = Results()
    failure = {"check": "me_region", "problem": "wrong region", "region": None, "version": "2.12"}
    payload = Payload(verdicts={"auth_required": "passed", "me_region": "failed"}, failures=[failure])
    outcomes.collect(results, _report(outcome="failed", properties=PROPERTIES), payload)
    rows = {(r.check, r.outcome, r.message) for r in results.results}
    assert rows == {("auth_required", "passed", ""), ("me_region", "failed", "[me_region] wrong region")}
    (detail,) = results.failures
    assert (detail["test"], detail["region"], detail["version"]) == ("t.py::test_x", "us", "2.12")


def test_a_check_that_never_applied_has_no_row_and_an_undeclared_failure_has_one() -> None:
    results = Results()
    payload = Payload(verdicts={"auth_required": "passed"}, failures=[{"check": "transport", "problem": "refused"}])
    outcomes.collect(results, _report(outcome="failed", properties=PROPERTIES), payload)
    assert {(r.check, r.outcome) for r in results.results} == {("auth_required", "passed"), ("transport", "failed")}


def test_a_failure_that_is_not_a_check_is_an_error_row() -> None:
    results = Results()
    report = _report(outcome="failed", properties=PROPERTIES, longrepr="AssertionError: boom\nmore")
    outcomes.collect(results, report, Payload(verdicts={}))
    assert [(r.check, r.outcome, r.message) for r in results.results] == [("error", "failed", "AssertionError: boom")]


def test_a_skip_skips_every_declared_check_with_its_reason() -> None:
    results = Results()
    report = _report(outcome="skipped", properties=PROPERTIES, longrepr=("t.py", 1, "Skipped: needs ids"))
    outcomes.collect(results, report, Payload())
    assert {(r.check, r.outcome, r.message) for r in results.results} == {
        ("auth_required", "skipped", "needs ids"),
        ("me_region", "skipped", "needs ids"),
    }


@pytest.mark.parametrize(("when", "outcome"), [("setup", "passed"), ("teardown", "failed")])
def test_only_the_final_phase_counts(when: str, outcome: str) -> None:
    results = Results()
    outcomes.collect(results, _report(when, outcome, PROPERTIES), Payload(verdicts={"auth_required": "passed"}))
    assert results.results == []


def test_a_test_without_declared_checks_gives_no_row() -> None:
    results = Results()
    outcomes.collect(results, _report(outcome="failed"), Payload())
    assert results.results == []


# -- failures described ----------------------------------------------------------------------------------------------
class _Item:
    def __init__(self) -> None:
        self.user_properties: list[tuple[str, object]] = []


def test_an_exchanges_failures_are_shown_as_written_and_detailed_each(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "secret")
    item, report = _Item(), _report(outcome="failed")
    group = ExchangeFailures([_failure("auth_required"), _failure("me_region")])
    details = outcomes.describe_failure(item, report, group)  # type: ignore[arg-type]
    assert [d["check"] for d in details] == ["auth_required", "me_region"]
    assert str(report.longrepr) == str(group)
    assert str(report.longrepr).count("Reproduce: curl") == 1
    assert "secret" not in json.dumps(details)
    assert item.user_properties == [("failed_check", "auth_required"), ("failed_check", "me_region")]
    assert ("failed_check", "me_region") in report.user_properties


def test_failures_grouped_with_others_are_found_and_the_others_still_shown() -> None:
    report = _report(outcome="failed", longrepr="pytest's own")
    error = ExceptionGroup(
        "hypothesis found 3 distinct failures",
        [AssertionError("PLAIN"), ExchangeFailures([_failure("auth_required")]), _failure("me_region")],
    )
    error.exceptions[1].add_note("@reproduce_failure('6.0', b'AA')")
    details = outcomes.describe_failure(_Item(), report, error)  # type: ignore[arg-type]
    assert [(d["check"], bool(d["reproduce"])) for d in details] == [("auth_required", True), ("me_region", False)]
    assert report.longrepr == "pytest's own"  # not every failure is ours: pytest's report shows them all


def test_a_transport_failure_is_a_failed_transport_check() -> None:
    failure = TransportFailure(region="eu", version=None, method="GET", url="https://x/me", cause="refused")
    report = _report(outcome="failed")
    (detail,) = outcomes.describe_failure(_Item(), report, failure)  # type: ignore[arg-type]
    assert (detail["check"], detail["received"], detail["documented"]) == ("transport", "refused", "an answer")
    assert str(report.longrepr).startswith("region eu, version default: GET https://x/me: refused")


def test_a_failure_of_someone_else_is_left_alone() -> None:
    report = _report(outcome="failed", longrepr="theirs")
    assert outcomes.describe_failure(_Item(), report, ValueError("x")) == []  # type: ignore[arg-type]
    assert report.longrepr == "theirs"


def test_a_report_keeps_no_token_of_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "tok-" + os.urandom(6).hex())
    token = os.environ["INTERCOM_ACCESS_TOKEN"]
    report = _report(outcome="failed", longrepr=f"sent {token}")
    report.sections = [("Captured stdout call", f"Bearer {token}")]
    outcomes.redact_report(report)
    assert token not in str(report.longrepr)
    assert token not in report.sections[0][1]


# -- the session-end writers -----------------------------------------------------------------------------------------
def _run(**settings: Any) -> PluginState:
    lookup = {name.replace("_", "-"): value for name, value in settings.items()}.get
    return PluginState(RunSettings.resolve(lookup), run_id="r", results=Results())


def test_the_step_summary_gets_the_markdown_table_after_what_it_held(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from contracts.reports import CheckResult

    summary = tmp_path / "summary.md"
    summary.write_text("earlier content\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run = _run()
    run.results.add(CheckResult("us", "2.11", "message_echoes_request", "passed", "t"))
    run.results.add(CheckResult("us", "2.11", "me_region", "skipped", "t", "needs ids"))
    writers._write_step_summary(run)
    text = summary.read_text()
    assert text.startswith("earlier content\n## Intercom contract checks\n")
    assert "| region | version | check | passed | failed | skipped |" in text
    assert "| us | 2.11 | message_echoes_request | 1 | 0 | 0 |" in text
    assert "needs ids" in text


def test_no_step_summary_without_results(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    writers._write_step_summary(_run())
    assert not summary.exists()


# -- settings ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("given_settings", "message"),
    [
        ({"intercom-timeout": "soon"}, "--intercom-timeout: expected a number of seconds, got 'soon'"),
        ({"intercom-max-examples": "0"}, "--intercom-max-examples: expected a number >= 1, got 0"),
        ({"intercom-region": ["mars"]}, "--intercom-region: 'mars' is not one of us, eu, au"),
        (
            {"intercom-base-url": ["us=http://example.com"]},
            "--intercom-base-url: plain http:// is refused for example.com, which is not loopback",
        ),
        ({"intercom-base-url": ["mars=https://x"]}, "--intercom-base-url: expected REGION=URL"),
        ({"intercom-target": "live"}, "--intercom-target live needs an access token: set INTERCOM_ACCESS_TOKEN"),
        ({"intercom-admin-id": "bob"}, "--intercom-admin-id / INTERCOM_ADMIN_ID: expected an integer"),
    ],
)
def test_bad_values_are_usage_errors_naming_the_option(
    monkeypatch: pytest.MonkeyPatch, given_settings: dict[str, Any], message: str
) -> None:
    for name in list(os.environ):
        if name.startswith("INTERCOM_ACCESS_TOKEN"):
            monkeypatch.delenv(name)
    with pytest.raises(UsageError) as raised:
        RunSettings.resolve(given_settings.get)
    assert str(raised.value).startswith(message)


class _Config:
    """What `resolve_settings` reads of pytest's config: options, then ini keys."""

    def __init__(self, options: dict[str, Any], ini: dict[str, str]):
        self.options, self.ini = options, ini

    def getoption(self, dest: str) -> Any:
        return self.options.get(dest)

    def getini(self, dest: str) -> str:
        return self.ini.get(dest, "")


def test_precedence_is_command_line_then_ini_then_default() -> None:
    from contracts.pytest.options import resolve_settings

    config = _Config({"intercom_max_examples": "9"}, {"intercom_max_examples": "7", "intercom_timeout": "3"})
    resolved = resolve_settings(config)  # type: ignore[arg-type]
    assert (resolved.max_examples, resolved.timeout, resolved.max_live_messages, resolved.target) == (
        9,
        3.0,
        20,
        "mock",
    )


def test_ids_come_from_the_environment_when_no_option_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    from contracts.pytest.options import resolve_settings

    monkeypatch.setenv("INTERCOM_ADMIN_ID", "42")
    monkeypatch.setenv("INTERCOM_CONTACT_ID", "c-env")
    resolved = resolve_settings(_Config({"intercom_contact_id": "c-cli"}, {}))  # type: ignore[arg-type]
    assert (resolved.admin_id, resolved.contact_id) == (42, "c-cli")


def test_a_failure_of_ours_is_restored_after_another_plugin_rewrites_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """schemathesis's pytest_exception_interact rewrites the report of any exception group (ExchangeFailures is
    one): the failure is shown as written again; another report is only redacted again."""
    report = _report(outcome="failed")
    outcomes.describe_failure(_Item(), report, ExchangeFailures([_failure("auth_required")]))  # type: ignore[arg-type]
    outcomes.keep_shown(report)
    shown = report.longrepr
    report.longrepr = "| ExceptionGroup: rewritten"  # type: ignore[assignment]
    outcomes.restore_shown(report)
    assert report.longrepr is shown
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "tok-restored-0123")
    theirs = _report(outcome="failed", longrepr="rewritten with tok-restored-0123")
    outcomes.restore_shown(theirs)
    assert "tok-restored-0123" not in str(theirs.longrepr)


def test_live_regions_default_to_those_with_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("INTERCOM_ACCESS_TOKEN"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_EU", "tok-eu-only")
    assert RunSettings.resolve({"intercom-target": "live"}.get).regions == ("eu",)
    with pytest.raises(UsageError) as raised:
        RunSettings.resolve({"intercom-target": "live", "intercom-region": ["au"]}.get)
    assert str(raised.value) == "--intercom-region au: no access token for au; set INTERCOM_ACCESS_TOKEN_AU"


@pytest.mark.parametrize(("target", "expected"), [("live", 7), ("mock", 20)])
def test_a_split_live_run_takes_its_groups_share_of_the_cap(target: str, expected: int) -> None:
    from types import SimpleNamespace

    from contracts.pytest.state import _split_share
    from contracts.run import RunSettings

    options = {"splits": 3, "group": 1}
    config = SimpleNamespace(getoption=lambda name, default=None: options.get(name, default))
    settings = RunSettings(target=target, max_live_messages=20)
    shared, shares = _split_share(config, settings)  # type: ignore[arg-type]
    assert shared.max_live_messages == expected  # 20 over 3 jobs: 7, 7, 6
    assert shares == ({"cap": 20, "share": 7, "group": 1, "groups": 3} if target == "live" else None)
