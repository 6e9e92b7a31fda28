"""Breadth: schemathesis's cases through our transport and checks; errata; live safety."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts import UsageError, load_spec
from contracts.run import plan, select_operations
from contracts.spec import Operation

pytest.importorskip("schemathesis", reason="breadth needs schemathesis (the fuzz extra)")

SUITE = ("--pyargs", "contracts.suite", "-p", "no:cacheprovider", "-k", "schemathesis_cases")
BOTH = ("--intercom-operations", "createMessage,identifyAdmin", "--intercom-region", "us")


def _failed_checks(report: Path) -> set[str]:
    return {r["check"] for r in json.loads(report.read_text())["results"] if r["outcome"] == "failed"}


def test_bundled_contract_passes_for_both_operations(pytester: pytest.Pytester) -> None:
    report = pytester.path / "report.json"
    pytester.runpytest(*SUITE, *BOTH, "--intercom-report", str(report)).assert_outcomes(passed=2, deselected=12)
    checks = {r["check"] for r in json.loads(report.read_text())["results"]}
    assert {"no_server_error[createMessage]", "no_server_error[identifyAdmin]"} <= checks


def test_official_2_11_passes_with_errata_and_fails_without_naming_the_contradictions(
    pytester: pytest.Pytester,
) -> None:
    spec = ("--intercom-spec", "official:2.11")
    pytester.runpytest(*SUITE, *BOTH, *spec).assert_outcomes(passed=2, deselected=12)
    result = pytester.runpytest(*SUITE, *BOTH, *spec, "--intercom-errata", "off")
    # identifyAdmin's only contradictions are a 400 and a 401 it does not list: Intercom's error vocabulary (a bad
    # version, a missing token), answered by every operation, no breach; createMessage's schema contradicts itself.
    result.assert_outcomes(failed=1, passed=1, deselected=12)
    result.stdout.fnmatch_lines(["FAILED *test_schemathesis_cases*createMessage*"])
    text = result.stdout.str()
    assert "Response violates schema" in text or "Undocumented status code" in text
    assert "request_id" in text or "'subject' is a required property" in text or "conversation_id" in text


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("message-without-id", "Response violates schema"),
        ("server-error", "Server error"),
        ("html-errors", "Content-Type"),
        ("request-id-mismatch", "request_id_matches"),
    ],
)
def test_faults_of_the_fake_are_caught_on_this_path(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, fault: str, words: str
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_FAKE_FAULTS", fault)
    report = pytester.path / "report.json"
    result = pytester.runpytest(*SUITE, "--intercom-region", "us", "--intercom-report", str(report))
    result.assert_outcomes(failed=1, deselected=12)
    assert words in result.stdout.str() or any(words in check for check in _failed_checks(report))


def _operation(method: str, operation_id: str = "op") -> Operation:
    return Operation(operation_id, method, "/x", "#/paths/~1x/" + method, {})


def test_live_safety_plan() -> None:
    assert plan(_operation("delete"), live=False, allow_writes=True, has_ids=True) == "DELETE is never sent"
    assert plan(_operation("delete"), live=True, allow_writes=True, has_ids=True) == "DELETE is never sent"
    assert plan(_operation("get"), live=True, allow_writes=False, has_ids=False) == ("positive", "negative")
    assert plan(_operation("put"), live=True, allow_writes=False, has_ids=True) == (
        "PUT is sent only with --intercom-allow-writes"
    )
    assert plan(_operation("options"), live=True, allow_writes=True, has_ids=True) == (
        "OPTIONS is never sent by a live run"
    )
    assert plan(_operation("post"), live=True, allow_writes=False, has_ids=True) == ("negative",)
    assert plan(_operation("put"), live=True, allow_writes=True, has_ids=True) == ("positive", "negative")
    assert plan(_operation("post", "createMessage"), live=True, allow_writes=False, has_ids=False) == ("negative",)
    assert plan(_operation("post", "createMessage"), live=True, allow_writes=False, has_ids=True) == (
        "positive",
        "negative",
    )


def test_operations_are_chosen_by_id_tag_or_all() -> None:
    spec = load_spec("official:2.11")
    assert [op.operation_id for op in select_operations(spec, ("createMessage",))] == ["createMessage"]
    assert "identifyAdmin" in {op.operation_id for op in select_operations(spec, ("Admins",))}
    assert len(select_operations(spec, ("all",))) == len(spec.operations())
    with pytest.raises(UsageError, match="--intercom-operations: nope is neither an operationId nor a tag"):
        select_operations(spec, ("nope",))


def test_deletes_are_skipped_with_the_reason(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(
        *SUITE,
        "--intercom-spec",
        "official:2.11",
        "--intercom-region",
        "us",
        "--intercom-operations",
        "deleteArticle",
    )
    result.assert_outcomes(skipped=1, deselected=12)
    result.stdout.fnmatch_lines(["skipped, and why:", "*DELETE is never sent*"])  # without -rs: our own summary


def test_an_unknown_operation_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*SUITE, "--intercom-operations", "nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["ERROR: --intercom-operations: nope is neither an operationId nor a tag of official:2.11"]
    )


def test_operations_the_fake_once_disagreed_on_pass_breadth(pytester: pytest.Pytester) -> None:
    """A bad version or invalid JSON (400), a missing resource (404) where an operation does not list them; a
    negative case the contract accepts (0.0 is an integer); a nullable oneOf; 202 without a body; a %3F in a path."""
    operations = "listAdmins,setAwayAdmin,createPhoneSwitch,searchTickets,createDataEvent,ArchiveContact"
    result = pytester.runpytest(
        *SUITE, "--intercom-region", "us", "--intercom-operations", operations, "--intercom-max-examples", "30"
    )
    result.assert_outcomes(passed=6, deselected=12)


def test_a_negative_version_header_naming_a_served_version_is_not_an_invalid_request() -> None:
    from types import SimpleNamespace

    from contracts.run import names_another_version
    from contracts.spec import Contracts

    served = Contracts().documented

    def case(version: str, *, negative_at: str = "header") -> object:
        meta = SimpleNamespace(
            generation=SimpleNamespace(mode=SimpleNamespace(value="negative")),
            is_negative_at=lambda location: location == negative_at,
        )
        return SimpleNamespace(_meta=meta, headers={"Intercom-Version": version})

    # 2.10's enum stops at 2.10: schemathesis mutates the header to 2.11, a version Intercom serves (and judges by
    # its own description), so the request is no invalid 2.10 request.
    assert names_another_version(case("2.11"), served)
    assert not names_another_version(case("9.99"), served)  # not served: an invalid request indeed
    assert not names_another_version(case("2.11", negative_at="body"), served)
