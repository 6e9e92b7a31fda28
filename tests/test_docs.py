"""The README and the example workflow say what the code does: options, defaults, commands."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from contracts.settings import OPTIONS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
WORKFLOW = yaml.safe_load((ROOT / "docs" / "github-actions.yml").read_text())


def _walker():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import walk_readme
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return walk_readme


def test_the_options_table_lists_every_option_with_its_default() -> None:
    rows = dict(re.findall(r"^\| `--(intercom-[a-z-]+)[^|]*\| ([^|]+) \|", README, re.MULTILINE))
    assert set(rows) == {option.name for option in OPTIONS}
    for option in OPTIONS:
        assert rows[option.name].strip() == option.shown, option.name


def test_every_command_of_the_readme_works_as_documented(tmp_path: Path) -> None:
    walker = _walker()
    commands = walker.console_commands(README)
    assert len(commands) >= 10
    assert walker.walk(ROOT / "README.md", tmp_path, quick=True, program=walker.console_script()) == []


def test_the_console_script_is_found_beside_the_interpreter_whatever_path_holds(tmp_path: Path) -> None:
    walker = _walker()
    bare = tmp_path / "bin"
    bare.mkdir()
    python = bare / "python"
    assert walker.console_script(str(python)) == [str(python), "-m", "contracts.cli"]
    (bare / "intercom-contracts").write_text("#!/bin/sh\n")
    assert walker.console_script(str(python)) == [str(bare / "intercom-contracts")]


def test_the_readme_points_at_nothing_outside_the_repository() -> None:
    assert "DESIGN" not in README
    for path in re.findall(r"`((?:contracts|strategies|tests|tools|docs|examples|bench)/[\w./-]+)`", README):
        assert (ROOT / path).exists(), path


def _run_steps() -> list[tuple[str, dict[str, str]]]:
    steps = []
    for job in WORKFLOW["jobs"].values():
        for step in job["steps"]:
            if "run" in step:
                steps.append((" ".join(step["run"].split()), {**WORKFLOW.get("env", {}), **job.get("env", {})}))
    return steps


def test_the_workflow_installs_from_the_repository() -> None:
    installs = [run for run, _ in _run_steps() if "pip install" in run]
    assert installs
    assert all('"$INTERCOM_CONTRACTS"' in run for run in installs)
    assert re.fullmatch(
        r"intercom-contracts @ git\+https://github\.com/OWNER/REPOSITORY@\w+", WORKFLOW["env"]["INTERCOM_CONTRACTS"]
    )


@pytest.mark.parametrize("upgrade_to", ["", "2.14"])
def test_the_workflow_commands_are_accepted_by_our_own_options(upgrade_to: str, tmp_path: Path) -> None:
    runs = [(run, env) for run, env in _run_steps() if run.startswith("intercom-contracts run")]
    assert len(runs) == 2
    for run, job_env in runs:
        expanded = re.sub(
            r"\$\{\{(.*?)\}\}",
            lambda m: f"--intercom-version 2.11 --intercom-upgrade-to {upgrade_to}" if upgrade_to else "",
            run,
        )
        env = {
            **os.environ,
            **{k: "tok-workflow" if "TOKEN" in k else "991267390" for k in job_env if "${{" in job_env[k]},
        }
        env["INTERCOM_CONTACT_ID"] = "6762f0d21bb69f9f2193bb59"
        words = [*shlex.split(expanded), "--collect-only", "-q"]
        assert words[0] == "intercom-contracts"
        words[:1] = _walker().console_script()  # beside this interpreter: PATH may hold neither
        done = subprocess.run(words, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300, check=False)
        assert done.returncode == 0, (expanded, done.stdout[-1500:], done.stderr[-1500:])
