"""merge: the reports of a matrix split across CI jobs give the report of one job running the whole matrix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.analysis._merge import live_message_share
from contracts.cli import main

# A fault whose failures hold no drawn data (GET /me), so two runs of one matrix fail alike.
FAULT = "me-wrong-region"
SUITE = ("--pyargs", "contracts.suite", "-p", "no:cacheprovider", "-q", "-k", "test_access")
MATRIX = ("--intercom-version", "2.11", "--intercom-version", "2.14", "--intercom-max-examples", "2")
_WHOLE: dict[str, dict[str, Any]] = {}  # the unsplit run's report, made once a process


def _run(pytester: pytest.Pytester, name: str, *arguments: str) -> Path:
    report = pytester.path / f"{name}.json"
    pytester.runpytest(*SUITE, "--intercom-report", str(report), *arguments)
    assert report.is_file(), name
    return report


def _whole(pytester: pytest.Pytester) -> dict[str, Any]:
    if "report" not in _WHOLE:
        _WHOLE["report"] = json.loads(_run(pytester, "whole", *MATRIX).read_text())
    return _WHOLE["report"]


def _comparable(report: dict[str, Any]) -> dict[str, Any]:
    """What a merged report must share with the unsplit one (the order of rows is the order tests ran in)."""
    return {
        "results": sorted(report["results"], key=lambda row: json.dumps(row, sort_keys=True)),
        "failures": sorted(report["failures"], key=lambda row: json.dumps(row, sort_keys=True)),
        "summary": report["summary"],
        "regions": report["run"]["regions"],
        "versions": report["run"]["versions"],
    }


def _merged(pytester: pytest.Pytester, *reports: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    merged = pytester.path / "merged.json"
    assert main(["merge", *map(str, reports), "--report", str(merged)]) == 1  # the fault fails checks
    assert "merged 2 report(s): " in capsys.readouterr().out
    return dict(json.loads(merged.read_text()))


@pytest.fixture
def faulty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_FAKE_FAULTS", FAULT)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.mark.usefixtures("faulty")
def test_a_matrix_split_by_region_merges_into_the_unsplit_report(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _whole(pytester)
    us = _run(pytester, "us", *MATRIX, "--intercom-region", "us")
    rest = _run(pytester, "eu-au", *MATRIX, "--intercom-region", "eu", "--intercom-region", "au")
    merged = _merged(pytester, us, rest, capsys=capsys)
    assert whole["failures"]  # the comparison covers failures too
    assert _comparable(merged) == _comparable(whole)


@pytest.mark.usefixtures("faulty")
def test_a_matrix_split_by_version_merges_into_the_unsplit_report(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = _whole(pytester)
    old = _run(pytester, "v2.11", "--intercom-version", "2.11", "--intercom-max-examples", "2")
    new = _run(pytester, "v2.14", "--intercom-version", "2.14", "--intercom-max-examples", "2")
    assert _comparable(_merged(pytester, new, old, capsys=capsys)) == _comparable(whole)


@pytest.mark.usefixtures("faulty")
def test_a_matrix_split_by_pytest_split_groups_merges_into_the_unsplit_report(
    pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("pytest_split", reason="pip install 'intercom-contracts[ci]'")
    whole = _whole(pytester)
    durations = str(pytester.path / "no-durations-yet.json")  # none recorded: pytest-split splits by count
    groups = [
        _run(pytester, f"group{g}", *MATRIX, "--splits", "2", "--group", str(g), "--durations-path", durations)
        for g in (1, 2)
    ]
    sizes = [len(json.loads(group.read_text())["results"]) for group in groups]
    assert all(sizes)  # each group ran a part
    assert _comparable(_merged(pytester, *groups, capsys=capsys)) == _comparable(whole)


def _report(tmp_path: Path, test: str, file: str = "", **run: Any) -> Path:
    payload = {
        "format": 1,
        "run": {"target": "mock", "spec": "bundled", "regions": ["us"], "versions": ["2.11"], **run},
        "summary": {"passed": 1, "failed": 0, "skipped": 0},
        "results": [{"region": "us", "version": "2.11", "check": "auth_required", "outcome": "passed", "test": test}],
        "failures": [],
    }
    path = tmp_path / f"{file or test.rpartition('::')[2]}.json"
    path.write_text(json.dumps(payload))
    return path


def test_reports_that_all_passed_merge_with_exit_0_and_every_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    one, two = _report(tmp_path, "t.py::a[us-2.11]"), _report(tmp_path, "t.py::b[us-2.11]", started="2026-01-01")
    outputs = [tmp_path / "m.json", tmp_path / "m.html", tmp_path / "m.xml"]
    arguments = ["--report", str(outputs[0]), "--report-html", str(outputs[1]), "--junitxml", str(outputs[2])]
    assert main(["merge", str(one), str(two), *arguments]) == 0
    assert capsys.readouterr().out.endswith("merged 2 report(s): 0 failed, 2 passed, 0 skipped\n")
    merged = json.loads(outputs[0].read_text())
    assert merged["summary"] == {"passed": 2, "failed": 0, "skipped": 0}
    assert merged["run"]["started"] == "2026-01-01"
    assert "<!DOCTYPE html>" in outputs[1].read_text()
    assert outputs[2].read_text().count("<testcase ") == 2
    assert summary.read_text().startswith("## Intercom contract checks\n\n| region | version | check |")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("twice", "are the same report (given twice)"),
        ("copy", "are the same report (given twice)"),
        ("target", "ran with target 'mock', "),
        ("spec", "ran with spec 'bundled', "),
        ("newer", "written by a newer intercom-contracts (report format 2; this one reads up to 1)"),
        ("not-json", "not a report of intercom-contracts (it is not JSON)"),
        ("not-a-report", "not a report of intercom-contracts (no run, summary, results, failures)"),
        ("overlap", "both ran t.py::a[us-2.11]: the jobs of a split matrix each run their own tests"),
    ],
)
def test_reports_that_cannot_be_joined_exit_2_writing_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, message: str
) -> None:
    first = _report(tmp_path, "t.py::a[us-2.11]")
    second = {
        "twice": first,
        "copy": tmp_path / "copy.json",
        "target": _report(tmp_path, "t.py::b[us-2.11]", "live", target="live"),
        "spec": _report(tmp_path, "t.py::b[us-2.11]", "official", spec="official:2.14"),
        "newer": tmp_path / "newer.json",
        "not-json": tmp_path / "junit.xml",
        "not-a-report": tmp_path / "other.json",
        "overlap": _report(tmp_path, "t.py::a[us-2.11]", "rerun", started="later"),
    }[case]
    (tmp_path / "copy.json").write_bytes(first.read_bytes())
    (tmp_path / "newer.json").write_text(json.dumps({**json.loads(first.read_text()), "format": 2}))
    (tmp_path / "junit.xml").write_text("<testsuites/>")
    (tmp_path / "other.json").write_text('{"openapi": "3.0.0"}')
    output = tmp_path / "merged.json"
    assert main(["merge", str(first), str(second), "--report", str(output)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("intercom-contracts merge: error: ")
    assert message in captured.err
    assert captured.err.count("\n") == 1
    assert not output.exists()


@given(cap=st.integers(0, 500), groups=st.integers(1, 40))
def test_the_groups_shares_of_the_live_message_cap_sum_to_the_cap(cap: int, groups: int) -> None:
    shares = [live_message_share(cap, group, groups) for group in range(1, groups + 1)]
    assert sum(shares) == cap
    assert max(shares) - min(shares) <= 1


def test_the_merged_report_states_the_messages_sent_in_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = _report(tmp_path, "t.py::a[us-2.11]", target="live", live_messages={"cap": 20, "share": 10, "sent": 7})
    two = _report(tmp_path, "t.py::b[us-2.11]", target="live", live_messages={"cap": 20, "share": 10, "sent": 9})
    output = tmp_path / "merged.json"
    assert main(["merge", str(one), str(two), "--report", str(output)]) == 0
    assert "live messages: 16 sent in all (cap 20, shares 20)" in capsys.readouterr().out
    assert json.loads(output.read_text())["run"]["live_messages"] == {"cap": 20, "shares": 20, "sent": 16}


def test_the_merged_report_carries_the_contract_coverage_of_every_job(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def covered(met: list[str], never: list[str], *undocumented: str) -> list[dict[str, Any]]:
        return [
            {
                "operation": "createMessage",
                "version": "2.11",
                "met": met,
                "never": never,
                "undocumented": [*undocumented],
            }
        ]

    one = _report(tmp_path, "t.py::a[us-2.11]", file="one")
    two = _report(tmp_path, "t.py::b[us-2.11]", file="two")
    for path, coverage in [(one, covered(["200"], ["404", "429"])), (two, covered(["404"], ["200", "429"], "500"))]:
        path.write_text(json.dumps({**json.loads(path.read_text()), "coverage": coverage}))
    solo = {**covered([], [])[0], "operation": "listAdmins", "met": ["200"], "never": ["401"]}
    three = _report(tmp_path, "t.py::c[us-2.11]", file="three")
    three.write_text(json.dumps({**json.loads(three.read_text()), "coverage": [solo]}))
    output = tmp_path / "merged.json"
    assert main(["merge", str(one), str(two), str(three), "--report", str(output)]) == 0
    capsys.readouterr()
    assert json.loads(output.read_text())["coverage"] == [
        {
            "operation": "createMessage",
            "version": "2.11",
            "met": ["200", "404"],
            "never": ["429"],
            "undocumented": ["500"],
        },
        {"operation": "listAdmins", "version": "2.11", "met": ["200"], "never": ["401"], "undocumented": []},
    ]


def test_reports_without_usage_merge_without_coverage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one, two = _report(tmp_path, "t.py::a[us-2.11]"), _report(tmp_path, "t.py::b[us-2.11]")
    output = tmp_path / "merged.json"
    assert main(["merge", str(one), str(two), "--report", str(output)]) == 0
    capsys.readouterr()
    assert "coverage" not in json.loads(output.read_text())
