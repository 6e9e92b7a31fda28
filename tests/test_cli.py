"""The console script: exit codes, one-line errors without tracebacks, lint output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.cli import main


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contracts.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[str, str]]:
    (tmp_path / "bad.yaml").write_text("openapi: 3.0.1\npaths: {\n")
    (tmp_path / "swagger.yaml").write_text("swagger: '2.0'\npaths: {}\n")
    (tmp_path / "other.yaml").write_text("openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /me: {}\n")
    return {
        "missing file": (str(tmp_path / "absent.yaml"), "no such file"),
        "unparsable YAML": (str(tmp_path / "bad.yaml"), "is not valid YAML or JSON"),
        "not OpenAPI 3": (str(tmp_path / "swagger.yaml"), "is not an OpenAPI 3 document"),
        "unknown official version": ("official:banana", "unknown official version 'banana'"),
        "unreachable URL": ("http://127.0.0.1:9/api.yaml", "could not download http://127.0.0.1:9/api.yaml"),
        "no createMessage": (str(tmp_path / "other.yaml"), "has no createMessage operation (POST /messages)"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing file",
        "unparsable YAML",
        "not OpenAPI 3",
        "unknown official version",
        "unreachable URL",
        "no createMessage",
    ],
)
def test_bad_spec_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str) -> None:
    source, problem = _bad_inputs(tmp_path)[case]
    assert main(["lint", source]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"intercom-contracts lint: error: spec {source}")
    assert problem in err
    assert err.count("\n") == 1


def test_no_traceback_from_the_console_script(tmp_path: Path) -> None:
    result = _cli("lint", str(tmp_path / "absent.yaml"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"intercom-contracts lint: error: spec {tmp_path / 'absent.yaml'}: no such file. Pass `bundled`, "
        "a path to a YAML or JSON file, an https:// URL, or official:VERSION."
    )


def test_lint_official_strict_exits_1_with_json_counts(capsys: pytest.CaptureFixture[str]) -> None:
    path = "official:2.11"
    assert main(["lint", path]) == 0
    capsys.readouterr()
    assert main(["lint", path, "--strict", "--format", "json"]) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["source"] == path
    assert payload["counts"]["dangling-ref"] == 4
    assert "facts pack" in payload["note"]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["lint", "bundled", "--format", "xml"])
    assert raised.value.code == 2
    assert "invalid choice: 'xml'" in capsys.readouterr().err
