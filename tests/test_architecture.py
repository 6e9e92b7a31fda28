"""ARCHITECTURE.md is true: every module imports only what its table allows, and the plugin loads nothing heavy."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("contracts", "strategies")


def _allowed() -> dict[str, set[str] | None]:
    """Module (short name) -> the modules it may import (None: anything), from ARCHITECTURE.md's table."""
    text = (ROOT / "ARCHITECTURE.md").read_text()
    table = text.split("| module | may import |", 1)[1]
    allowed: dict[str, set[str] | None] = {}
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        modules, imports = (cell.strip() for cell in line.strip("|").split("|"))
        permitted = None if imports == "*" else set() if imports == "-" else {i.strip() for i in imports.split(",")}
        for module in modules.split(","):
            allowed[module.strip().split(" ")[0]] = permitted
    return allowed


def _short(module: str) -> str:
    """contracts.mock.model -> mock.model; contracts.suite.test_access -> suite; strategies.requests -> strategies."""
    if module.startswith("strategies"):
        return "strategies"
    if module == "contracts":
        return "contracts"
    name = module.removeprefix("contracts.")
    if name.startswith("suite.") and name != "suite._support":
        return "suite"
    return name


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found.append((".".join(parts), path))
    return found


def _imports(module: str, path: Path) -> set[str]:
    """The modules of ours `path` imports, at any depth, but not under `if TYPE_CHECKING:`."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            test = node.test
            if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
                isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
            ):
                for statement in node.orelse:
                    self.visit(statement)
                return
            self.generic_visit(node)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
                names = [target] if node.module else [f"{target}.{alias.name}" for alias in node.names]
            else:
                names = [node.module or ""]
            found.update(name for name in names if name.split(".")[0] in PACKAGES)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] in PACKAGES)

    Visitor().visit(ast.parse(path.read_text()))
    return {name for name in found if name != module}


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[name for name, _ in _modules()])
def test_each_module_imports_only_what_architecture_md_allows(module: str, path: Path) -> None:
    allowed = _allowed()
    short = _short(module)
    assert short in allowed, f"{module} is not in ARCHITECTURE.md's table of what may import what"
    permitted = allowed[short]
    if permitted is None:
        return
    used = {_short(name) for name in _imports(module, path)} - {short}
    assert used <= permitted, f"{module} imports {sorted(used - permitted)}, which ARCHITECTURE.md does not allow"


def test_the_table_names_no_module_that_is_gone() -> None:
    assert set(_allowed()) <= {_short(module) for module, _ in _modules()}


def test_loading_the_plugin_imports_nothing_heavy() -> None:
    probe = (
        "import sys, contracts.plugin\n"
        "heavy = ('jsonschema', 'jsonschema_rs', 'yaml', 'httpx', 'httpcore', 'respx', 'schemathesis', 'referencing',"
        " 'requests', 'urllib3', 'aiohttp', 'h11')\n"
        "print(','.join(sorted(m for m in heavy if m in sys.modules)))\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('contracts', 'strategies')))))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    heavy, ours = done.stdout.splitlines()
    assert heavy == ""
    loaded = set(ours.split(","))
    assert loaded <= {
        "contracts",
        "contracts.plugin",
        "contracts.pytest",
        "contracts.pytest.collection",
        "contracts.pytest.fixtures",
        "contracts.pytest.options",
        "contracts.pytest.outcomes",
        "contracts.pytest.state",
        "contracts.pytest.writers",
        "contracts.pytest.xdist",
        "contracts.diagnosis",
        "contracts.errors",
        "contracts.redaction",
        "contracts.regions",
        "contracts.settings",
        "contracts.faults",
        "contracts.sources",
        "contracts.cache",
    }, sorted(loaded)
    assert re.fullmatch(r"[\w.,]+", ours)


def test_every_package_of_the_source_is_in_the_wheel() -> None:
    """pyproject lists packages by name: a new one left out would be missing from an installed toolkit."""
    import re

    line = re.search(r"^packages = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert line is not None
    listed = set(re.findall(r'"([^"]+)"', line.group(1)))
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("contracts", "strategies")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found == listed
