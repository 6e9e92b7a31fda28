"""Command-line options, ini keys and markers; settings resolved from them (option > ini key > default)."""

from __future__ import annotations

from typing import Any

import pytest

from ..errors import UsageError
from ..run import OPTIONS, RunSettings
from .state import usage

MARKERS = (
    "intercom_live: runs only with --intercom-target live (skipped otherwise)",
    "intercom_flows: runs only with --intercom-flows (skipped otherwise, and not counted in the check table)",
    "intercom_checks(*names): the checks the test judges its exchanges by (the `judge` fixture)",
    "intercom_mock(**settings): intercom_mock settings (strict: True, False or 'undocumented'; region, "
    "version, spec, tokens, faults, rate_limit, other_hosts, replay: a HAR file, relative to the test's "
    "directory); the closest marker wins",
)


def add_options(parser: pytest.Parser) -> None:
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


def add_markers(config: pytest.Config) -> None:
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)


def register_hypothesis_profiles(config: pytest.Config) -> None:
    """The toolkit's profiles (dev, ci, live), only when one is asked for: a run without hypothesis skips it."""
    if config.getoption("hypothesis_profile", None) is not None:
        from strategies.profiles import register_profiles

        register_profiles()


def resolve_settings(config: pytest.Config) -> RunSettings:
    """Every setting from its option, else its ini key; a bad value is one usage line."""

    def lookup(name: str) -> Any:
        dest = name.replace("-", "_")
        cli = config.getoption(dest)
        if cli not in (None, []):
            return cli
        return config.getini(dest) or None

    try:
        return RunSettings.resolve(lookup)
    except UsageError as error:
        raise usage(str(error)) from None
