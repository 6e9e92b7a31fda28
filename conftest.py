"""Repo-level pytest setup: the hypothesis profile, pytester, and an isolated cache for the project's own tests."""

from __future__ import annotations

import os
import tempfile

from hypothesis import settings

import strategies  # noqa: F401  (registers the dev/ci/live profiles)

pytest_plugins = ["pytester"]

# The project's tests never touch the user's cache; a run shares one cache so warm loads stay warm.
os.environ.setdefault("INTERCOM_CONTRACTS_CACHE_DIR", tempfile.mkdtemp(prefix="intercom-contracts-test-cache-"))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
