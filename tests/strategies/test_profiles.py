"""The settings profiles shipped with the package."""

from __future__ import annotations

from hypothesis import settings

import strategies  # noqa: F401


def test_profiles_are_registered_with_their_promises() -> None:
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.deadline is None
    assert ci.max_examples >= 200
    assert settings.get_profile("dev").max_examples < ci.max_examples
    live = settings.get_profile("live")
    assert live.max_examples <= 10
    assert live.report_multiple_bugs is False
    assert not ci.suppress_health_check
