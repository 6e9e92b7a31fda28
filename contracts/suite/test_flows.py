"""Stateful flows (--intercom-flows): contacts, companies, tags, conversations, notes, data events, tickets and
articles created, read, listed, searched, updated and deleted in sequence, the invariants held after each step
(contracts.flows). On the fake each example starts from a fresh workspace; live, only with --intercom-allow-writes,
within --intercom-max-live-writes, touching only what the run made (the write ledger deletes it at the end)."""

from __future__ import annotations

import pytest

from ..checks import Intent, Judge
from ..exchange import Exchange
from ..flows import FlowTarget, client_sender, run_flows
from ..live import IntercomClient
from ..run import IntercomRun

# Examples and steps of one region x version: on the fake one flow per ten property examples (--intercom-max-examples:
# 10 at the default of 100, seconds for every version); few writes live.
MOCK_EXAMPLES_PER_FLOW, MOCK_STEPS = 10, 15
LIVE_EXAMPLES, LIVE_STEPS = 2, 8
FAKE_MARKER = "icc-fake"


@pytest.mark.intercom_flows
@pytest.mark.intercom_checks("answer_fits_contract")
def test_stateful_flows(
    intercom_run: IntercomRun, intercom_client: IntercomClient, judge: Judge, intercom_region: str
) -> None:
    run, version = intercom_run, intercom_client.version or intercom_run.contracts.default
    marker = _marker_or_skip(run, intercom_region)
    live = run.settings.live
    target = FlowTarget(
        client_sender(intercom_client),
        run.contract(version),
        version,
        marker,
        region=intercom_region,
        admin_id=str(run.admin_id) if run.admin_id is not None else None,
        fresh=None if live else run.fake.fresh_workspace,
        live=live,
        judge=lambda exchange, operation: _judged(judge, exchange, operation),
    )
    wanted = run.settings.max_examples
    examples = min(wanted, LIVE_EXAMPLES) if live else max(1, wanted // MOCK_EXAMPLES_PER_FLOW)
    stopped = run_flows(target, examples=examples, steps=LIVE_STEPS if live else MOCK_STEPS)
    if stopped is not None and not target.taken:  # a safety rule or cap kept back the very first write
        pytest.skip(f"nothing written: {stopped}")


def _marker_or_skip(run: IntercomRun, region: str) -> str:
    """The marker the records of this run carry; skips where the flows do not run."""
    settings = run.settings
    if not settings.flows:
        pytest.skip("the stateful flows run with --intercom-flows")
    if not settings.live:
        if region != settings.regions[0]:
            pytest.skip(f"the fake's regions share one workspace model: its flows run in {settings.regions[0]}")
        return FAKE_MARKER
    if not settings.allow_writes:
        pytest.skip("live flows write: they run with --intercom-allow-writes as well as --intercom-flows")
    return run.ledger.marker


def _judged(judge: Judge, exchange: Exchange, operation: str) -> None:
    judge(exchange, Intent.FLOW, operation=operation, checks=["answer_fits_contract"])
