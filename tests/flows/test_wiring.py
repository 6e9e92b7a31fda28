"""`--intercom-flows` wired: the suite runs the flows on the fake (a planted fault fails them, readably, reported by
invariant), skips them without the flag, and live without --intercom-allow-writes or the write ledger."""

from __future__ import annotations

import json
import os

import pytest

from contracts.mock import DEFAULT_ADMIN_ID, FakeIntercom, FakeSettings, MockServer

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
    more = ("--intercom-max-examples", "400")  # 40 flows: one of them at least meets the fault
    result = pytester.runpytest(
        *SUITE, "--intercom-flows", "--intercom-region", "eu", *more, "--intercom-report", str(report)
    )
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


def _live_server(monkeypatch: pytest.MonkeyPatch) -> tuple[FakeIntercom, MockServer]:
    token = f"tok-us-{os.urandom(6).hex()}"
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN_US", token)
    monkeypatch.setenv("INTERCOM_ADMIN_ID", str(DEFAULT_ADMIN_ID))
    fake = FakeIntercom(settings=FakeSettings(tokens={"us": token}))
    return fake, MockServer(fake)


def test_live_flows_are_skipped_without_writes(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    fake, server = _live_server(monkeypatch)
    with server:
        live = ("--intercom-target", "live", "--intercom-base-url", f"us={server.base_urls['us']}")
        result = pytester.runpytest(*SUITE, *live, "--intercom-flows")
    result.assert_outcomes(skipped=1, deselected=12)
    result.stdout.fnmatch_lines(["*live flows write: they run with --intercom-allow-writes as well as*"])
    assert not [e for e in fake.exchanges if e.request.method != "GET"]  # nothing written


@pytest.mark.parametrize("version", ["2.11", "2.16"])
def test_live_flows_run_within_the_write_cap_and_undo_what_they_made(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, version: str
) -> None:
    fake, server = _live_server(monkeypatch)
    seeded = {(e["type"], e["id"]) for e in _records(fake)}
    report = pytester.path / "report.json"
    with server:
        live = ("--intercom-target", "live", "--intercom-base-url", f"us={server.base_urls['us']}")
        flags = ("--intercom-flows", "--intercom-allow-writes", "--intercom-max-live-writes", "6")
        chosen = ("--intercom-version", version, "--intercom-report", str(report))
        result = pytester.runpytest(*SUITE, *live, *flags, *chosen)
    result.assert_outcomes(passed=1, deselected=12)
    flows = json.loads(report.read_text())["run"]["flows"]
    assert 0 < flows["writes"] <= 6
    sent = [e for e in fake.exchanges if e.request.method != "GET" and not e.request.path.endswith("/search")]
    deletes = [e for e in sent if e.request.method == "DELETE"]
    assert len(sent) - len(deletes) == flows["writes"]  # every write counted, none beyond the cap
    deleted = {e.request.path.rsplit("/", 1)[-1] for e in deletes}
    for record in flows["records"]:  # what the run made is gone, or said left and why
        assert record["id"] in deleted if record["state"] == "deleted" else record.get("reason"), record
    assert deleted <= {record["id"] for record in flows["records"]}  # nothing it did not make
    assert seeded <= {(e["type"], e["id"]) for e in _records(fake)}


def _records(fake: FakeIntercom) -> list[dict[str, str]]:
    """The workspace's contacts, companies and tags (type and id)."""
    workspace = fake.workspace
    return [
        {"type": kind, "id": str(item["id"])} for kind in ("contact", "company", "tag") for item in workspace.all(kind)
    ]
