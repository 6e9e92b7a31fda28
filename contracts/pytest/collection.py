"""Parametrization (regions, versions, operations, recorded exchanges) and what each collected test declares."""

from __future__ import annotations

import pytest

from .state import operations_of, rejudged_of, state, versions_of


def parametrize(metafunc: pytest.Metafunc) -> None:
    settings = state(metafunc.config).settings
    if "intercom_recorded" in metafunc.fixturenames:
        _parametrize_recorded(metafunc)
        return
    if not settings.flows and metafunc.definition.get_closest_marker("intercom_flows"):
        reason = "the stateful flows run with --intercom-flows"  # one skip, not one per region x version
        names = ("intercom_region", "intercom_version")
        metafunc.parametrize(names, [pytest.param(None, None, marks=pytest.mark.skip(reason=reason), id="off")])
        return
    if "intercom_region" in metafunc.fixturenames:
        metafunc.parametrize("intercom_region", settings.regions, scope="session")
    if "intercom_version" in metafunc.fixturenames:
        metafunc.parametrize("intercom_version", versions_of(metafunc.config), scope="session")
    if "intercom_operation" in metafunc.fixturenames:
        operations = operations_of(metafunc.config)
        metafunc.parametrize("intercom_operation", operations, ids=[op.operation_id for op in operations])


def _parametrize_recorded(metafunc: pytest.Metafunc) -> None:
    """One test per recorded exchange and version judging it (`intercom-contracts judge`)."""
    names = ("intercom_recorded", "intercom_region", "intercom_version")
    config = metafunc.config
    if state(config).recording is None:
        reason = "judges a recording: intercom-contracts judge HAR (or --intercom-recording HAR)"
        metafunc.parametrize(names, [pytest.param(None, None, None, marks=pytest.mark.skip(reason=reason))])
        return
    params = [
        pytest.param(
            item, item.region, item.version, id=item.id, marks=[pytest.mark.skip(reason=item.skip)] if item.skip else []
        )
        for item in rejudged_of(config)
    ]
    metafunc.parametrize(names, params)


def declare(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Live tests skipped unless the target is live, flows unless asked for; each test's checks, region, version,
    operation as properties."""
    settings = state(config).settings
    live = settings.live
    skip = pytest.mark.skip(reason="intercom_live: needs --intercom-target live")
    for item in items:
        if not live and item.get_closest_marker("intercom_live"):
            item.add_marker(skip)
        if not settings.flows and item.get_closest_marker("intercom_flows"):
            continue  # skipped (see parametrize): it declares no check, a run without flows has no row for them
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
