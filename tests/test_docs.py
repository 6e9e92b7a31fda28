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

from contracts.run import OPTIONS

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


def test_the_walk_runs_the_examples_and_holds_the_upgrade_report_to_its_shown_output(tmp_path: Path) -> None:
    walker = _walker()
    start = README.index("$ pytest examples/onboarding")
    block = README[start : README.index("```", start)]
    assert "renamed (likely) teammates -> admins" in block
    readme = tmp_path / "README.md"
    readme.write_text(f"```console\n{block.replace('2.14: absent', '2.14: gone', 1)}```\n")
    problems = walker.walk(readme, tmp_path, program=walker.console_script())
    assert problems == [
        "intercom-contracts upgrade --usage usage.json --to 2.14: line 4 printed '2.14: absent', "
        "the README shows '2.14: gone'"
    ]
    assert (tmp_path / "usage.json").is_file()  # written by the examples' tests, run by the walk


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


def _expanded(run: str, upgrade_to: str) -> str:
    """A step's command with its GitHub expressions given values: the matrix group, the upgrade input."""

    def value(expression: re.Match[str]) -> str:
        if "matrix.group" in expression[1]:
            return "1"
        return f"--intercom-version 2.11 --intercom-upgrade-to {upgrade_to}" if upgrade_to else ""

    return re.sub(r"\$\{\{(.*?)\}\}", value, run)


@pytest.mark.parametrize("upgrade_to", ["", "2.14"])
def test_the_workflow_commands_are_accepted_by_our_own_options(upgrade_to: str, tmp_path: Path) -> None:
    runs = [(run, env) for run, env in _run_steps() if run.startswith("intercom-contracts run")]
    assert len(runs) == 2
    for run, job_env in runs:
        expanded = _expanded(run, upgrade_to)
        if "--splits" in expanded:
            pytest.importorskip("pytest_split", reason="the workflow splits with pytest-split: pip install '.[ci]'")
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


def test_the_workflow_merges_the_reports_its_split_jobs_write() -> None:
    from contracts.cli import _parser

    written = {
        found
        for run, _ in _run_steps()
        for found in re.findall(r"--intercom-report=(\S+)", re.sub(r"\$\{\{.*?\}\}", "*", run))
        if "--splits" in run
    }
    assert written == {"contract-*.json"}  # each group's own report, under one pattern
    (merge,) = [run for run, _ in _run_steps() if run.startswith("intercom-contracts merge")]
    words = shlex.split(merge)[1:]
    assert "contract-*.json" in words
    args = _parser().parse_args(words)  # our own options: an unknown one exits 2 here
    assert (args.report, args.report_html, args.junitxml) == ("contract.json", "contract.html", "contract.xml")
    jobs = WORKFLOW["jobs"]
    assert jobs["report"]["needs"] == "fake"
    assert jobs["report"]["if"] == "always()"  # a failed group is still reported
    assert jobs["fake"]["strategy"]["matrix"]["group"] == [1, 2]
    assert re.search(r"--splits (\d+)", " ".join(run for run, _ in _run_steps()))[1] == "2"  # type: ignore[index]


def _stated(pattern: str) -> re.Match[str]:
    """The README's statement of a figure (one sentence may wrap over lines)."""
    found = re.search(pattern, " ".join(README.split()))
    assert found is not None, f"the README no longer states {pattern!r}: update this test with it"
    return found


def test_the_facts_pack_is_the_size_the_readme_states() -> None:
    stated_kb = int(_stated(r"The pack is (\d+) KB \(gzip'd JSON")[1])
    pack = ROOT / "contracts" / "pack"
    shipped = [*pack.glob("*.json.gz"), pack / "index.json", pack / "NOTICE"]  # what the wheel's package-data takes
    size = sum(path.stat().st_size for path in shipped)
    assert abs(size - stated_kb * 1000) <= 0.05 * size, f"the pack is {size} B, the README says {stated_kb} KB (±5%)"


def test_the_versions_the_readme_states_are_the_packs() -> None:
    from contracts.spec._sources import pack_index, pack_versions, published_values

    first, last = _stated(r"for every published version \((\d+\.\d+) to (\d+\.\d+) and Preview\)").groups()
    numbered = [v for v in pack_versions() if v != "Preview"]
    assert (first, last) == (numbered[0], numbered[-1])
    assert pack_versions() == (*numbered, "Preview")
    minors = [int(v.split(".")[1]) for v in numbered]
    assert minors == list(range(minors[0], minors[-1] + 1))  # "to" means every version between
    oldest, newest = _stated(r"every documented `Intercom-Version` value \((\d+\.\d+) to (\d+\.\d+), Preview").groups()
    values = [v for v in published_values() if v != "Preview"]
    assert (oldest, newest) == (values[0], values[-1])
    assert _stated(r"repository, commit (\w+);")[1] == pack_index()["commit"]


# What the SDK example's comments promise, and the call that takes each step.
SDK_STEPS = {
    "create": "client.contacts.create(",
    "read back": "client.contacts.find(",
    "update": "client.contacts.update(",
    "search": "client.contacts.search(",
    "list": "client.contacts.list(",
    "delete": "client.contacts.delete(",
    "attached to a contact": "client.tags.tag_contact(",
    "started by a contact": "client.conversations.create(",
    "replied to": "client.conversations.reply(",
    "closed": '"message_type": "close"',
}


def test_the_sdk_example_takes_every_step_its_comments_name_and_passes(pytester: pytest.Pytester) -> None:
    pytest.importorskip("intercom", reason="the official SDK: pip install 'intercom-contracts[test]'")
    (example,) = [b for b in re.findall(r"```python\n(.*?)```", README, re.S) if "from intercom import" in b]
    comments = " ".join(line.split("#", 1)[1] for line in example.splitlines() if "#" in line)
    for step, call in SDK_STEPS.items():
        assert step in comments, f"the comments no longer promise {step!r}: update SDK_STEPS"
        assert call in example, f"the comments promise {step!r}, the code never calls {call}"
    pytester.makepyfile(test_sdk_example=example)
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize("example", ["examples/webhooks/hooks.py", "examples/webhooks/test_hooks.py"])
def test_the_readme_shows_the_webhook_example_ci_runs(example: str) -> None:
    """The README's webhook handler and its test are the example's files, which CI runs: they cannot drift."""
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert (ROOT / example).read_text() in blocks
