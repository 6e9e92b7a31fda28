"""Hypothesis settings profiles shipped with the toolkit, selected the usual way.

`settings.load_profile("ci")`, or pytest's `--hypothesis-profile ci`. Registered when `strategies` is imported:
- `dev`: quick feedback while editing;
- `ci`: more examples, derandomized (a CI run is reproducible), no deadline (shared runners are noisy);
- `live`: few examples and bounded shrinking, for runs that talk to a real workspace.
"""

from __future__ import annotations

from typing import Final

from hypothesis import HealthCheck, Phase, settings

__all__ = ["PROFILES", "register_profiles"]

PROFILES: Final = ("dev", "ci", "live")


def register_profiles() -> None:
    settings.register_profile("dev", max_examples=20, deadline=None)
    settings.register_profile(
        "ci",
        max_examples=200,
        derandomize=True,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    settings.register_profile(
        "live",
        max_examples=10,
        deadline=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.too_slow],
        stateful_step_count=5,
    )
