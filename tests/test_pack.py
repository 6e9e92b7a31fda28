"""The facts pack: rebuilt from the published descriptions it equals the shipped one; it holds facts, not prose.

The only tests that read ../shared (the published descriptions): each skips, saying why, where it is absent.
"""

from __future__ import annotations

import gzip
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from contracts import load_spec
from contracts.schema import bundle_schema
from contracts.spec._sources import pack_index, pack_versions

from .conftest import PUBLISHED

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DESCRIPTIONS = SHARED / "intercom-openapi"


def _builder() -> Any:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import build_facts_pack
    finally:
        sys.path.remove(str(ROOT / "tools"))
    return build_facts_pack


def _needs_shared() -> None:
    if not (DESCRIPTIONS / "2.11" / "api.intercom.io.yaml").is_file():
        pytest.skip(f"the published descriptions are not at {DESCRIPTIONS} (only the pack's rebuild reads them)")


def test_the_pack_rebuilt_from_the_published_descriptions_equals_the_shipped_one() -> None:
    _needs_shared()
    rebuilt = _builder().build(SHARED)
    shipped = {
        entry.name: entry.read_bytes() for entry in resources.files("contracts.pack").iterdir() if entry.is_file()
    }
    shipped.pop("__init__.py")
    assert set(rebuilt) == set(shipped)
    for name, data in rebuilt.items():
        if name.endswith(".json.gz"):
            assert json.loads(gzip.decompress(data)) == json.loads(gzip.decompress(shipped[name])), name
        else:
            assert data == shipped[name], name


@pytest.mark.parametrize("version", ["2.7", "2.11", "2.14", "2.16", "Preview"])
def test_the_pack_compiles_the_same_contract_as_the_published_description(version: str) -> None:
    _needs_shared()
    full = load_spec(str(DESCRIPTIONS / version / "api.intercom.io.yaml"))
    packed = load_spec(f"official:{version}")
    assert [e.id for e in full.errata] == [e.id for e in packed.errata]
    full_contract, packed_contract = full.contract(), packed.contract()
    assert full_contract.versions == packed_contract.versions
    assert full_contract.statuses == packed_contract.statuses
    compiled = full_contract.compiled
    for pointer in (compiled.request_pointer, compiled.message_pointer, compiled.error_pointer):
        packed_schema = bundle_schema(packed.document, pointer, source="pack")
        assert _without_prose(bundle_schema(full.document, pointer, source="full"), examples=True) == _without_prose(
            packed_schema, examples=True
        )
        assert _examples(packed_schema) <= _examples(bundle_schema(full.document, pointer, source="full"))


def _without_prose(node: Any, names: bool = False, examples: bool = False) -> Any:
    """`node` without prose (and, with `examples`, without the scalar examples the pack keeps only some of)."""
    if isinstance(node, list):
        return [_without_prose(item, examples=examples) for item in node]
    if not isinstance(node, dict):
        return node
    dropped = ("description", "summary", "examples") if examples else ("description", "summary")
    return {
        key: _without_prose(value, key in ("properties", "$defs"), examples)
        for key, value in node.items()
        if names or key not in dropped
    }


def _examples(node: Any, where: str = "#") -> set[tuple[str, str]]:
    """Every `examples` annotation of a bundled schema: (where, the value as JSON)."""
    found: set[tuple[str, str]] = set()
    if isinstance(node, list):
        for index, item in enumerate(node):
            found |= _examples(item, f"{where}/{index}")
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "examples" and isinstance(value, list):
                found.add((where, json.dumps(value)))
            else:
                found |= _examples(value, f"{where}/{key}")
    return found


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_version_holds_facts_and_no_prose_or_examples(version: str) -> None:
    document = load_spec(f"official:{version}", errata=False).document
    found: list[str] = []

    def walk(node: Any, where: str, names: bool) -> None:
        if isinstance(node, list):
            for index, item in enumerate(node):
                walk(item, f"{where}/{index}", False)
        elif isinstance(node, dict):
            for key, value in node.items():
                prose = key in ("description", "summary", "example", "examples") or key.startswith("x-")
                data = key == "example" and _kept_example(node, value)  # a scalar example: data the fake answers
                if not names and prose and not data and value != "":  # a Response Object's required description
                    found.append(f"{where}/{key}")
                name_map = key in ("properties", "paths", "responses", "content", "schemas", "parameters")
                walk(value, f"{where}/{key}", name_map and not names)

    walk(document, "#", False)
    assert found == []
    operations = load_spec(f"official:{version}").operations()
    assert len(operations) >= 90
    assert {"createMessage", "identifyAdmin"} <= {op.operation_id for op in operations}


def _kept_example(schema: dict[str, Any], value: Any) -> bool:
    """The examples the pack keeps: a short string or a number, of a field that cannot be null."""
    if schema.get("nullable") is True or isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and len(value) <= 80)


def test_the_pack_keeps_scalar_examples_of_fields_that_cannot_be_null_and_says_so() -> None:
    document = load_spec("official:2.11", errata=False).document
    contact = document["components"]["schemas"]["contact"]["properties"]
    assert (contact["type"]["example"], contact["role"]["example"]) == ("contact", "user")
    assert "example" not in contact["name"]  # nullable: answered null when unset, its example left out
    assert "scalar `example` values" in resources.files("contracts.pack").joinpath("NOTICE").read_text(encoding="utf-8")


def test_the_index_says_where_the_facts_come_from() -> None:
    index = pack_index()
    assert index["commit"] == "8889625"
    every_published = ["2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13", "2.14", "2.15", "2.16", "Preview"]
    assert list(index["versions"]) == list(pack_versions()) == every_published
    notice = resources.files("contracts.pack").joinpath("NOTICE").read_text()
    assert "Copyright (c) 2022 Intercom, Inc." in notice
    assert "https://github.com/intercom/Intercom-OpenAPI" in notice


def test_the_wheel_carries_every_file_of_the_pack() -> None:
    import fnmatch
    import re

    # pyproject's [tool.setuptools.package-data] line for contracts (tomllib is 3.11+; the project runs on 3.10)
    line = re.search(r"^contracts = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert line is not None
    globs = re.findall(r'"([^"]+)"', line.group(1))
    shipped = [entry.name for entry in resources.files("contracts.pack").iterdir() if entry.is_file()]
    for name in shipped:
        if name != "__init__.py":
            assert any(fnmatch.fnmatch(f"pack/{name}", glob) for glob in globs), name
