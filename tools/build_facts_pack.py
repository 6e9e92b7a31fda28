#!/usr/bin/env python3
"""Build the facts pack: the API facts of every published Intercom description, shipped in the package.

Reads Intercom's published OpenAPI descriptions (MIT, the public Intercom-OpenAPI repository) from
`../shared/intercom-openapi/<version>/api.intercom.io.yaml` and writes `contracts/pack/<version>.json.gz`: the
operations (method, path, operationId, tags), parameters, request and response schemas with their types, enums,
required lists and formats, servers and security, as an OpenAPI 3 document. Prose (description, summary) and
examples are left out, and so are vendor extensions; but a short scalar `example` of a field that cannot be null is
kept (data: the value the fake answers for the field unset). Deterministic: the same descriptions give the same pack.

    python tools/build_facts_pack.py [--shared PATH] [--out DIR] [--check]

`--check` rebuilds in memory and exits 1 when the shipped pack differs (tests/test_pack.py does the same).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.spec import Spec, parse  # noqa: E402  (after the path: the same parser the package uses)

DEFAULT_SHARED = ROOT.parent / "shared"
DEFAULT_OUT = ROOT / "contracts" / "pack"
VERSIONS = (*(f"2.{minor}" for minor in range(7, 17)), "Preview")
FORMAT = 1
# Keys that are prose or examples wherever they are keywords (never where they name a property or a status).
PROSE = frozenset({"description", "summary", "example", "examples", "externalDocs", "termsOfService", "contact"})
EXAMPLE_CHARS = 80  # longer example strings are prose-like (bodies, HTML): left out, the fake answers a short text
# Objects whose keys are names chosen by the description (properties, paths, statuses, media types...): their keys
# are kept, whatever they are called, and each value is read as the object it is.
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "dependentSchemas",
        "$defs",
        "definitions",
        "paths",
        "responses",
        "content",
        "schemas",
        "parameters",
        "headers",
        "requestBodies",
        "securitySchemes",
        "encoding",
        "variables",
        "links",
        "callbacks",
        "mapping",
        "scopes",
    }
)


def strip(node: Any, *, names: bool = False, responses: bool = False) -> Any:
    """`node` without prose, examples and vendor extensions (keys of a name map are names: kept)."""
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    kept: dict[str, Any] = {}
    for key, value in node.items():
        key = str(key)
        if not names and (key in PROSE or key.startswith("x-")) and not _scalar_example(node, key, value):
            continue
        if names:
            kept[key] = strip(value)
            if responses and isinstance(kept[key], dict) and "$ref" not in kept[key]:
                kept[key] = {"description": "", **kept[key]}  # required of a Response Object: kept, emptied
        elif key == "components" and isinstance(value, dict):
            kept[key] = {
                k: strip(v, names=True, responses=k == "responses")
                for k, v in value.items()
                if k != "examples" and isinstance(v, dict)
            }
        elif key in NAME_MAPS and isinstance(value, dict):
            kept[key] = strip(value, names=True, responses=key == "responses")
        else:
            kept[key] = strip(value)
    return kept


def _scalar_example(node: dict[str, Any], key: str, value: Any) -> bool:
    """A scalar `example` of a field that cannot be null is data (the value Intercom shows for it), kept for the fake's
    answers; a nullable field is answered null when unset, so its example is left out with the prose."""
    if key != "example" or node.get("nullable") is True or isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or (isinstance(value, str) and len(value) <= EXAMPLE_CHARS)


def facts_of(document: dict[str, Any]) -> dict[str, Any]:
    """The facts of one published description, as an OpenAPI 3 document."""
    facts = strip(document)
    facts["info"] = {key: document["info"][key] for key in ("title", "version") if key in document["info"]}
    if "tags" in facts:  # top-level tags: their names only
        facts["tags"] = [{"name": tag["name"]} for tag in facts["tags"] if isinstance(tag, dict) and "name" in tag]
    return facts


def commit_of(shared: Path) -> str:
    """The commit of the public Intercom-OpenAPI repository the shared descriptions are a snapshot of."""
    text = (shared / "README.md").read_text(encoding="utf-8") if (shared / "README.md").is_file() else ""
    found = re.search(r"Intercom-OpenAPI repository, commit ([0-9a-f]{7,40})", text)
    return found.group(1) if found else "unknown"


def build(shared: Path) -> dict[str, bytes]:
    """File name -> bytes of the pack."""
    commit = commit_of(shared)
    files: dict[str, bytes] = {}
    index: dict[str, dict[str, Any]] = {}
    for version in VERSIONS:
        path = shared / "intercom-openapi" / version / "api.intercom.io.yaml"
        document = parse(path.read_bytes(), str(path))
        compiled = Spec(source=str(path), document=document).contract().compiled
        index[version] = {"intercom_versions": list(compiled.versions), "default": compiled.default_version}
        pack = {
            "format": FORMAT,
            "version": version,
            "origin": {
                "repository": "https://github.com/intercom/Intercom-OpenAPI",
                "commit": commit,
                "path": f"descriptions/{'0' if version == 'Preview' else version}/api.intercom.io.yaml",
                "license": "MIT, Copyright (c) 2022 Intercom, Inc. (see NOTICE)",
            },
            "document": facts_of(document),
        }
        text = json.dumps(pack, ensure_ascii=False, separators=(",", ":"), default=str)
        files[f"{version}.json.gz"] = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    summary = {"format": FORMAT, "commit": commit, "versions": index}
    files["index.json"] = (json.dumps(summary, separators=(",", ":")) + "\n").encode("utf-8")
    license_text = (shared / "intercom-openapi" / "LICENSE.md").read_text(encoding="utf-8")
    files["NOTICE"] = (
        "The facts in this directory (*.json.gz) are derived from Intercom's published OpenAPI descriptions,\n"
        f"https://github.com/intercom/Intercom-OpenAPI at commit {commit}, by tools/build_facts_pack.py\n"
        "(prose, vendor extensions and structured examples removed; scalar `example` values, like `default`s, are\n"
        "kept as data: the values the fake answers with). They are distributed under the license of those\n"
        "descriptions:\n\n" + license_text
    ).encode("utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared material (../shared)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the pack goes (contracts/pack)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the shipped pack differs")
    args = parser.parse_args(argv)
    files = build(args.shared)
    if args.check:
        stale = [name for name, data in files.items() if _read(args.out / name) != data]
        for name in stale:
            print(f"{args.out / name} differs from what {args.shared} gives", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (args.out / name).write_bytes(data)
    total = sum(len(data) for data in files.values())
    print(f"wrote {len(files)} files, {total:,} bytes, to {args.out}")
    return 0


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


if __name__ == "__main__":
    sys.exit(main())
