#!/usr/bin/env python3
"""Run every command of the README's console blocks as a user would, and say which did not work as documented.

    python tools/walk_readme.py [README.md] [--workdir DIR] [--quick]

Meant to run where the package is installed (from a wheel, outside the repository, in CI; or editable, in the
project's tests). How each command is run:
- `pip install ...` and the project's own test command are not run (the caller installed; the tests are this);
- `pytest examples/...` runs the examples project's tests (copied beside the README's commands) with this Python;
- `intercom-contracts upgrade` must print what the README shows after it (exit 1 when something breaks);
- `export NAME=VALUE` sets the variable for what follows (a placeholder value `...` becomes a dummy one);
- `intercom-contracts mock --port N` is started on a free port; its first line must be the one the README shows;
- a live run gets `--collect-only`: its options and environment are checked when pytest starts, nothing is sent;
- `path/to/api.intercom.io.yaml` is a description written for the walk (the pack's 2.11);
- anything else must exit 0 (`lint --strict` and `diff`, which report findings, may exit 1), without a traceback;
- `--quick` (the project's tests; CI walks in full) runs the suite with 3 examples a property instead of 100;
- `intercom-contracts` is the console script found on PATH (a user's shell), or the program the caller names
  (the project's tests run the one beside their interpreter, whatever PATH holds).
Exit status 1 when any command did not work as documented.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import selectors
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

PLACEHOLDERS = {
    "INTERCOM_ACCESS_TOKEN_US": "tok-readme-walk",
    "INTERCOM_ACCESS_TOKEN": "tok-readme-walk",
    "INTERCOM_CONTACT_ID": "6762f0d21bb69f9f2193bb59",
}
SAMPLE_SPEC = "path/to/api.intercom.io.yaml"


@dataclass
class Command:
    line: str
    expected_output: list[str]


def console_commands(readme: str) -> list[Command]:
    """Every `$ command` of the README's ```console blocks, with the output lines shown after it."""
    commands: list[Command] = []
    for block in re.findall(r"```console\n(.*?)```", readme, re.S):
        for raw in block.splitlines():
            line = raw.strip()
            if line.startswith("$ "):
                commands.append(Command(line[2:].split("  #", 1)[0].strip(), []))
            elif line and commands:
                commands[-1].expected_output.append(line)
    return commands


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _sample_spec(directory: Path) -> Path:
    from contracts import load_spec

    path = directory / "api.intercom.io.json"
    path.write_text(json.dumps(load_spec("official:2.11", errata=False).document))
    return path


CONSOLE_SCRIPT = ("intercom-contracts",)


def console_script(python: str = sys.executable) -> list[str]:
    """How to run `intercom-contracts` with `python`: the script installed beside it, else `python -m contracts.cli`.

    A shell that did not activate the virtualenv has neither on PATH; the interpreter knows where it lives.
    """
    beside = Path(python).parent / ("intercom-contracts.exe" if os.name == "nt" else "intercom-contracts")
    return [str(beside)] if beside.is_file() else [python, "-m", "contracts.cli"]


def run_command(
    command: Command,
    env: dict[str, str],
    workdir: Path,
    *,
    quick: bool = False,
    program: tuple[str, ...] | list[str] = CONSOLE_SCRIPT,
) -> str | None:
    """None when the command worked as documented, else what went wrong (one line)."""
    problems = [run_part(part.strip(), command, env, workdir, quick, program) for part in command.line.split("&&")]
    return next((problem for problem in problems if problem), None)


def run_part(
    part: str,
    command: Command,
    env: dict[str, str],
    workdir: Path,
    quick: bool = False,
    program: tuple[str, ...] | list[str] = CONSOLE_SCRIPT,
) -> str | None:
    words = shlex.split(part)
    if not words:
        return None
    if words[:3] in (["python", "-m", "pip"], ["python3", "-m", "pip"]) or words[0] == "pip":
        return None
    if words[0] == "pytest" and any(word.startswith("examples/") for word in words):
        return _examples(words, part, env, workdir)
    if words[:3] == ["python", "-m", "pytest"] or words[0] in ("tox", "pytest"):
        return None
    if words[0] == "export":
        name, _, value = words[1].partition("=")
        env[name] = PLACEHOLDERS.get(name, "placeholder") if value.endswith("...") else value
        return None
    if words[0] != "intercom-contracts":
        return f"{part}: not a command this walk knows"
    words = [str(_sample_spec(workdir)) if word == SAMPLE_SPEC else word for word in words]
    if words[1:2] == ["mock"]:
        return _mock([*program, *words[1:]], command, env, workdir)
    expected = {0}
    if words[1:2] == ["run"] and "live" in words:
        words.append("--collect-only")
    elif words[1:2] == ["run"] and quick:
        words += ["--intercom-max-examples", "3"]
    if words[1:2] in (["lint"], ["diff"], ["upgrade"]):
        expected = {0, 1}
    done = subprocess.run(
        [*program, *words[1:]], capture_output=True, text=True, env=env, cwd=workdir, timeout=900, check=False
    )
    output = done.stdout + done.stderr
    if "Traceback" in output:
        return f"{part}: a traceback"
    if done.returncode not in expected:
        last = (output.strip().splitlines() or [""])[-1]
        return f"{part}: exit {done.returncode}: {last}"
    if words[1:2] == ["upgrade"]:
        return _same_output(part, done.stdout, command.expected_output)
    return None


def _same_output(part: str, printed: str, shown: list[str]) -> str | None:
    """None when the command printed what the README shows (line by line, as the README's lines are read)."""
    lines = [line.strip() for line in printed.splitlines() if line.strip()]
    if lines == shown:
        return None
    differing = next(
        (i for i, (a, b) in enumerate(zip(lines, shown, strict=False)) if a != b), min(len(lines), len(shown))
    )
    printed_line = lines[differing] if differing < len(lines) else "(nothing more)"
    shown_line = shown[differing] if differing < len(shown) else "(nothing more)"
    return f"{part}: line {differing + 1} printed {printed_line!r}, the README shows {shown_line!r}"


def _examples(words: list[str], part: str, env: dict[str, str], workdir: Path) -> str | None:
    """The examples project's tests, as a user runs them in their checkout: copied beside the commands."""
    examples = Path(__file__).resolve().parent.parent / "examples"
    if not (workdir / "examples").exists():
        shutil.copytree(examples, workdir / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *words[1:]]
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=workdir, timeout=900, check=False)
    if done.returncode != 0:
        last = ((done.stdout + done.stderr).strip().splitlines() or [""])[-1]
        return f"{part}: exit {done.returncode}: {last}"
    return None


def _mock(words: list[str], command: Command, env: dict[str, str], workdir: Path) -> str | None:
    port = str(_free_port())
    documented = words[words.index("--port") + 1] if "--port" in words else None
    if documented is not None:
        words[words.index("--port") + 1] = port
    process = subprocess.Popen(words, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=workdir)
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:  # never wait for a line without a bound
            selector.register(process.stdout, selectors.EVENT_READ)
            first = process.stdout.readline().strip() if selector.select(60) else "(nothing within 60 s)"
    finally:
        process.terminate()
        process.wait(timeout=30)
    expected = [line.replace(f":{documented}/", f":{port}/") for line in command.expected_output]
    if expected and first != expected[0]:
        return f"{' '.join(words)}: printed {first!r}, the README shows {expected[0]!r}"
    return None


def walk(
    readme: Path, workdir: Path, *, quick: bool = False, program: tuple[str, ...] | list[str] = CONSOLE_SCRIPT
) -> list[str]:
    env = dict(os.environ)
    commands = console_commands(readme.read_text())
    return [
        problem for command in commands if (problem := run_command(command, env, workdir, quick=quick, program=program))
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("readme", nargs="?", default=str(Path(__file__).resolve().parent.parent / "README.md"))
    parser.add_argument("--workdir", help="where commands run (default: a new temporary directory)")
    parser.add_argument("--quick", action="store_true", help="3 examples a property test instead of 100")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="readme-walk-"))
    problems = walk(Path(args.readme), workdir, quick=args.quick)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"README walk: {len(console_commands(Path(args.readme).read_text()))} command(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
