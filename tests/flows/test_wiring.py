"""`--intercom-flows` wired: the suite runs the flows on the fake (a planted fault fails them, readably, reported by
invariant), skips them without the flag, and live without --intercom-allow-writes or the write ledger."""

from __future__ import annotations

import json
import os

import pytest

from contracts.mock import FakeIntercom, FakeSettings, MockServer
from contracts.run import IntercomRun

SUITE = ("--pyargs", "contracts.suite", "-p", "no:cacheprovider", "-k", "stateful_flows", "-rs")


def test_the_run_passes_the_flows_on_the_fake_and_skips_them_without_the_flag(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(*SUITE, "--intercom-flows", "--intercom-version", "2.7", "--intercom-version", "2.16")
    result.assert_outcomes(passed=2, skipped=4, deselected=72)  # the fake's flows run in one region
    result.stdout.fnmatch_lines(["*the fake's regions share one workspace model: its flows run in us*"])
    off = pytester.runpytest(*SUITE)
    off.assert_outcomes(skipped=1, deselected=36)
    off.stdout.fnmatch_lines(["*the stateful flows run with --intercom-flows*"])


def test_a_planted_fault_fails_the_flows_naming_the_invariant(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_CONTRACTS_FAKE_FAULTS", "deleted-still-listed")
    report = pytester.path / "report.json"
    result = pytester.runpytest(*SUITE, "--intercom-flows", "--intercom-region", "eu", "--intercom-report", str(report))
    result.assert_outcomes(failed=1, deselected=12)
    result.stdout.fnmatch_lines(
        [
            "[[]lists_hold_created_not_deleted[]] ListContacts (GET /contacts), region eu, Intercom-Version 2.11: "
            "what the flow deleted or detached is still listed: *",
            "  Received: *",
            '  Documented: "none of it listed"',
            "  After the steps: *create_contact(*), delete_contact(*)",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    failures = json.loads(report.read_text())["failures"]
    assert [(f["check"], f["region"], f["version"]) for f in failures] == [
        ("lists_hold_created_not_deleted", "eu", "2.11")
    ]


@pytest.mark.parametrize(
    ("flags", "reason"),
    [
        ((), "live flows write: they run with --intercom-allow-writes as well as --intercom-flows"),
        (("--intercom-allow-writes",), "live flows need the write ledger"),
    ],
)
def test_live_flows_are_skipped_without_writes_or_the_ledger(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, flags: tuple[str, ...], reason: str
) -> None:
    if "ledger" in reason and hasattr(IntercomRun, "ledger"):
        pytest.skip("the write ledger is wired: live flows run (proved by the live flows' own tests)")
    token = f"tok-us-{os.urandom(6).hex()}"
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_US", token)
    fake = FakeIntercom(settings=FakeSettings(tokens={"us": token}))
    with MockServer(fake) as server:
        result = pytester.runpytest(
            *SUITE,
            "--intercom-target",
            "live",
            "--intercom-base-url",
            f"us={server.base_urls['us']}",
            "--intercom-flows",
            *flags,
        )
    result.assert_outcomes(skipped=1, deselected=12)
    result.stdout.fnmatch_lines([f"*{reason}*"])
    assert not [e for e in fake.exchanges if e.request.method != "GET"]  # nothing written
