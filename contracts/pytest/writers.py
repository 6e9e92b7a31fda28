"""Everything written when the session ends, on the controller alone: the HAR file, the upgrade report, the JSON
and HTML reports, GitHub's step summary, and the terminal's sections."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest

from .._redaction import environment_secrets, scrub_lines
from ..errors import IntercomContractsError
from .state import PluginState, budget_path, contracts_of, ledger_path, state, versions_of

if TYPE_CHECKING:
    from ..reports import Coverage

_COMPLETED = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED)


def finish_session(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    run = state(config)
    budget_path(config).unlink(missing_ok=True)
    _clean_up_flows(session, run)
    results, settings = run.results, run.settings
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or bool(session.shouldstop)
    results.finish(interrupted=interrupted, exit_status=int(exitstatus))
    if run.versions is not None:
        results.describe_run(versions=run.versions)
    # -x / --maxfail: the tests after were never run; an internal error or a usage error: neither did they
    stopped = interrupted or bool(session.shouldfail) or exitstatus not in _COMPLETED
    _finish_recording(session, run, stopped=stopped)
    _write_usage(session, run)
    coverage = usage_coverage(config)
    if coverage is not None:
        results.coverage = [item.to_data() for item in coverage]
    if settings.upgrade_to and results.results:
        from ..analysis import upgrade_report

        current = versions_of(config)[0]
        results.upgrade = upgrade_report(results, contracts_of(config), current, settings.upgrade_to)
    for path, write in ((settings.report, results.write_json), (settings.report_html, results.write_html)):
        if not path:
            continue
        try:
            write(path)
        except OSError as error:
            results.problems.append(
                f"intercom-contracts: the report could not be written to {path}: {error.strerror or error}"
            )
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
    _write_step_summary(run)


def _clean_up_flows(session: pytest.Session, run: PluginState) -> None:
    """A live flows run: every record it created and did not delete is deleted now (by the controller, once every
    worker has ended; on an interrupt too), and the report lists them all, deleted or left and why. A ledger that is
    not as the run wrote it is neither trusted nor removed: nothing is deleted, and the run says so."""
    from ..live import LedgerUnreadable
    from ..run import IntercomRun, live_flows

    config = session.config
    path = ledger_path(config)
    if not live_flows(run.settings):
        path.unlink(missing_ok=True)  # the fake's flows read the marker from it
        return
    intercom = IntercomRun(
        run.settings,
        budget_path=budget_path(config),
        ledger_path=path,
        contracts=contracts_of(config),
        ledger_key=run.ledger_key,
    )
    try:
        try:
            intercom.cleanup()
        except KeyboardInterrupt:  # a second Ctrl-C: what is left is reported as left
            intercom.ledger.leave_the_rest("the cleanup was interrupted before its DELETE")
        except LedgerUnreadable:
            raise
        except IntercomContractsError as error:
            intercom.ledger.leave_the_rest(f"the cleanup could not run: {error}")
        finally:
            intercom.close()
        run.results.describe_run(flows=intercom.ledger.report())
    except LedgerUnreadable as unreadable:
        reason = scrub_lines(unreadable.reason, environment_secrets())  # it may quote a record the server named
        run.results.problems.append(f"intercom-contracts: live flows: {reason}")
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        return
    path.unlink(missing_ok=True)


def flows_summary(flows: dict[str, Any]) -> list[str]:
    """The terminal's lines on a live flows run's records: how many were deleted, and each one left and why."""
    records = flows.get("records") or []
    left = [record for record in records if record.get("state") != "deleted"]
    lines = [
        f"intercom-contracts: live flows ({flows.get('marker')}): {flows.get('writes')} of "
        f"{flows.get('max_live_writes')} writes; {len(records)} records created, {len(records) - len(left)} deleted, "
        f"{len(left)} left"
    ]
    for record in left:
        where = f"{record.get('region')}, version {record.get('version')}"
        lines.append(f"  left: {record.get('kind')} {record.get('id')} ({where}): {record.get('reason')}")
    return lines


def _finish_recording(session: pytest.Session, run: PluginState, *, stopped: bool) -> None:
    writer = run.har_writer
    if writer is None:
        return
    try:
        writer.finish(state="cut" if stopped else "complete")
    except OSError as error:
        run.results.problems.append(
            f"intercom-contracts: the recording could not be written to {writer.path}: {error.strerror or error}"
        )
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR


def add_usage(run: PluginState, data: dict[str, Any]) -> None:
    """A test's usage (from this process or an xdist worker) merged into the run's profile."""
    from ..reports import UsageProfile

    run.usage = run.usage or UsageProfile()
    run.usage.merge(UsageProfile.from_data(data))


def _write_usage(session: pytest.Session, run: PluginState) -> None:
    """--intercom-usage: the merged profile, written even when no test used intercom_mock (an empty profile says so)."""
    path = run.settings.usage
    if not path:
        return
    from pathlib import Path

    from ..reports import UsageProfile, write_atomically

    try:
        write_atomically(Path(path), (run.usage or UsageProfile()).to_json())
    except OSError as error:
        run.results.problems.append(
            f"intercom-contracts: the usage profile could not be written to {path}: {error.strerror or error}"
        )
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR


def usage_coverage(config: pytest.Config) -> list[Coverage] | None:
    """The contract coverage of the run's tests: per operation used, its documented answers met and never met."""
    run = state(config)
    if not run.usage:
        return None
    contracts = contracts_of(config)

    def documented(operation: str, version: str) -> list[str]:
        responses = contracts.spec_for(version).operation(operation).node.get("responses")
        return [str(status) for status in responses] if isinstance(responses, dict) else []

    return run.usage.coverage(documented)


def _write_step_summary(run: PluginState) -> None:
    """GitHub Actions: the table (and what was skipped, and the upgrade report) on the job's summary page."""
    summary, results = os.environ.get("GITHUB_STEP_SUMMARY"), run.results
    if not summary or not results.results:
        return
    with open(summary, "a", encoding="utf-8") as handle:
        handle.write("## Intercom contract checks\n\n" + results.markdown_table() + "\n")
        if results.skip_reasons():
            handle.write("\n```text\n" + results.skip_text() + "\n```\n")
        if results.upgrade is not None:
            from ..analysis import render_text

            handle.write("\n```text\n" + render_text(results.upgrade) + "\n```\n")


def terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    run = state(config)
    results = run.results
    if results.results:
        terminalreporter.section("intercom contract checks")
        terminalreporter.write_line(results.text_table())
        if results.skip_reasons():
            terminalreporter.write_line(results.skip_text())
    if run.recording is not None:
        terminalreporter.section("intercom recording")
        terminalreporter.write_line(recording_summary(run))
    coverage = usage_coverage(config)
    if coverage is not None:
        from ..reports import coverage_text

        terminalreporter.section("intercom contract coverage")
        terminalreporter.write_line(coverage_text(coverage))
    if run.settings.usage:
        terminalreporter.write_line(f"intercom-contracts: usage profile written to {run.settings.usage}")
    writer = run.har_writer
    if writer is not None:
        terminalreporter.write_line(f"intercom-contracts: {len(writer.entries)} exchanges recorded to {writer.path}")
    flows = results.run.get("flows")
    if isinstance(flows, dict):
        for line in flows_summary(flows):
            terminalreporter.write_line(line)
    for problem in results.problems:
        terminalreporter.write_line(problem, red=True)
    if results.upgrade is not None:
        from ..analysis import render_text

        terminalreporter.section("intercom upgrade check")
        terminalreporter.write_line(render_text(results.upgrade))


def recording_summary(run: PluginState) -> str:
    """What was judged of the recording, and what could not be."""
    recording = run.recording
    assert recording is not None
    items = run.rejudged or []
    made = (
        f"recorded {recording.run.get('started', '?')} against {recording.run.get('target', '?')}, "
        f"{'complete' if recording.complete else 'cut before it completed'}"
        if recording.ours
        else "another tool's recording: each answer judged alone"
    )
    exchanges = [exchange for item in items for exchange in item.exchanges]
    lines = [f"{recording.path}: {made}", f"judged {len(exchanges)} recorded exchange(s) in {len(items)} test(s)"]
    unjudged = sum(item.unjudged for item in items)
    if unjudged:
        lines.append(f"not judged: {unjudged} exchange(s) their test never judged (it stopped before, or never judges)")
    from ..recordings import NEEDS_THE_CASE

    breadth = sum(1 for exchange in exchanges if str(exchange.intent) == "breadth")
    if breadth:
        lines.append(
            f"{', '.join(sorted(NEEDS_THE_CASE))}: not judged again for {breadth} breadth exchange(s) "
            "(its checks need the case it generated)"
        )
    if recording.elsewhere:
        lines.append(f"left out: {recording.elsewhere} entries to hosts that are not Intercom's servers")
    return "\n".join(lines)


def token_refused(terminalreporter: Any, run: PluginState) -> None:
    """One line per region whose first answers to the run's own token were all 401: the cause of what follows."""
    servers = dict(run.settings.base_urls)
    for line in run.token_watch.lines(servers, os.environ):
        terminalreporter.write_line(f"intercom-contracts: {line}", red=True, bold=True)
