"""The pytest plugin (the `pytest11` entry point): its hooks, each a call into `contracts.pytest`.

Precedence of every setting: command-line option > ini key > (ids only) environment > default.
Nothing heavy is imported here at import time: the plugin is loaded by every pytest run of a project that has the
toolkit installed. Options live in `contracts.pytest.options`, fixtures in `.fixtures`, the run's state in
`.state`, what a report carries from an xdist worker in `.xdist`, and what is written at the end in `.writers`.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from .pytest import collection, options, outcomes, writers
from .pytest.fixtures import intercom_client, intercom_contract, intercom_mock, intercom_run, intercom_spec, judge
from .pytest.state import JUDGE, PluginState, configure, state, unconfigure
from .pytest.xdist import Payload, share_run_id

__all__ = [  # the fixtures, found by pytest in this module
    "intercom_client",
    "intercom_contract",
    "intercom_mock",
    "intercom_run",
    "intercom_spec",
    "judge",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    options.add_options(parser)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Before hypothesis's own plugin loads --hypothesis-profile: the toolkit's profiles (dev, ci, live) exist by then.
    options.register_hypothesis_profiles(config)
    options.add_markers(config)
    run = configure(config, options.resolve_settings(config))
    if not run.worker:  # an xdist worker's reports are the controller's to read
        config.pluginmanager.register(_Reporting(run), "intercom-contracts-results")


def pytest_unconfigure(config: pytest.Config) -> None:
    unconfigure(config)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    run = state(node.config)
    share_run_id(node, run.run_id, run.ledger_key)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    collection.parametrize(metafunc)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    collection.declare(config, items)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    payload = Payload()
    judge = item.stash.get(JUDGE, None)
    if report.when == "call" and judge is not None:
        payload.verdicts = dict(judge.outcomes)
    recorder = state(item.config).recorder
    if recorder is not None:
        label = str(dict(item.user_properties).get("operation") or "")
        payload.har = recorder.drain(test=item.nodeid, judge=judge, label=label)
    if report.when == "teardown" and judge is not None:
        del item.stash[JUDGE]  # items live the whole session; what the test judged need not
    run = state(item.config)
    payload.own_token_answers, run.own_token_answers = run.own_token_answers, []
    if run.own_usage:
        payload.usage, run.own_usage = run.own_usage.to_data(), None
    error = call.excinfo.value if call.excinfo is not None else None
    if report.failed and error is not None:
        payload.failures = outcomes.describe_failure(item, report, error)
    payload.attach(report)
    outcomes.redact_report(report)
    outcomes.keep_shown(report)


@pytest.hookimpl(trylast=True)
def pytest_exception_interact(node: Any, call: pytest.CallInfo[Any], report: Any) -> None:
    if isinstance(report, pytest.TestReport):  # other plugins may rewrite a failure's report here: ours is restored
        outcomes.restore_shown(report)


class _Reporting:
    """The hooks of the process that reports the run: the only one, or the xdist controller (where every
    worker's reports arrive)."""

    def __init__(self, run: PluginState):
        self.run = run

    @pytest.hookimpl(tryfirst=True)  # the payload leaves the report before any other plugin (JUnit XML) sees it
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        payload = Payload.take(report)
        for region, status in payload.own_token_answers:
            self.run.token_watch.observe(region, status)
        if self.run.har_writer is not None and payload.har:
            self.run.har_writer.add(payload.har)
        if payload.usage is not None:
            writers.add_usage(self.run, payload.usage)
        outcomes.collect(self.run.results, report, payload)

    # Last: xdist has ended its workers by then, so what live flows created is all in the ledger when it is cleaned up.
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        writers.finish_session(session, exitstatus)

    @pytest.hookimpl(wrapper=True, tryfirst=True)  # around pytest's own: the token line comes above the failures
    def pytest_terminal_summary(self, terminalreporter: Any, config: pytest.Config) -> Generator[None, None, None]:
        writers.token_refused(terminalreporter, self.run)
        yield
        writers.terminal_summary(terminalreporter, config)
