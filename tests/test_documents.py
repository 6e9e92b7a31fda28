"""Parsing: JSON and YAML into the JSON data model, cached by content hash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts import SpecError
from contracts.spec import _documents as documents
from contracts.spec._documents import parse, parse_cached


def test_yaml_dates_stay_strings() -> None:
    assert parse(b"day: 2024-01-01\n", "x") == {"day": "2024-01-01"}


def test_json_is_parsed_as_json() -> None:
    assert parse(b'{"a": [1, 2.5, null]}', "x") == {"a": [1, 2.5, None]}


def test_yaml_errors_name_the_source_and_place() -> None:
    with pytest.raises(SpecError, match=r"spec x\.yaml: is not valid YAML or JSON: .*\(line 3, column 1\)"):
        parse(b"a: 1\nb: [\n", "x.yaml")


def test_not_utf8_is_a_spec_error() -> None:
    with pytest.raises(SpecError, match=r"^spec x: is not (valid YAML or JSON|UTF-8 text)"):
        parse(b"a: \xff\xfe\x00", "x")


def test_second_parse_of_the_same_bytes_comes_from_the_cache(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.dumps({"openapi": "3.0.3", "paths": {}}).encode()
    first = parse_cached(data, "x")
    calls: list[bytes] = []
    monkeypatch.setattr(documents, "parse", lambda raw, name: calls.append(raw))
    assert parse_cached(data, "x") == first
    assert calls == []
    parse_cached(data + b" ", "x")  # other bytes, other key
    assert len(calls) == 1


def test_a_damaged_cache_entry_is_parsed_again(cache_dir: Path) -> None:
    data = b"openapi: 3.0.3\npaths: {}\n"
    parse_cached(data, "x")
    (entry,) = (cache_dir / "parsed").iterdir()
    entry.write_bytes(b"garbage")
    assert parse_cached(data, "x") == {"openapi": "3.0.3", "paths": {}}


def test_an_unwritable_cache_does_not_stop_loading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("INTERCOM_CONTRACTS_CACHE_DIR", str(blocker / "cache"))
    assert parse_cached(b"a: 1\n", "x") == {"a": 1}
