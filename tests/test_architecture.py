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


def _table() -> list[tuple[list[str], set[str] | None]]:
    """ARCHITECTURE.md's rows of what may import what, in order: (packages, what they may import; None: anything)."""
    text = (ROOT / "ARCHITECTURE.md").read_text()
    table = text.split("| package | may import |", 1)[1]
    rows: list[tuple[list[str], set[str] | None]] = []
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        packages, imports = (cell.strip() for cell in line.strip("|").split("|"))
        permitted = None if imports == "*" else set() if imports == "-" else {i.strip() for i in imports.split(",")}
        rows.append(([package.strip().split(" ")[0] for package in packages.split(",")], permitted))
    return rows


def _allowed() -> dict[str, set[str] | None]:
    """Package (its short name) -> the packages it may import (None: anything)."""
    return {package: permitted for packages, permitted in _table() for package in packages}


def _short(module: str) -> str:
    """contracts.mock._model -> mock; contracts.errors -> errors; strategies.text -> strategies."""
    parts = module.split(".")
    if parts[0] == "strategies":
        return "strategies"
    return "contracts" if len(parts) == 1 else parts[1]


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


@pytest.mark.parametrize(("module", "path"), _modules(), ids=[name for name, _ in _modules()])
def test_another_package_is_imported_through_its_surface(module: str, path: Path) -> None:
    """contracts.spec._spec is spec's own business: other packages import `contracts.spec`."""
    short = _short(module)
    if _allowed().get(short, set()) is None:
        return
    private = sorted(
        name
        for name in _imports(module, path)
        if _short(name) != short and any(part.startswith("_") for part in name.split(".")[2:])
    )
    assert not private, f"{module} imports private modules of other packages: {private}"


def test_the_table_is_in_data_flow_order() -> None:
    """A package may import only packages of the rows above its own: no cycle between the layers."""
    seen: set[str] = set()
    for packages, permitted in _table():
        if permitted is not None:
            assert permitted <= seen, f"{packages} may import {sorted(permitted - seen)}, which come later"
        seen.update(packages)


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
        "contracts.reports",
        "contracts.reports._diagnosis",
        "contracts._lazy",
        "contracts.mock",
        "contracts.run",
        "contracts.spec",
        "contracts.errors",
        "contracts._redaction",
        "contracts.regions",
        "contracts.run._settings",
        "contracts.mock._fault_names",
        "contracts.spec._sources",
        "contracts.spec._cache",
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
