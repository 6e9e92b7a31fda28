"""Intercom's official Node SDK (intercom-client) under `intercom-contracts mock -- node flow.js`.

Its node_modules come from $INTERCOM_NODE_MODULES (.ci/run installs a pinned intercom-client there) or $NODE_PATH.
Where node or the package is missing the test says so and skips; in CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.mock import DEFAULT_ADMIN_ID

FLOW = Path(__file__).parent / "node" / "flow.js"


def _node_environment() -> dict[str, str]:
    modules = os.environ.get("INTERCOM_NODE_MODULES") or os.environ.get("NODE_PATH", "")
    node = shutil.which("node")
    missing = None
    if node is None:
        missing = "node is not installed (apt-get install nodejs npm)"
    else:
        env = {**os.environ, "NODE_PATH": modules}
        found = subprocess.run(
            [node, "-e", "require.resolve('intercom-client')"], env=env, capture_output=True, timeout=30, check=False
        )
        if found.returncode != 0:
            missing = (
                "the npm package intercom-client is not installed: npm install --prefix DIR intercom-client, "
                "then INTERCOM_NODE_MODULES=DIR/node_modules"
            )
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run Intercom's Node SDK: {missing}")
        pytest.skip(missing)
    return env


def _under_mock(*flow_arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "contracts.cli", "mock", "--", "node", str(FLOW), *flow_arguments]
    return subprocess.run(command, env=_node_environment(), capture_output=True, text=True, timeout=120, check=False)


def test_the_node_sdk_s_happy_flow_exits_0() -> None:
    done = _under_mock(str(DEFAULT_ADMIN_ID))
    assert (done.returncode, done.stdout) == (0, "sent user_message\n"), done.stderr
    assert "none broke the contract" in done.stderr


def test_a_request_intercom_refuses_fails_the_job_with_the_breach_text() -> None:
    done = _under_mock(str(DEFAULT_ADMIN_ID), "refused")
    assert (done.returncode, done.stdout) == (1, "sent user_message\nrefused 422\n"), done.stderr
    assert "1 request(s) broke the Intercom contract (Intercom would refuse them):" in done.stderr
    assert "Rule: required at $: 'subject' is a required property" in done.stderr
    assert "-H 'x-fern-sdk-name: intercom-client'" in done.stderr
