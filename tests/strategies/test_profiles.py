"""The settings profiles shipped with the package."""

from __future__ import annotations

import pytest
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


def test_a_profile_of_ours_is_selected_in_any_project(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
from hypothesis import given, settings, strategies as st

def test_profile():
    assert settings.default.max_examples == 10  # the toolkit's `live` profile

@given(st.integers())
def test_runs(n):
    pass
"""
    )
    # A process of its own: this one has registered the profiles already (it imported strategies).
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--hypothesis-profile", "live")
    result.assert_outcomes(passed=2)
