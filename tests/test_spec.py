"""load_spec and Spec: every published description yields a working createMessage contract; bad input is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts import ContractViolation, SpecError, UsageError, load_spec

from .conftest import PUBLISHED

MINIMAL_MESSAGE = {
    "type": "user_message",
    "id": "1",
    "created_at": 1719492969,
    "body": "Hi",
    "message_type": "inapp",
}


@pytest.mark.parametrize("version", PUBLISHED)
def test_every_official_description_yields_a_message_contract(version: str) -> None:
    spec = load_spec(f"official:{version}")
    contract = spec.contract()
    assert spec.official_version == version
    contract.validate_message(MINIMAL_MESSAGE)
    without_id = {k: v for k, v in MINIMAL_MESSAGE.items() if k != "id"}
    with pytest.raises(ContractViolation) as raised:
        contract.validate_message(without_id)
    assert "'id' is a required property" in str(raised.value)
    assert raised.value.path == "$"


def test_bundled_contract_documents_the_three_regions_and_versions() -> None:
    spec = load_spec("bundled")
    contract = spec.contract()
    assert spec.servers == [
        "https://api.intercom.io",
        "https://api.eu.intercom.io",
        "https://api.au.intercom.io",
    ]
    assert contract.version == "2.11"
    assert contract.versions[-2:] == ("2.11", "Preview")
    assert contract.statuses == {200, 400, 401, 403, 404, 422, 429}  # 404 and 429: errata
    assert (spec.official_version, spec.from_pack) == ("2.11", True)


def test_unknown_version_is_a_usage_error_listing_the_documented_ones() -> None:
    with pytest.raises(UsageError, match=r"'9\.99' is not among the versions .* 2\.11, Preview"):
        load_spec("bundled").contract("9.99")


def test_unstable_is_accepted_as_the_old_name_of_preview() -> None:
    assert load_spec("bundled").contract("Unstable").version == "Unstable"


def test_errata_make_official_2_11_accept_its_own_examples() -> None:
    corrected = load_spec("official:2.11").contract()
    published = load_spec("official:2.11", errata=False).contract()
    corrected.validate_message(MINIMAL_MESSAGE)
    with pytest.raises(ContractViolation, match="'subject' is a required property"):
        published.validate_message(MINIMAL_MESSAGE)
    error = {"type": "error.list", "request_id": "b2i3ri5909msvfqskol0", "errors": [{"code": "unauthorized"}]}
    corrected.validate_error(error)


def test_errata_tie_the_email_branch_of_official_descriptions() -> None:
    email_without_subject = {
        "message_type": "email",
        "body": "Hi",
        "template": "plain",
        "from": {"type": "admin", "id": 1},
        "to": {"type": "user", "id": "abc"},
    }
    load_spec("official:2.11", errata=False).contract().validate_create_message_request(email_without_subject)
    with pytest.raises(ContractViolation, match="subject"):
        load_spec("official:2.11").contract().validate_create_message_request(email_without_subject)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("openapi: 3.0.1\npaths: {\n", "is not valid YAML or JSON"),
        ("swagger: '2.0'\npaths: {}\n", "no `openapi` field (it says swagger: 2.0)"),
        ("openapi: 2.0.0\npaths: {}\n", "openapi is '2.0.0'"),
        ("- a\n- list\n", "it is a list, not a mapping"),
        ("", "it is empty"),
        ("openapi: 3.0.1\ninfo: {}\n", "has no `paths` mapping"),
    ],
)
def test_unusable_documents_raise_a_spec_error_naming_the_source(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(content)
    with pytest.raises(SpecError) as raised:
        load_spec(str(path))
    assert str(raised.value).startswith(f"spec {path}")
    assert problem in str(raised.value)


def test_bad_yaml_is_located_by_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text("openapi: 3.0.1\npaths:\n  /x: [unclosed\n")
    with pytest.raises(SpecError, match=r"line \d+, column \d+"):
        load_spec(str(path))


def test_missing_file_says_what_sources_are_accepted(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"no such file\. Pass `bundled`, a path"):
        load_spec(str(tmp_path / "absent.yaml"))


def test_a_spec_without_create_message_fails_when_the_contract_is_asked(tmp_path: Path) -> None:
    path = tmp_path / "api.json"
    path.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}}))
    spec = load_spec(str(path))
    with pytest.raises(SpecError, match=r"at #/paths: has no createMessage operation \(POST /messages\)"):
        spec.contract()


def test_a_dangling_ref_reached_by_create_message_names_its_pointer(tmp_path: Path) -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "x", "version": "1"},
        "paths": {
            "/messages": {
                "post": {
                    "operationId": "createMessage",
                    "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/nope"}}}},
                    "responses": {
                        "200": {"description": "ok", "content": {"application/json": {"schema": {}}}},
                        "400": {"description": "bad", "content": {"application/json": {"schema": {}}}},
                    },
                }
            }
        },
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document))
    with pytest.raises(SpecError) as raised:
        load_spec(str(path)).contract()
    assert "'#/components/schemas/nope' points to nothing" in str(raised.value)
    assert str(raised.value.pointer).endswith("/$ref")


def test_operation_is_found_by_place_when_the_operation_id_differs(tmp_path: Path) -> None:
    spec = load_spec("bundled")
    spec.document["paths"]["/messages"]["post"]["operationId"] = "sendMessage"
    assert spec.operation("createMessage").path == "/messages"
