"""Hypothesis settings profiles shipped with the toolkit, selected the usual way.

`settings.load_profile("ci")`, or pytest's `--hypothesis-profile ci`. Registered when `strategies` is imported:
- `dev`: quick feedback while editing;
- `ci`: more examples, derandomized (a CI run is reproducible), no deadline (shared runners are noisy);
- `live`: few examples and bounded shrinking, for runs that talk to a real workspace.
"""

from __future__ import annotations

from typing import Final

from hypothesis import Phase, settings

__all__ = ["PROFILES", "register_profiles"]

PROFILES: Final = ("dev", "ci", "live")


def register_profiles() -> None:
    # Based on hypothesis's `default`, not on whatever profile is active (under CI that is its own `ci`).
    base = settings.get_profile("default")
    settings.register_profile("dev", base, max_examples=20, deadline=None)
    settings.register_profile(
        "ci",
        base,
        max_examples=200,
        database=None,
        derandomize=True,
        deadline=None,
        print_blob=True,
    )
    settings.register_profile(
        "live",
        base,
        max_examples=10,
        deadline=None,
        derandomize=False,
        # Shrinking replays requests against a real workspace: keep it, but never the explain phase's extra calls.
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        report_multiple_bugs=False,
        stateful_step_count=5,
    )
