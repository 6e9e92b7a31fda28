"""The fixtures a test asks for; each builds library objects and nothing more (the library imports on first use)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..errors import IntercomContractsError
from .state import JUDGE, budget_path, contracts_of, ledger_path, spec_of, state, versions_of

if TYPE_CHECKING:
    from ..checks import Judge
    from ..exchange import Exchange
    from ..live import IntercomClient
    from ..mock import IntercomMock
    from ..reports import UsageProfile
    from ..run import IntercomRun
    from ..spec import Contract, Spec

__all__ = ["intercom_client", "intercom_contract", "intercom_mock", "intercom_run", "intercom_spec", "judge"]


@pytest.fixture(scope="session")
def intercom_run(request: pytest.FixtureRequest) -> Iterator[IntercomRun]:
    """The run: settings, spec, target and clients (one per session)."""
    from ..run import IntercomRun

    config = request.config
    recorder = state(config).recorder
    listeners: list[Callable[[Exchange], None]] = [recorder.listen] if recorder is not None else []
    run = IntercomRun(
        state(config).settings,
        contracts=contracts_of(config),
        versions=versions_of(config),
        budget_path=budget_path(config),
        ledger_path=ledger_path(config),
        ledger_key=state(config).ledger_key,
        listeners=[*listeners, _own_token_answers(config)],
    )
    yield run
    run.close()


@pytest.fixture(scope="session")
def intercom_spec(request: pytest.FixtureRequest) -> Spec:
    """The description of the first version under test (each version's is `intercom_contract.spec`)."""
    return spec_of(request.config)


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
    from ..checks import Judge

    marker = request.node.get_closest_marker("intercom_checks")
    try:
        checks = marker.args if marker is not None else ()
        bound = Judge(intercom_contract, intercom_region, checks, version=intercom_version)
        bound.keep_judgements = state(request.config).recorder is not None  # a recording needs them; a run not
    except ValueError as error:
        pytest.fail(f"@pytest.mark.intercom_checks: {error}", pytrace=False)
    request.node.stash[JUDGE] = bound
    return bound


@pytest.fixture
def intercom_mock(request: pytest.FixtureRequest) -> Iterator[IntercomMock]:
    """The fake Intercom on the three regional hosts; fails the test for requests the contract refuses."""
    from ..mock import IntercomMock

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
    run = state(request.config)
    if run.settings.usage:  # --intercom-usage: what the code under test used, as names
        from ..reports import UsageProfile

        run.own_usage = run.own_usage or UsageProfile()
        observe_usage(run.own_usage, mock)
    recorder = state(request.config).recorder
    if recorder is not None:  # --intercom-record: what the code under test sent, whichever client sent it
        for exchange in _sent_by(mock):
            recorder.listen(exchange)
    report = mock.breach_report() if mock.strict else None
    if report is not None:
        pytest.fail(report, pytrace=False)
    undocumented = mock.undocumented_report() if mock.strict != "undocumented" else None
    if undocumented is not None:
        from ..errors import UndocumentedInputWarning

        request.node.warn(UndocumentedInputWarning(undocumented))  # shown with the test, in pytest's warnings summary


def observe_usage(profile: UsageProfile, mock: IntercomMock) -> None:
    """The mock's exchanges into a usage profile (each documented operation reached; names, never values: a value
    only where it is one of the constants the operation documents there)."""
    known: dict[tuple[str, str], tuple[str, Mapping[str, frozenset[str]]]] = {}
    for exchange in mock.requests:
        if exchange.operation is None or exchange.version is None:  # no documented operation reached
            continue
        request, response = exchange.request, exchange.response
        key = (exchange.operation, exchange.version)
        if key not in known:  # the documented path (a request's own path holds ids: values) and the enums
            spec = mock.fake.contracts.spec_for(exchange.version)
            known[key] = (spec.operation(exchange.operation).path, _documented_enums(spec, *key))
        path, enums = known[key]
        profile.observe(
            operation=exchange.operation,
            version=exchange.version,
            method=request.method,
            path=path,
            request_body=request.body,
            query=request.query,
            header_names=request.headers,
            status=response.status,
            response_body=response.body,
            enums=enums,
        )


_ENUMS: dict[tuple[int, str, str], tuple[Spec, Mapping[str, frozenset[str]]]] = {}  # kept for the session


def _documented_enums(spec: Spec, operation: str, version: str) -> Mapping[str, frozenset[str]]:
    from ..analysis import documented_enums

    key = (id(spec), operation, version)
    kept = _ENUMS.get(key)
    if kept is None or kept[0] is not spec:  # the spec kept alongside: an id is only unique while its object lives
        kept = _ENUMS[key] = (spec, documented_enums(spec, operation))
    return kept[1]


def _own_token_answers(config: pytest.Config) -> Callable[[Exchange], None]:
    """Each answer to a request carrying the run's own token for its region (not the auth tests' missing or wrong
    ones), kept for the token watch: a region that answers 401 to all its first ones refused the token."""
    run = state(config)

    def observe(exchange: Exchange) -> None:
        token = run.settings.tokens.get(exchange.region)
        sent = exchange.request_headers.get("authorization") or exchange.request_headers.get("Authorization")
        if token and sent == f"Bearer {token}":
            run.own_token_answers.append((exchange.region, exchange.status))

    return observe


def _sent_by(mock: IntercomMock) -> list[Exchange]:
    """The mock's exchanges as the run's client records its own (for the HAR file)."""
    from ..run import wire_exchange

    return [wire_exchange(exchange, mock.base_urls) for exchange in mock.requests]
