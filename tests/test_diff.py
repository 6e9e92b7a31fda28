"""diff: the known changes between consecutive official versions, classified for a client."""

from __future__ import annotations

import json
from typing import Any

import pytest

from contracts import load_spec
from contracts.analysis._diff import Change, SpecDiff, diff
from contracts.cli import main


def _diff(old: str, new: str, *, errata: bool = True) -> SpecDiff:
    return diff(
        load_spec(f"official:{old}", errata=errata),
        load_spec(f"official:{new}", errata=errata),
        operations=["createMessage"],
    )


def _find(result: SpecDiff, where: str, pointer: str, kind: str) -> Change:
    matches = [c for c in result.changes if (c.where, c.pointer, c.kind) == (where, pointer, kind)]
    assert matches, result.to_text()
    return matches[0]


def test_2_10_to_2_11_adds_created_at_and_widens_from_type() -> None:
    result = _diff("2.10", "2.11")
    created_at = _find(result, "request", "/properties/created_at", "optional field added")
    assert not created_at.breaking
    widened = _find(result, "request", "/properties/from/properties/type/enum", "enum values added")
    assert widened.new == ["lead", "user", "contact"]
    assert not widened.breaking


def test_message_subject_and_conversation_id_requiredness_changes_at_2_11() -> None:
    to_2_11 = _diff("2.10", "2.11", errata=False)
    assert not _find(to_2_11, "response 200", "/required", "subject made required").breaking
    _find(to_2_11, "response 200", "/required", "conversation_id made required")
    from_2_11 = _diff("2.11", "2.12", errata=False)
    made_optional = _find(from_2_11, "response 200", "/required", "subject made optional")
    assert made_optional.breaking  # a client reading `subject` may no longer find it
    _find(from_2_11, "response 200", "/required", "conversation_id made optional")


def test_2_13_to_2_14_lets_to_be_an_array_and_adds_cc_bcc() -> None:
    result = _diff("2.13", "2.14")
    widened = _find(result, "request", "/properties/to", "type widened")
    assert (widened.old, widened.new, widened.breaking) == (["object"], ["array", "object"], False)
    for name in ("cc", "bcc"):
        assert not _find(result, "request", f"/properties/{name}", "optional field added").breaking
    assert not result.breaking


def test_2_15_to_2_16_adds_a_whatsapp_branch() -> None:
    result = _diff("2.15", "2.16")
    branch = _find(result, "request", "/anyOf/2", "branch added")
    assert branch.new == "message_type: `whatsapp`."
    assert _find(result, "request", "/properties/message_type/enum", "enum values added").new == ["whatsapp"]


def test_2_14_wraps_create_contact_without_changing_its_fields() -> None:
    # 2.14's request is `oneOf: [create_contact_request]` (one choice is no choice) and its answer is
    # `allOf: [contact]` plus one property (the contact extended): neither removes a field the client uses.
    result = diff(load_spec("official:2.11"), load_spec("official:2.14"), operations=["CreateContact"])
    assert not [c for c in result.changes if c.where == "request"], result.to_text()
    removed = {c.pointer for c in result.changes if c.kind == "field removed"}
    assert "/properties/formatted_phone" in removed  # really gone from 2.14's contact
    assert not {"/properties/email", "/properties/id", "/allOf/0/properties/email"} & removed
    assert not _find(result, "response 200", "/properties/enabled_push_messaging", "optional field added").breaking
    assert _find(result, "response 200", "/allOf/0/properties/tags", "type widened").breaking


def test_a_spec_diffed_with_itself_is_empty_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    path = "official:2.11"
    assert diff(path, path).changes == []
    assert main(["diff", path, path]) == 0
    assert capsys.readouterr().out.strip().endswith("0 change(s), 0 breaking")


def test_breaking_changes_exit_1_and_markdown_is_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = "official:2.11", "official:2.12"
    assert main(["diff", old, new, "--operation", "createMessage", "--errata", "off", "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert "| | operation | where | pointer | change | old | new |" in out
    assert (
        "| ❌ breaking | `createMessage` | response 200 | `/required` | subject made optional | required | optional |"
        in out
    )


def test_json_format_and_operation_filter(capsys: pytest.CaptureFixture[str]) -> None:
    old, new = "official:2.15", "official:2.16"
    assert main(["diff", old, new, "--operation", "createMessage", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {c["operation"] for c in payload["changes"]} == {"createMessage"}
    assert payload["breaking"] == 0


def test_dangling_refs_elsewhere_do_not_matter() -> None:
    result = diff("official:2.10", "official:2.11")  # whole specs, dangling refs in both
    assert any(c.operation == "createMessage" for c in result.changes)
    assert all("createMessage" not in note for note in result.not_compared)


def test_an_unknown_operation_is_a_spec_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "bundled", "bundled", "--operation", "nope"]) == 2
    assert "has no operation 'nope'" in capsys.readouterr().err


SUITE = ("--pyargs", "contracts.suite", "-p", "no:cacheprovider")


def test_upgrade_to_lists_checks_whose_outcome_differs(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_FAKE_FAULTS", "refuse-preview")
    report = pytester.path / "report.json"
    result = pytester.runpytest(
        *SUITE, "--intercom-region", "eu", "--intercom-upgrade-to", "Preview", "--intercom-report", str(report)
    )
    result.stdout.fnmatch_lines(
        ["*intercom upgrade check*", "upgrade 2.11 -> Preview:", "    eu version_accepted: passed -> failed"]
    )
    upgrade = json.loads(report.read_text())["upgrade"]
    assert (upgrade["from"], upgrade["to"]) == ("2.11", "Preview")
    assert {"region": "eu", "check": "version_accepted", "from": "passed", "to": "failed"} in upgrade[
        "differing_checks"
    ]
    assert upgrade["changes"]  # each version judged by its own description: what changed between them is listed


def test_upgrade_to_runs_both_versions_offline_each_by_its_own_description(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, cache_dir: Any
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_OFFICIAL_URL", "http://127.0.0.1:9")  # nothing listens: offline
    report = pytester.path / "report.json"
    result = pytester.runpytest(
        *SUITE,
        "--intercom-region",
        "us",
        "--intercom-version",
        "2.13",
        "--intercom-upgrade-to",
        "2.14",
        "--intercom-report",
        str(report),
    )
    result.assert_outcomes(passed=24, skipped=1)
    upgrade = json.loads(report.read_text())["upgrade"]
    assert {"createMessage request /properties/to type widened"} <= {
        f"{c['operation']} {c['where']} {c['pointer']} {c['kind']}" for c in upgrade["changes"]
    }
    assert upgrade["differing_checks"] == []


def test_one_description_for_both_versions_says_there_is_nothing_to_compare(pytester: pytest.Pytester) -> None:
    report = pytester.path / "report.json"
    pytester.runpytest(
        *SUITE,
        "--intercom-region",
        "us",
        "--intercom-spec",
        "official:2.14",
        "--intercom-version",
        "2.13",
        "--intercom-upgrade-to",
        "2.14",
        "--intercom-report",
        str(report),
        "-k",
        "version",
    )
    upgrade = json.loads(report.read_text())["upgrade"]
    assert upgrade["changes"] == []
    assert "judges both versions" in upgrade["note"]


def test_upgrade_to_an_undocumented_version_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*SUITE, "--intercom-upgrade-to", "9.99")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: --intercom-upgrade-to 9.99: not among the versions bundled documents*"])


def test_the_readme_upgrade_example_shows_its_three_changes_in_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["diff", "official:2.13", "official:2.14", "--operation", "createMessage", "--format", "markdown"]
    assert main(arguments) == 0
    out = capsys.readouterr().out
    assert "3 change(s), **0 breaking**." in out
    assert "| ✅ non-breaking | optional field added | 2 | createMessage request /properties/bcc, " in out
    assert "| ✅ non-breaking | type widened | 1 | createMessage request /properties/to |" in out
    assert "Breaking changes:" not in out  # none break: no empty table
    assert main([*arguments, "--all"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ✅ |")]
    assert [row.split(" | ")[3] for row in rows] == ["`/properties/bcc`", "`/properties/cc`", "`/properties/to`"]


def test_every_change_lists_the_breaking_ones_first(capsys: pytest.CaptureFixture[str]) -> None:
    result = diff("official:2.11", "official:2.12", operations=["createMessage"], errata=False)
    assert [c.breaking for c in result.changes] != sorted((c.breaking for c in result.changes), reverse=True)
    marks = [line.split(" ", 1)[0] for line in result.to_text(every_change=True).splitlines()[:-1]]
    assert marks == sorted(marks, key=lambda mark: mark != "BREAKING")
    table = [line for line in result.to_markdown(every_change=True).splitlines() if line.startswith("| ❌")]
    assert len(table) == len(result.breaking)
    rows = result.to_markdown(every_change=True).split("|---|---|---|---|---|---|---|\n", 1)[1].splitlines()
    assert all(row.startswith("| ❌") for row in rows[: len(table)])


def test_the_summary_says_non_breaking_and_tells_its_examples_apart() -> None:
    result = diff("official:2.11", "official:2.12", operations=["createMessage"], errata=False)
    text = result.to_text(every_change=False)
    assert "breaking no client" not in text
    assert "non-breaking (3):" in text
    made_optional = next(line for line in text.splitlines() if "field made optional" in line)
    assert made_optional.endswith(
        "e.g. createMessage response 200 /properties/conversation_id, createMessage response 200 /properties/subject"
    )


def test_diff_help_describes_what_the_formats_print(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["diff", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "summary by kind (kind, count, example places), breaking kinds first" in help_text
    assert "--all text and markdown: list every change, breaking first" in help_text
