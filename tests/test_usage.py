"""The usage profile (--intercom-usage) and the contract coverage of a team's tests through intercom_mock."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from contracts.mock import IntercomMock
from contracts.reports import UsageProfile
from contracts.reports._usage import MAX_SHAPES, json_paths, json_shape
from contracts.spec import Contracts

TOKEN = "tok_usage_secret_0123456789"
MESSAGE = {
    "message_type": "inapp",
    "body": "the body text secret-value",
    "from": {"type": "admin", "id": 991267490},
    "to": {"type": "user", "id": "6762f0d91bb69f9f2193bb38"},
}


def _profile_of(mock: IntercomMock) -> UsageProfile:
    from contracts.pytest.fixtures import observe_usage

    profile = UsageProfile()
    observe_usage(profile, mock)
    return profile


def _send(mock: IntercomMock, *, force: tuple[int, str] | None = None) -> httpx.Response:
    if force is not None:
        mock.respond_next_with(*force)
    with httpx.Client(transport=mock.transport(), base_url=mock.base_urls["us"]) as client:
        return client.post(
            "/messages?trace=on",
            json=MESSAGE,
            headers={"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.11"},
        )


def test_json_paths_name_members_and_array_items_never_values() -> None:
    found: set[str] = set()
    json_paths({"a": {"b": 1}, "data": [{"id": "x"}, {"name": "y"}], "s": "value"}, found)
    assert found == {"$.a", "$.a.b", "$.data", "$.data[*].id", "$.data[*].name", "$.s"}


def test_json_shapes_hold_each_paths_json_type_never_a_value() -> None:
    found: dict[str, str] = {}
    json_shape({"a": {"b": 1, "f": 1.5, "t": True}, "ids": [1, "x"], "n": None, "s": "value"}, found)
    assert found == {
        "$": "object",
        "$.a": "object",
        "$.a.b": "integer",
        "$.a.f": "number",
        "$.a.t": "boolean",
        "$.ids": "array",
        "$.ids[*]": "integer|string",
        "$.n": "null",
        "$.s": "string",
    }


def test_a_profile_keeps_each_distinct_request_shape_up_to_its_cap() -> None:
    profile = UsageProfile()
    for index in range(2 * MAX_SHAPES + 4):
        body = json.dumps({"a": index} if index % 2 else {"a": index, f"b{index}": "v"})
        profile.observe(
            operation="op", version="2.11", method="POST", path="/x", request_body=body, query="",
            header_names=(), status=200, response_body={},
        )  # fmt: skip
    (use,) = profile.to_data()["operations"]
    assert {"$": "object", "$.a": "integer"} in use["request_shapes"]
    assert len(use["request_shapes"]) == MAX_SHAPES
    assert UsageProfile.from_data(profile.to_data()).to_data() == profile.to_data()
    use["request_shapes"] = ["not a shape"]
    with pytest.raises(ValueError, match="operation entry is malformed"):
        UsageProfile.from_data({"format": 1, "operations": [use]})


def test_a_profile_holds_names_and_answers_never_a_value_or_the_token() -> None:
    mock = IntercomMock.from_settings()
    with mock:
        assert _send(mock).status_code == 200
        assert _send(mock, force=(404, "not_found")).status_code == 404
    data = _profile_of(mock).to_data()
    text = json.dumps(data)
    for secret in (TOKEN, "secret-value", "991267490", "6762f0d91bb69f9f2193bb38", "inapp"):
        assert secret not in text
    (use,) = data["operations"]
    assert data["format"] == 1
    assert (use["operation"], use["version"], use["method"], use["path"]) == (
        "createMessage",
        "2.11",
        "POST",
        "/messages",
    )
    assert {"$.from.id", "$.to.type", "$.message_type", "$.body"} <= set(use["request_fields"])
    (shape,) = use["request_shapes"]
    assert (shape["$.from.id"], shape["$.to.id"], shape["$.message_type"]) == ("integer", "string", "string")
    # a value only where it is one of the constants 2.11 documents there (`inapp` is not: not kept)
    assert use["request_enum_values"] == {"$.from.type": ["admin"], "$.to.type": ["user"]}
    assert use["query"] == ["trace"]
    assert {"authorization", "intercom-version"} <= set(use["headers"])
    assert [(a["status"], a["code"], a["count"]) for a in use["answers"]] == [(200, None, 1), (404, "not_found", 1)]
    assert "$.id" in use["response_fields"]["200"]
    assert "$.errors[*].code" in use["response_fields"]["404"]


def test_profiles_merge_and_read_back_the_same() -> None:
    mock = IntercomMock.from_settings()
    with mock:
        _send(mock)
    one = _profile_of(mock)
    merged = UsageProfile.from_data(one.to_data())
    merged.merge(UsageProfile.from_data(one.to_data()))
    (use,) = merged.to_data()["operations"]
    assert use["calls"] == 2
    assert use["answers"] == [{"status": 200, "code": None, "count": 2}]
    with pytest.raises(ValueError, match="format 1"):
        UsageProfile.from_data({"format": 99})


def _documented(operation: str, version: str) -> list[str]:
    responses = Contracts("bundled").spec_for(version).operation(operation).node["responses"]
    return [str(status) for status in responses]


def test_coverage_lists_the_answers_never_met_with_the_call_that_provokes_each() -> None:
    mock = IntercomMock.from_settings()
    with mock:
        _send(mock)
    (only_200s,) = _profile_of(mock).coverage(_documented)
    assert only_200s.met == ["200"]
    assert {"401", "404", "429"} <= set(only_200s.never)
    hints = "\n".join(only_200s.hints())
    assert 'intercom_mock.respond_next_with(404, "not_found")' in hints
    assert "intercom_mock.rate_limit_next()" in hints
    assert only_200s.line().startswith("createMessage (2.11): 200 met; ")


def test_a_test_meeting_404_removes_the_404_gap() -> None:
    mock = IntercomMock.from_settings()
    with mock:
        _send(mock)
        _send(mock, force=(404, "not_found"))
    (coverage,) = _profile_of(mock).coverage(_documented)
    assert coverage.met == ["200", "404"]
    assert "404" not in coverage.never


CONSUMER = """
import httpx

def _post(intercom_mock):
    with httpx.Client(base_url="https://api.intercom.io") as client:
        return client.post(
            "/messages",
            json={"message_type": "inapp", "body": "hello value", "from": {"type": "admin", "id": 991267490},
                  "to": {"type": "user", "id": "6762f0d91bb69f9f2193bb38"}},
            headers={"Authorization": "Bearer tok_consumer_secret_42"},
        )

def test_happy(intercom_mock):
    assert _post(intercom_mock).status_code == 200

def test_missing(intercom_mock):
    intercom_mock.respond_next_with(404, "not_found")
    assert _post(intercom_mock).status_code == 404

def test_admins(intercom_mock):
    with httpx.Client(base_url="https://api.intercom.io") as client:
        assert client.get("/admins", headers={"Authorization": "Bearer tok_consumer_secret_42"}).status_code == 200
"""


def test_an_xdist_session_writes_one_merged_profile_and_shows_coverage(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_consumer=CONSUMER)
    profile = pytester.path / "usage.json"
    report = pytester.path / "report.json"
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-n", "2", "--intercom-usage", str(profile), "--intercom-report", str(report)
    )
    result.assert_outcomes(passed=3)
    text = profile.read_text()
    for secret in ("tok_consumer_secret_42", "hello value", "991267490"):
        assert secret not in text
    data = json.loads(text)
    by_operation = {use["operation"]: use for use in data["operations"]}
    assert set(by_operation) == {"createMessage", "listAdmins"}
    assert by_operation["createMessage"]["calls"] == 2
    (shape,) = by_operation["createMessage"]["request_shapes"]  # the two workers' one shape, once
    assert shape["$.from.id"] == "integer"
    assert by_operation["createMessage"]["request_enum_values"] == {"$.from.type": ["admin"], "$.to.type": ["user"]}
    assert {a["status"] for a in by_operation["createMessage"]["answers"]} == {200, 404}
    result.stdout.fnmatch_lines(
        ["*intercom contract coverage*", "createMessage (2.11): 200, 404 met; * never*", "*rate_limit_next()*"]
    )
    assert "tok_consumer_secret_42" not in result.stdout.str()
    coverage = {item["operation"]: item for item in json.loads(report.read_text())["coverage"]}
    assert coverage["listAdmins"]["met"] == ["200"]
    assert "404" not in coverage["createMessage"]["never"]


def test_the_usage_option_refuses_a_directory(pytester: pytest.Pytester, tmp_path: Path) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "--intercom-usage", str(tmp_path))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--intercom-usage: * is a directory*"])


def test_the_ini_key_writes_the_profile_too(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_consumer=CONSUMER)
    pytester.makeini("[pytest]\nintercom_usage = from-ini.json\n")
    pytester.runpytest("-p", "no:cacheprovider", "-k", "admins").assert_outcomes(passed=1, deselected=2)
    (use,) = json.loads((pytester.path / "from-ini.json").read_text())["operations"]
    assert use["operation"] == "listAdmins"
