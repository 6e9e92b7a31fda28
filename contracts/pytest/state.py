"""The run's state: one typed object in pytest's config stash, and what it resolves when first asked for."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from secrets import token_hex
from typing import TYPE_CHECKING, Any

import pytest

from .._redaction import environment_secrets, scrub_lines
from ..errors import IntercomContractsError, UsageError
from ..run import RunSettings
from .xdist import LEDGER_KEY, RUN_ID

if TYPE_CHECKING:
    from ..checks import Judge  # noqa: F401  (named in a stash key)
    from ..recordings import HarWriter, Recorder, Recording, Rejudged
    from ..reports import Results, TokenWatch, UsageProfile
    from ..spec import Contracts, Operation, Spec


@dataclass
class PluginState:
    """Everything the plugin keeps for one pytest process (controller or xdist worker)."""

    settings: RunSettings
    run_id: str  # shared by every xdist worker: it names the live message budget
    results: Results
    ledger_key: str = field(default_factory=lambda: token_hex(32), repr=False)  # seals the write ledger
    worker: bool = False
    contracts: Contracts | None = None  # built when first asked for
    versions: tuple[str, ...] | None = None  # resolved when first asked for
    recorder: Recorder | None = None  # --intercom-record: every process records its clients' exchanges
    own_token_answers: list[tuple[str, int]] = field(default_factory=list)  # this process's, until a report takes them
    token_watch: TokenWatch = field(default_factory=lambda: _token_watch())  # the reporting process's: all of them
    own_usage: UsageProfile | None = None  # --intercom-usage: this process's, until a report takes it
    usage: UsageProfile | None = None  # --intercom-usage: the reporting process's, every worker's merged
    har_writer: HarWriter | None = None  # --intercom-record: the controller alone writes the file
    recording: Recording | None = None  # --intercom-recording: the recording judged again
    rejudged: list[Rejudged] | None = None
    log_redaction: Any = field(default=None, repr=False)  # the context redacting log records, while the run lasts


STATE = pytest.StashKey[PluginState]()
JUDGE = pytest.StashKey["Judge"]()  # on an item: the test's judge, until its teardown is reported


def _token_watch() -> TokenWatch:
    from ..reports import TokenWatch

    return TokenWatch()


def state(config: pytest.Config) -> PluginState:
    return config.stash[STATE]


def _split_share(config: pytest.Config, settings: RunSettings) -> tuple[RunSettings, dict[str, int] | None]:
    """Under pytest-split (`--splits N --group G`), this job's part of the live message cap, so that the jobs of a
    split matrix together never send more than the cap (the parts sum to it exactly)."""
    from ..analysis import live_message_share, split_group

    split = split_group(config.getoption("splits", None), config.getoption("group", None))
    if split is None or settings.target != "live":
        return settings, None
    group, groups = split
    try:
        share = live_message_share(settings.max_live_messages, group, groups)
    except IntercomContractsError as error:
        raise usage(str(error)) from None
    shares = {"cap": settings.max_live_messages, "share": share, "group": group, "groups": groups}
    return replace(settings, max_live_messages=share), shares


def configure(config: pytest.Config, settings: RunSettings) -> PluginState:
    """The run's state from its settings: every named source, version, operation and file checked now."""
    from ..spec import check_source

    settings, shares = _split_share(config, settings)

    try:
        check_source(settings.spec)
    except IntercomContractsError as error:
        raise usage(f"--intercom-spec: {error}") from None
    from ..reports import Results

    workerinput = getattr(config, "workerinput", None)
    run = config.stash[STATE] = PluginState(
        settings,
        run_id=workerinput[RUN_ID] if workerinput else uuid.uuid4().hex,
        results=Results(),
        worker=workerinput is not None,
    )
    if workerinput:
        run.ledger_key = workerinput[LEDGER_KEY]
    if settings.versions or settings.upgrade_to or settings.spec != "bundled":
        versions_of(config)  # a spec or versions named: one usage line for a bad one, before collecting
    if settings.operations != ("createMessage",):
        operations_of(config)  # named operations: refuse unknown ones before collecting
    run.results.describe_run(
        target=settings.target, spec=settings.spec, versions=settings.versions, regions=settings.regions
    )
    if shares is not None:
        run.results.describe_run(live_messages=shares)
    secrets = environment_secrets()
    _start_recording(run, secrets)
    if settings.recording:
        _read_recording(config, settings.recording)
    if secrets:  # httpcore and friends log headers raw at DEBUG: every record is redacted as it is made
        from .._redaction import redacting_logs

        run.log_redaction = redacting_logs(secrets)
        run.log_redaction.__enter__()
    return run


def unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(STATE, None)
    if run is not None and run.log_redaction is not None:
        run.log_redaction.__exit__(None, None, None)


def _start_recording(run: PluginState, secrets: list[str]) -> None:
    """--intercom-record: every process records its clients' exchanges; the controller alone writes the file."""
    settings = run.settings
    if not settings.record:
        return
    from ..recordings import HarWriter, Recorder

    run.recorder = Recorder(secrets=secrets)
    if run.worker:
        return
    admin_id, contact_id = settings.parties
    parties = {"admin_id": admin_id, "contact_id": contact_id}
    writer = run.har_writer = HarWriter(settings.record, run=run.results.run, parties=parties, secrets=secrets)
    try:
        writer.start()  # from the start, a cut run leaves a whole file that says so
    except OSError as error:
        raise usage(f"--intercom-record: {settings.record} cannot be written: {error.strerror}") from None


def _read_recording(config: pytest.Config, path: str) -> None:
    from ..recordings import read_recording

    run = state(config)
    try:
        recording = run.recording = read_recording(path)
    except IntercomContractsError as error:
        raise usage(f"--intercom-recording: {error}") from None
    run.results.describe_run(target=f"recording {path}", recorded=recording.run or None)
    rejudged_of(config)  # a version no description documents is a usage error now, in one line


def usage(message: str) -> pytest.UsageError:
    """A one-line usage error, with any access token of the environment scrubbed (a URL may carry one)."""
    return pytest.UsageError(scrub_lines(message, environment_secrets()))


def contracts_of(config: pytest.Config) -> Contracts:
    """Which description judges which version: built once; descriptions load when a version is first asked for."""
    run = state(config)
    if run.contracts is None:
        from ..spec import Contracts

        run.contracts = Contracts(run.settings.spec, errata=run.settings.errata)
    return run.contracts


def spec_of(config: pytest.Config, version: str | None = None) -> Spec:
    """The description of `version` (default: the first under test); a bad spec is a usage error naming it."""
    try:
        return contracts_of(config).spec_for(version or versions_of(config)[0])
    except IntercomContractsError as error:
        raise usage(f"--intercom-spec: {error}") from None


def versions_of(config: pytest.Config) -> tuple[str, ...]:
    """The versions under test: --intercom-version (`all`: every published one; default 2.11), then the upgrade's."""
    run = state(config)
    if run.versions is not None:
        return run.versions
    settings, contracts = run.settings, contracts_of(config)
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
        raise usage(message if message.startswith("--") else f"--intercom-spec: {message}") from None
    run.versions = versions
    return versions


def operations_of(config: pytest.Config) -> list[Operation]:
    from ..run import select_operations

    try:
        return select_operations(spec_of(config), state(config).settings.operations)
    except IntercomContractsError as error:
        raise usage(str(error)) from None


def rejudged_of(config: pytest.Config) -> list[Rejudged]:
    """The recording's exchanges x the versions judging them, each as that version's contract sees it."""
    run = state(config)
    if run.rejudged is not None:
        return run.rejudged
    assert run.recording is not None, "rejudged_of needs --intercom-recording"
    from ..recordings import rejudging

    contracts = contracts_of(config)
    versions = versions_of(config) if run.settings.versions else ()
    items = []
    for item in rejudging(run.recording, versions, default=contracts.default):
        try:
            contract = contracts.contract(item.version)
        except IntercomContractsError as error:
            raise usage(
                f"--intercom-recording: {item.test or 'an exchange'} was recorded under version {item.version}: "
                f"{error} (judge it under a documented one: --intercom-version V)"
            ) from None
        items.append(item.under(contract))
    run.rejudged = items
    return items


def budget_path(config: pytest.Config) -> Path:
    """Named by the run id every xdist worker shares, so the live message cap holds for the whole run."""
    return Path(tempfile.gettempdir()) / f"intercom-contracts-budget-{state(config).run_id}"


def ledger_path(config: pytest.Config) -> Path:
    """The flows' write ledger, named so too: one marker, one write cap and one list of records for the whole run."""
    return Path(tempfile.gettempdir()) / f"intercom-contracts-writes-{state(config).run_id}"
