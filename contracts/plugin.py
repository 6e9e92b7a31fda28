"""The pytest plugin: options, ini keys, markers and fixtures; it only builds library objects.

Precedence of every setting: command-line option > ini key > (ids only) environment > default.
Nothing heavy is imported here at import time: the plugin is loaded by every pytest run of a project that has the
toolkit installed.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .errors import IntercomContractsError, UsageError
from .redaction import environment_secrets, scrub_lines
from .settings import OPTIONS, RunSettings

if TYPE_CHECKING:
    from .checks import Judge
    from .client import HttpExchange, IntercomClient
    from .contract import Contract
    from .har import HarWriter, Recording  # noqa: F401  (Recording: named in a stash key)
    from .mock import IntercomMock
    from .recording import Recorder, Rejudged  # noqa: F401  (Recorder: named in a stash key)
    from .report import Results
    from .run import IntercomRun
    from .spec import Operation, Spec
    from .versions import Contracts

SETTINGS_KEY = pytest.StashKey["RunSettings"]()
RESULTS_KEY = pytest.StashKey["Results"]()
CONTRACTS_KEY = pytest.StashKey["Contracts"]()
VERSIONS_KEY = pytest.StashKey[tuple[str, ...]]()
RUN_ID_KEY = pytest.StashKey[str]()
JUDGE_KEY = pytest.StashKey["Judge"]()
LOG_REDACTION_KEY = pytest.StashKey[Any]()
RECORDER_KEY = pytest.StashKey["Recorder"]()
HAR_WRITER_KEY = pytest.StashKey["HarWriter"]()
RECORDING_KEY = pytest.StashKey["Recording"]()
REJUDGED_KEY = pytest.StashKey[list["Rejudged"]]()
VERDICTS_PROPERTY = "intercom_verdicts"
FAILURES_PROPERTY = "intercom_failures"
_COMPLETED = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED, pytest.ExitCode.NO_TESTS_COLLECTED)
HAR_PROPERTY = "intercom_har"  # a test's recorded exchanges, on their way to the controller (never reported)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("intercom", "intercom-contracts: contract testing of the Intercom REST API")
    for option in OPTIONS:
        if option.flag:
            group.addoption(option.flag_text, action="store_true", default=None, dest=option.dest, help=option.help)
        else:
            group.addoption(
                option.flag_text,
                action="append" if option.repeatable else "store",
                default=None,
                dest=option.dest,
                choices=None if option.repeatable else option.choices,
                metavar=option.metavar,
                help=option.help,
            )
        parser.addini(option.dest, f"{option.help} [ini form of {option.flag_text}]", type="string", default="")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Before hypothesis's own plugin loads --hypothesis-profile: the toolkit's profiles (dev, ci, live) exist by then.
    # Only when one is asked for: a pytest run that uses no hypothesis does not pay for importing it.
    if config.getoption("hypothesis_profile", None) is not None:
        from strategies.profiles import register_profiles

        register_profiles()
    config.addinivalue_line("markers", "intercom_live: runs only with --intercom-target live (skipped otherwise)")
    config.addinivalue_line(
        "markers", "intercom_checks(*names): the checks the test judges its exchanges by (the `judge` fixture)"
    )
    config.addinivalue_line(
        "markers",
        "intercom_mock(**settings): intercom_mock settings (strict: True, False or 'undocumented'; region, "
        "version, spec, tokens, faults, rate_limit, other_hosts, replay: a HAR file, relative to the test's "
        "directory); the closest marker wins",
    )

    def lookup(name: str) -> Any:
        dest = name.replace("-", "_")
        cli = config.getoption(dest)
        if cli not in (None, []):
            return cli
        return config.getini(dest) or None

    try:
        settings = config.stash[SETTINGS_KEY] = RunSettings.resolve(lookup)
    except UsageError as error:
        raise _usage(str(error)) from None
    from .sources import check_source

    try:
        check_source(settings.spec)
    except IntercomContractsError as error:
        raise _usage(f"--intercom-spec: {error}") from None
    if settings.versions or settings.upgrade_to or settings.spec != "bundled":
        _versions(config)  # a spec or versions named: one usage line for a bad one, before collecting
    if settings.operations != ("createMessage",):
        _operations(config)  # named operations: refuse unknown ones before collecting
    from .report import Results

    workerinput = getattr(config, "workerinput", None)
    config.stash[RUN_ID_KEY] = workerinput["intercom_run_id"] if workerinput else uuid.uuid4().hex
    results = config.stash[RESULTS_KEY] = Results()
    results.describe_run(
        target=settings.target, spec=settings.spec, versions=settings.versions, regions=settings.regions
    )
    secrets = environment_secrets()
    writer = _start_recording(config, settings, results, secrets, worker=workerinput is not None)
    if settings.recording:
        _read_recording(config, settings.recording)
    config.pluginmanager.register(_Collector(results, writer), "intercom-contracts-results")
    if secrets:  # httpcore and friends log headers raw at DEBUG: every record is redacted as it is made
        from .redaction import redacting_logs

        context = redacting_logs(secrets)
        context.__enter__()
        config.stash[LOG_REDACTION_KEY] = context


def _start_recording(
    config: pytest.Config, settings: RunSettings, results: Results, secrets: list[str], *, worker: bool
) -> HarWriter | None:
    """--intercom-record: every process records its clients' exchanges; the controller alone writes the file."""
    if not settings.record:
        return None
    from .har import HarWriter
    from .recording import Recorder

    config.stash[RECORDER_KEY] = Recorder(secrets=secrets)
    if worker:
        return None
    admin_id, contact_id = settings.parties
    parties = {"admin_id": admin_id, "contact_id": contact_id}
    writer = HarWriter(settings.record, run=results.run, parties=parties, secrets=secrets)
    config.stash[HAR_WRITER_KEY] = writer
    try:
        writer.start()  # from the start, a cut run leaves a whole file that says so
    except OSError as error:
        raise _usage(f"--intercom-record: {settings.record} cannot be written: {error.strerror}") from None
    return writer


def _read_recording(config: pytest.Config, path: str) -> None:
    from .har import read_recording

    try:
        recording = config.stash[RECORDING_KEY] = read_recording(path)
    except IntercomContractsError as error:
        raise _usage(f"--intercom-recording: {error}") from None
    config.stash[RESULTS_KEY].describe_run(target=f"recording {path}", recorded=recording.run or None)
    _rejudged(config)  # a version no description documents is a usage error now, in one line


def pytest_unconfigure(config: pytest.Config) -> None:
    context = config.stash.get(LOG_REDACTION_KEY, None)
    if context is not None:
        context.__exit__(None, None, None)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: every worker shares the controller's run id (and so the live message cap)."""
    node.workerinput["intercom_run_id"] = node.config.stash[RUN_ID_KEY]


def _usage(message: str) -> pytest.UsageError:
    """A one-line usage error, with any access token of the environment scrubbed (a URL may carry one)."""
    from .redaction import environment_secrets, scrub_lines

    return pytest.UsageError(scrub_lines(message, environment_secrets()))


def _settings(config: pytest.Config) -> RunSettings:
    return config.stash[SETTINGS_KEY]


def _contracts(config: pytest.Config) -> Contracts:
    """Which description judges which version: built once; descriptions load when a version is first asked for."""
    if CONTRACTS_KEY not in config.stash:
        from .versions import Contracts

        settings = _settings(config)
        config.stash[CONTRACTS_KEY] = Contracts(settings.spec, errata=settings.errata)
    return config.stash[CONTRACTS_KEY]


def _spec(config: pytest.Config, version: str | None = None) -> Spec:
    """The description of `version` (default: the first under test); a bad spec is a usage error naming it."""
    try:
        return _contracts(config).spec_for(version or _versions(config)[0])
    except IntercomContractsError as error:
        raise _usage(f"--intercom-spec: {error}") from None


# -- parametrization and markers ----------------------------------------------------------------------------------
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    settings = _settings(metafunc.config)
    if "intercom_recorded" in metafunc.fixturenames:
        _parametrize_recorded(metafunc)
        return
    if "intercom_region" in metafunc.fixturenames:
        metafunc.parametrize("intercom_region", settings.regions, scope="session")
    if "intercom_version" in metafunc.fixturenames:
        metafunc.parametrize("intercom_version", _versions(metafunc.config), scope="session")
    if "intercom_operation" in metafunc.fixturenames:
        operations = _operations(metafunc.config)
        metafunc.parametrize("intercom_operation", operations, ids=[op.operation_id for op in operations])


def _parametrize_recorded(metafunc: pytest.Metafunc) -> None:
    """One test per recorded exchange and version judging it (`intercom-contracts judge`)."""
    names = ("intercom_recorded", "intercom_region", "intercom_version")
    config = metafunc.config
    if RECORDING_KEY not in config.stash:
        reason = "judges a recording: intercom-contracts judge HAR (or --intercom-recording HAR)"
        metafunc.parametrize(names, [pytest.param(None, None, None, marks=pytest.mark.skip(reason=reason))])
        return
    items = _rejudged(config)
    params = [
        pytest.param(
            item, item.region, item.version, id=item.id, marks=[pytest.mark.skip(reason=item.skip)] if item.skip else []
        )
        for item in items
    ]
    metafunc.parametrize(names, params)


def _rejudged(config: pytest.Config) -> list[Rejudged]:
    """The recording's exchanges x the versions judging them, each as that version's contract sees it."""
    if REJUDGED_KEY in config.stash:
        return config.stash[REJUDGED_KEY]
    from .recording import rejudging

    contracts = _contracts(config)
    versions = _versions(config) if _settings(config).versions else ()
    items = []
    for item in rejudging(config.stash[RECORDING_KEY], versions, default=contracts.default):
        try:
            contract = contracts.contract(item.version)
        except IntercomContractsError as error:
            raise _usage(
                f"--intercom-recording: {item.test or 'an exchange'} was recorded under version {item.version}: "
                f"{error} (judge it under a documented one: --intercom-version V)"
            ) from None
        items.append(item.under(contract))
    config.stash[REJUDGED_KEY] = items
    return items


def _operations(config: pytest.Config) -> list[Operation]:
    from .breadth import select_operations

    try:
        return select_operations(_spec(config), _settings(config).operations)
    except IntercomContractsError as error:
        raise _usage(str(error)) from None


def _versions(config: pytest.Config) -> tuple[str, ...]:
    """The versions under test: --intercom-version (`all`: every published one; default 2.11), then the upgrade's."""
    if VERSIONS_KEY in config.stash:
        return config.stash[VERSIONS_KEY]
    settings, contracts = _settings(config), _contracts(config)
    try:
        versions = contracts.resolve(settings.versions)
        if settings.upgrade_to is not None and settings.upgrade_to not in versions:
            if not contracts.knows(settings.upgrade_to):
                raise UsageError(
                    f"--intercom-upgrade-to {settings.upgrade_to}: not among the versions {contracts.source} "
                    f"documents: {contracts.describe()}"
                )
            versions = (*versions, settings.upgrade_to)
    except IntercomContractsError as error:
        message = str(error)
        raise _usage(message if message.startswith("--") else f"--intercom-spec: {message}") from None
    config.stash[VERSIONS_KEY] = versions
    return versions


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    live = _settings(config).live
    skip = pytest.mark.skip(reason="intercom_live: needs --intercom-target live")
    for item in items:
        if not live and item.get_closest_marker("intercom_live"):
            item.add_marker(skip)
        recorded = getattr(getattr(item, "callspec", None), "params", {}).get("intercom_recorded")
        if recorded is not None and not recorded.skip:
            item.add_marker(pytest.mark.intercom_checks(*recorded.checks))
            if recorded.label:
                item.user_properties.append(("operation", recorded.label))
        marker = item.get_closest_marker("intercom_checks")
        checks = marker.args if marker is not None else ()
        params = getattr(item, "callspec", None)
        if checks and params is not None:
            item.user_properties.append(("region", params.params.get("intercom_region", "")))
            item.user_properties.append(("version", params.params.get("intercom_version", "")))
            item.user_properties.append(("check", ",".join(checks)))
            operation = params.params.get("intercom_operation")
            if operation is not None:
                item.user_properties.append(("operation", f"[{operation.operation_id}]"))


# -- fixtures -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def intercom_run(request: pytest.FixtureRequest) -> Iterator[IntercomRun]:
    """The run: settings, spec, target and clients (one per session)."""
    from .run import IntercomRun

    config = request.config
    recorder = config.stash.get(RECORDER_KEY, None)
    run = IntercomRun(
        _settings(config),
        contracts=_contracts(config),
        versions=_versions(config),
        budget_path=_budget_path(config),
        listeners=[recorder.listen] if recorder is not None else [],
    )
    yield run
    run.close()


def _budget_path(config: pytest.Config) -> Path:
    # Named by the run id every xdist worker shares, so the live message cap holds for the whole run.
    return Path(tempfile.gettempdir()) / f"intercom-contracts-budget-{config.stash[RUN_ID_KEY]}"


@pytest.fixture(scope="session")
def intercom_spec(request: pytest.FixtureRequest) -> Spec:
    """The description of the first version under test (each version's is `intercom_contract.spec`)."""
    return _spec(request.config)


@pytest.fixture
def intercom_contract(intercom_run: IntercomRun, intercom_version: str) -> Contract:
    """The compiled contract for the version under test."""
    try:
        return intercom_run.contract(intercom_version)
    except IntercomContractsError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
def intercom_client(intercom_run: IntercomRun, intercom_region: str, intercom_version: str) -> IntercomClient:
    """An HTTP client for the region and version under test, to the fake or the live server."""
    return intercom_run.client(intercom_region, intercom_version)


@pytest.fixture
def judge(
    request: pytest.FixtureRequest, intercom_contract: Contract, intercom_region: str, intercom_version: str
) -> Judge:
    """Judges exchanges by the test's declared checks (@pytest.mark.intercom_checks), recording every verdict."""
    from .checks import Judge

    marker = request.node.get_closest_marker("intercom_checks")
    try:
        checks = marker.args if marker is not None else ()
        bound = Judge(intercom_contract, intercom_region, checks, version=intercom_version)
        bound.keep_judgements = RECORDER_KEY in request.config.stash  # a recording needs them; a run does not
    except ValueError as error:
        pytest.fail(f"@pytest.mark.intercom_checks: {error}", pytrace=False)
    request.node.stash[JUDGE_KEY] = bound
    return bound


@pytest.fixture
def intercom_mock(request: pytest.FixtureRequest) -> Iterator[IntercomMock]:
    """The fake Intercom on the three regional hosts; fails the test for requests the contract refuses."""
    from .mock import IntercomMock

    marker = request.node.get_closest_marker("intercom_mock")
    settings = dict(marker.kwargs) if marker else {}
    if settings.get("replay") is not None:  # a recording beside the test, as cassettes are
        settings["replay"] = Path(request.path).parent / Path(str(settings["replay"])).expanduser()
    problem = None
    try:
        mock = IntercomMock.from_settings(**settings)
    except IntercomContractsError as error:
        problem = f"@pytest.mark.intercom_mock: {error}"
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    with mock:
        yield mock
    recorder = request.config.stash.get(RECORDER_KEY, None)
    if recorder is not None:  # --intercom-record: what the code under test sent, whichever client sent it
        for exchange in _sent_by(mock):
            recorder.listen(exchange)
    report = mock.breach_report() if mock.strict else None
    if report is not None:
        pytest.fail(report, pytrace=False)
    undocumented = mock.undocumented_report() if mock.strict != "undocumented" else None
    if undocumented is not None:
        from .errors import UndocumentedInputWarning

        request.node.warn(UndocumentedInputWarning(undocumented))  # shown with the test, in pytest's warnings summary


def _sent_by(mock: IntercomMock) -> list[HttpExchange]:
    """The mock's exchanges as the run's client records its own (for the HAR file)."""
    from .client import HttpExchange

    sent = []
    for exchange in mock.requests:
        request, response = exchange.request, exchange.response
        base = mock.base_urls.get(request.region, request.region)
        sent.append(
            HttpExchange(
                region=request.region,
                version=exchange.version,
                method=request.method,
                url=base + request.path + (f"?{request.query}" if request.query else ""),
                request_headers=dict(request.headers),
                request_body=request.body or None,
                status=response.status,
                headers={name.lower(): value for name, value in response.headers.items()},
                content=response.content(),
                path=request.path,
            )
        )
    return sent


# -- outcomes and reports ----------------------------------------------------------------------------------------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    judge = item.stash.get(JUDGE_KEY, None)
    if report.when == "call" and judge is not None:
        report.user_properties.append((VERDICTS_PROPERTY, json.dumps(judge.outcomes)))
    recorder = item.config.stash.get(RECORDER_KEY, None)
    if recorder is not None:
        label = str(dict(item.user_properties).get("operation") or "")
        entries = recorder.drain(test=item.nodeid, judge=judge, label=label)
        if entries:
            report.user_properties.append((HAR_PROPERTY, json.dumps(entries, ensure_ascii=False)))
    if report.when == "teardown" and judge is not None:
        del item.stash[JUDGE_KEY]  # items live the whole session; what the test judged need not
    error = call.excinfo.value if call.excinfo is not None else None
    if report.failed and error is not None:
        _describe_failure(item, report, error)
    _redact_report(report)


def _describe_failure(item: pytest.Item, report: pytest.TestReport, error: BaseException) -> None:
    """A failure of ours is shown as written (no traceback) and recorded in detail for the reports."""
    from .checks import CheckFailure, ExchangeFailures
    from .client import TransportFailure

    leaves = _leaves(error)  # hypothesis groups the distinct failures it found
    ours = [leaf for leaf in leaves if isinstance(leaf, (CheckFailure, ExchangeFailures, TransportFailure))]
    if not ours:
        return
    shown = []
    details: list[dict[str, Any]] = []
    for failure in ours:
        notes = [str(note) for note in getattr(failure, "__notes__", [])]
        shown.append("\n".join([str(failure), *notes]).rstrip())
        reproduce = "\n".join(note for note in notes if note.strip())
        if isinstance(failure, TransportFailure):
            found = [
                {"check": "transport", "problem": str(failure), "received": failure.cause, "documented": "an answer"}
            ]
        else:
            found = [f.as_dict() for f in (failure.failures if isinstance(failure, ExchangeFailures) else (failure,))]
        details += [{**detail, "reproduce": reproduce} for detail in found]
    if len(ours) == len(leaves):  # every failure is ours: shown as written; else pytest's report shows them all
        report.longrepr = _FailureRepr("\n\n".join(shown))  # type: ignore[assignment]
    secrets = environment_secrets()
    for detail in details:
        for key, value in detail.items():  # what a server echoed may hold a token in any form: never in a report
            if isinstance(value, str):
                detail[key] = scrub_lines(value, secrets)
        item.user_properties.append(("failed_check", detail["check"]))
        report.user_properties.append(("failed_check", detail["check"]))
    report.user_properties.append((FAILURES_PROPERTY, json.dumps(details, ensure_ascii=False)))


def _leaves(error: BaseException) -> list[BaseException]:
    group = getattr(error, "exceptions", None)
    if isinstance(group, (list, tuple)) and group:
        return [leaf for member in group for leaf in _leaves(member)]
    return [error]


class _Crash:
    def __init__(self, message: str):
        self.message = message


class _FailureRepr:
    """A failure shown as the toolkit wrote it: no traceback; its first line in summaries."""

    def __init__(self, text: str):
        self.text = text
        self.reprcrash = _Crash(text.splitlines()[0] if text else "")

    def toterminal(self, out: Any) -> None:
        for line in self.text.splitlines():
            out.line(line)

    def __str__(self) -> str:
        return self.text


def _redact_report(report: pytest.TestReport) -> None:
    """The safety net: no token from the environment survives in a report, whatever produced it."""
    secrets = environment_secrets()
    if not secrets:
        return
    if report.longrepr is not None:
        text = str(report.longrepr)
        cleaned = scrub_lines(text, secrets)
        if cleaned != text:
            report.longrepr = _FailureRepr(cleaned)  # type: ignore[assignment]
    report.sections = [(title, scrub_lines(content, secrets)) for title, content in report.sections]


class _Collector:
    """Turns test reports into check results (on the xdist controller too: worker reports arrive here)."""

    def __init__(self, results: Results, writer: HarWriter | None = None):
        self.results, self.writer = results, writer

    @pytest.hookimpl(tryfirst=True)  # the recording leaves the report before any other plugin (JUnit XML) sees it
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if self.writer is not None:
            recorded = [value for name, value in report.user_properties if name == HAR_PROPERTY]
            if recorded:
                report.user_properties = [(n, v) for n, v in report.user_properties if n != HAR_PROPERTY]
                for entries in recorded:
                    self.writer.add(json.loads(str(entries)))
        properties = dict(report.user_properties)
        final = report.when == "call" or (report.when == "setup" and not report.passed)
        if "check" not in properties or not final:
            return
        from .report import CheckResult

        declared = str(properties["check"]).split(",")
        region, version = str(properties["region"]), str(properties["version"])
        suffix = str(properties.get("operation") or "")

        def add(check: str, outcome: str, message: str = "") -> None:
            self.results.add(CheckResult(region, version, check + suffix, outcome, report.nodeid, message))

        if report.skipped:
            reason = str(report.longrepr[2]) if isinstance(report.longrepr, tuple) else ""
            for check in declared:
                add(check, "skipped", reason.removeprefix("Skipped: "))
            return
        verdicts: dict[str, str] = json.loads(str(properties.get(VERDICTS_PROPERTY) or "{}"))
        failures: list[dict[str, Any]] = json.loads(str(properties.get(FAILURES_PROPERTY) or "[]"))
        problems = {failure["check"]: failure for failure in failures}
        for check in declared:
            if check in verdicts:
                failure = problems.get(check)
                message = f"[{check}] {failure['problem']}" if failure else ""
                add(check, "failed" if failure or verdicts[check] == "failed" else verdicts[check], message)
        for failure in failures:
            if failure["check"] not in declared:
                add(failure["check"], "failed", str(failure["problem"]))
        if report.failed and not failures:
            first = str(report.longrepr).splitlines()[0] if report.longrepr else ""
            add("error", "failed", first)
        for failure in failures:
            # The exchange's region and version where it names them, the test's where it does not (the default).
            self.results.add_failure(
                {
                    **failure,
                    "test": report.nodeid,
                    "region": failure.get("region") or region,
                    "version": failure.get("version") or version,
                }
            )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller reports
    _budget_path(session.config).unlink(missing_ok=True)
    results = session.config.stash[RESULTS_KEY]
    settings = _settings(session.config)
    interrupted = exitstatus == pytest.ExitCode.INTERRUPTED or bool(session.shouldstop)
    results.finish(interrupted=interrupted, exit_status=int(exitstatus))
    if VERSIONS_KEY in session.config.stash:
        results.describe_run(versions=_versions(session.config))
    writer = session.config.stash.get(HAR_WRITER_KEY, None)
    if writer is not None:
        try:
            # -x / --maxfail: the tests after were never run; an internal error or a usage error: neither did they
            stopped = interrupted or bool(session.shouldfail) or exitstatus not in _COMPLETED
            writer.finish(state="cut" if stopped else "complete")
        except OSError as error:
            results.problems.append(
                f"intercom-contracts: the recording could not be written to {writer.path}: {error.strerror or error}"
            )
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
    if settings.upgrade_to and results.results:
        from .upgrade import upgrade_report

        current = _versions(session.config)[0]
        results.upgrade = upgrade_report(results, _contracts(session.config), current, settings.upgrade_to)
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
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary and results.results:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write("## Intercom contract checks\n\n" + results.markdown_table() + "\n")
            if results.skip_reasons():
                handle.write("\n```text\n" + results.skip_text() + "\n```\n")
            if results.upgrade is not None:
                from .upgrade import render_text

                handle.write("\n```text\n" + render_text(results.upgrade) + "\n```\n")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return
    results = config.stash[RESULTS_KEY]
    if results.results:
        terminalreporter.section("intercom contract checks")
        terminalreporter.write_line(results.text_table())
        if results.skip_reasons():
            terminalreporter.write_line(results.skip_text())
    if RECORDING_KEY in config.stash:
        terminalreporter.section("intercom recording")
        terminalreporter.write_line(_recording_summary(config))
    writer = config.stash.get(HAR_WRITER_KEY, None)
    if writer is not None:
        terminalreporter.write_line(f"intercom-contracts: {len(writer.entries)} exchanges recorded to {writer.path}")
    for problem in results.problems:
        terminalreporter.write_line(problem, red=True)
    if results.upgrade is not None:
        from .upgrade import render_text

        terminalreporter.section("intercom upgrade check")
        terminalreporter.write_line(render_text(results.upgrade))


def _recording_summary(config: pytest.Config) -> str:
    """What was judged of the recording, and what could not be."""
    recording = config.stash[RECORDING_KEY]
    items = config.stash.get(REJUDGED_KEY, [])
    run = recording.run
    made = (
        f"recorded {run.get('started', '?')} against {run.get('target', '?')}, "
        f"{'complete' if recording.complete else 'cut before it completed'}"
        if recording.ours
        else "another tool's recording: each answer judged alone"
    )
    exchanges = [exchange for item in items for exchange in item.exchanges]
    lines = [f"{recording.path}: {made}", f"judged {len(exchanges)} recorded exchange(s) in {len(items)} test(s)"]
    unjudged = sum(item.unjudged for item in items)
    if unjudged:
        lines.append(f"not judged: {unjudged} exchange(s) their test never judged (it stopped before, or never judges)")
    from .recording import NEEDS_THE_CASE

    breadth = sum(1 for exchange in exchanges if str(exchange.intent) == "breadth")
    if breadth:
        lines.append(
            f"{', '.join(sorted(NEEDS_THE_CASE))}: not judged again for {breadth} breadth exchange(s) "
            "(its checks need the case it generated)"
        )
    if recording.elsewhere:
        lines.append(f"left out: {recording.elsewhere} entries to hosts that are not Intercom's servers")
    return "\n".join(lines)
