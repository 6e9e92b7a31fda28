"""The upgrade over a usage profile, against the facts pack: one test per finding kind, and the command."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from contracts import load_spec
from contracts.analysis import UsageUpgrade, documented_enums, usage_upgrade
from contracts.analysis._request_shapes import ShapeProblem, shape_problems
from contracts.analysis._usage_upgrade import json_path_of
from contracts.cli import main
from contracts.reports import UsageProfile


def _profile(
    operation: str,
    version: str,
    *,
    request: Sequence[str] = (),
    response: Sequence[str] = (),
    shapes: Sequence[dict[str, str]] = (),
    sent: dict[str, list[str]] | None = None,
) -> UsageProfile:
    return UsageProfile.from_data(
        {
            "format": 1,
            "operations": [
                {
                    "operation": operation,
                    "version": version,
                    "method": "GET",
                    "path": "/x",
                    "request_fields": list(request) or sorted({p for shape in shapes for p in shape} - {"$"}),
                    "request_shapes": list(shapes),
                    "request_enum_values": sent or {},
                    "answers": [{"status": 200, "code": None, "count": 1}],
                    "response_fields": {"200": list(response)},
                }
            ],
        }
    )


def test_schema_pointers_become_the_json_paths_a_profile_holds() -> None:
    assert json_path_of("/properties/admins/items/properties/avatar") == "$.admins[*].avatar"
    assert json_path_of("/allOf/0/properties/owner_id") == "$.owner_id"
    assert json_path_of("/properties/message_type/enum") == "$.message_type"
    assert json_path_of("") == "$"


def test_a_response_field_the_code_received_that_the_version_removes_breaks() -> None:
    used = _profile("listAdmins", "2.14", response=["$.admins", "$.admins[*].avatar", "$.admins[*].avatar.image_url"])
    found = usage_upgrade(used, "2.15")
    on_image_url = [f for f in found.findings if f.path == "$.admins[*].avatar.image_url"]
    (removed,) = on_image_url  # not "made optional" too
    assert (removed.where, removed.kind, removed.severity) == ("response 200", "field removed", "breaks")
    assert removed.old == {"type": "string", "format": "uri"}
    assert removed.new is None


def test_a_response_field_retyped_breaks_with_both_schema_excerpts() -> None:
    found = usage_upgrade(_profile("listAdmins", "2.14", response=["$.admins[*].avatar"]), "2.15")
    (retyped,) = [f for f in found.findings if f.kind == "type changed"]
    assert (retyped.path, retyped.severity) == ("$.admins[*].avatar", "breaks")
    assert "object" in json.dumps(retyped.old)
    assert "string" in json.dumps(retyped.new)
    assert not [f for f in found.findings if f.kind == "field removed"]  # image_url was never received


def test_an_operation_gone_breaks() -> None:
    found = usage_upgrade(_profile("autoAssignConversation", "2.11"), "2.12")
    assert [(f.kind, f.severity, f.new) for f in found.findings] == [("operation removed", "breaks", None)]


def test_fields_the_code_never_used_are_not_reported() -> None:
    found = usage_upgrade(_profile("listAdmins", "2.14", response=["$.type"]), "2.15")
    assert found.findings == []
    assert found.to_text().endswith("nothing the code uses changes")


def test_the_command_exits_1_on_a_break_in_every_format_and_2_on_a_bad_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "usage.json"
    path.write_text(_profile("listAdmins", "2.14", response=["$.admins[*].avatar"]).to_json())
    assert main(["upgrade", "--usage", str(path), "--to", "2.15"]) == 1
    assert "BREAKS  listAdmins response 200 $.admins[*].avatar: type changed" in capsys.readouterr().out
    assert main(["upgrade", "--usage", str(path), "--to", "2.15", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["breaks"] == 1
    assert main(["upgrade", "--usage", str(path), "--to", "2.15", "--format", "markdown"]) == 1
    assert "| breaks | listAdmins | response 200 | `$.admins[*].avatar` | type changed |" in capsys.readouterr().out
    assert main(["upgrade", "--usage", str(path), "--from", "2.15", "--to", "2.15"]) == 0
    (tmp_path / "bad.json").write_text('{"format": 7}')
    assert main(["upgrade", "--usage", str(tmp_path / "bad.json"), "--to", "2.15"]) == 2
    assert "not a usage profile of format 1" in capsys.readouterr().err
    assert main(["upgrade", "--usage", str(path), "--to", "9.99"]) == 2


def test_a_request_field_the_code_sends_that_the_version_removes_breaks() -> None:
    found = usage_upgrade(_profile("createNote", "2.13", request=["$.body", "$.contact_id"]), "2.14")
    removed = [f for f in found.findings if f.where == "request" and f.path == "$.contact_id"]
    assert [(f.kind, f.severity) for f in removed] == [("field removed", "breaks")]
    assert removed[0].new is None


# createArticle at 2.10 -> 2.11: a translation (`translated_content.ar`) gained six required members and
# `translated_content` may no longer be null; replyTicket at 2.9 -> 2.10: `message_type` became required.
ARTICLE = {"$": "object", "$.title": "string", "$.author_id": "integer", "$.translated_content": "object"}
TRANSLATION = {"$.translated_content.ar": "object", "$.translated_content.ar.title": "string"}


def _refusals(found: UsageUpgrade) -> list[tuple[str, str]]:
    return sorted((f.path, f.kind) for f in found.findings if f.kind.startswith("request refused"))


def test_a_recorded_request_lacking_a_member_the_version_requires_is_refused() -> None:
    found = usage_upgrade(_profile("createArticle", "2.10", shapes=[{**ARTICLE, **TRANSLATION}]), "2.11")
    missing = [f for f in found.findings if f.kind == "request refused: a required field it does not send"]
    assert sorted(f.path for f in missing) == [
        f"$.translated_content.ar.{name}" for name in ("author_id", "body", "description", "state", "type")
    ]  # its title was sent
    body = next(f for f in missing if f.path.endswith(".body"))
    assert (body.severity, body.old, body.new) == (
        "breaks",
        {"type": "string", "is_required": False},
        {"type": "string", "is_required": True},
    )


def test_a_recorded_request_sending_a_type_the_version_refuses_is_refused() -> None:
    found = usage_upgrade(
        _profile("createArticle", "2.10", shapes=[{**ARTICLE, "$.translated_content": "null"}]), "2.11"
    )
    assert _refusals(found) == [("$.translated_content", "request refused: it sends null, not allowed")]
    (refused,) = [f for f in found.findings if f.kind.startswith("request refused")]
    assert refused.old["type"] == ["object", "null"]
    assert refused.new["type"] == "object"


def test_a_recorded_request_the_version_still_accepts_is_not_refused() -> None:
    sent = {"$": "object", "$.title": "string", "$.author_id": "integer"}  # no translation: nothing newly required
    assert _refusals(usage_upgrade(_profile("createArticle", "2.10", shapes=[sent]), "2.11")) == []
    reply = {"$": "object", "$.message_type": "string", "$.type": "string", "$.body": "string", "$.admin_id": "string"}
    assert ("$.message_type", "request refused: a required field it does not send") not in _refusals(
        usage_upgrade(_profile("replyTicket", "2.9", shapes=[reply]), "2.10")
    )
    without = {key: value for key, value in reply.items() if key != "$.message_type"}
    assert ("$.message_type", "request refused: a required field it does not send") in _refusals(
        usage_upgrade(_profile("replyTicket", "2.9", shapes=[without]), "2.10")
    )


def test_the_shape_judge_refuses_members_an_object_does_not_allow_and_picks_the_best_branch() -> None:
    closed = {
        "type": "object",
        "properties": {"email": {"type": "string"}, "id": {"type": "integer"}},
        "additionalProperties": False,
    }
    sent = {"$": "object", "$.email": "string", "$.user_id": "string"}
    assert shape_problems(sent, closed) == {ShapeProblem("$.user_id", "field not allowed", "string")}
    assert shape_problems(sent, {**closed, "additionalProperties": True}) == set()
    choice = {"oneOf": [{"required": ["id"]}, {"required": ["email"]}], "properties": closed["properties"]}
    assert shape_problems({"$": "object", "$.email": "string"}, choice) == set()  # the email branch fits
    assert shape_problems({"$": "object", "$.id": "number"}, choice) == {
        ShapeProblem("$.id", "type not allowed", "number")
    }  # an integer fits a number, not the other way round
    assert shape_problems({"$": "object", "$.id": "integer"}, {"properties": {"id": {"type": "number"}}}) == set()


def test_a_field_removed_beside_one_added_of_the_same_schema_is_a_likely_rename() -> None:
    # 2.14 calls a conversation's teammates `admins`: the same array of {id, type} under another name.
    used = ["$.conversations", "$.conversations[*].teammates", "$.conversations[*].teammates.teammates"]
    found = usage_upgrade(_profile("listConversations", "2.11", response=used), "2.14")
    (renamed,) = [f for f in found.findings if f.path == "$.conversations[*].teammates.teammates"]
    assert (renamed.kind, renamed.severity) == ("renamed (likely) teammates -> admins", "breaks")
    assert renamed.old == renamed.new == {"type": "array", "items": {"type": "object", "properties": ["id", "type"]}}


def test_a_field_removed_beside_one_added_of_another_type_is_no_rename() -> None:
    # 2.14's contact loses `formatted_phone` (a string) and gains `enabled_push_messaging` (a boolean).
    found = usage_upgrade(_profile("CreateContact", "2.11", response=["$.formatted_phone", "$.id"]), "2.14")
    (removed,) = [f for f in found.findings if f.path == "$.formatted_phone"]
    assert (removed.kind, removed.new) == ("field removed", None)


ROOT = Path(__file__).resolve().parent.parent


def test_the_examples_sdk_integration_profiled_at_2_11_then_upgraded_to_2_14(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    usage = tmp_path / "usage.json"
    tests = ROOT / "examples" / "onboarding"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-q",
        str(tests),
        "--intercom-usage",
        str(usage),
    ]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "createMessage (2.11): 200, 404 met;" in done.stdout  # the coverage the SDK's tests reached
    written = usage.read_text()
    for value in ("test-token", "ada@example.com", "plan:pro", "Welcome", "u-1"):
        assert value not in written
    profile = UsageProfile.read(usage)
    assert set(profile.uses) == {
        (operation, "2.11")
        for operation in ("CreateContact", "createTag", "attachTagToContact", "createNote", "createMessage")
    } | {("listConversations", "2.11")}

    found = usage_upgrade(profile, "2.14")
    kinds = {(f.operation, f.path): f.kind for f in found.findings}
    assert kinds[("listConversations", "$.conversations[*].teammates.teammates")] == (
        "renamed (likely) teammates -> admins"
    )
    assert kinds[("CreateContact", "$.formatted_phone")] == "field removed"
    assert kinds[("createMessage", "$.from.type")] == "enum values removed, none the code sends (admin)"
    assert kinds[("createNote", "$.body")] == "body made optional"
    assert ("CreateContact", "$.email") not in kinds  # 2.14 wraps the request in a lone oneOf: the same fields
    assert not [f for f in found.findings if f.kind.startswith("request refused")]  # 2.14 takes what the SDK sends
    text = found.to_text()
    assert "  CHANGES createNote response 200: 14 fields made optional: $.author," in text  # absence: worth a look
    assert {f.kind for f in found.breaks} == {
        "field removed",
        "renamed (likely) teammates -> admins",
    }  # what the code received and 2.14 no longer describes
    assert max(len(line) for line in text.splitlines()) <= 120
    assert main(["upgrade", "--usage", str(usage), "--to", "2.14"]) == 1
    assert capsys.readouterr().out.strip() == text
    grouped = (
        "| changes | attachTagToContact | response 200 | `$.applied_at`, `$.applied_by`, `$.id`, `$.name`, `$.type` | "
        "5 fields made optional | required | optional |"
    )
    assert grouped in found.to_markdown()


def test_an_enum_losing_values_breaks_only_when_it_loses_one_the_code_sends() -> None:
    # 2.14 lets only an admin send a message: `from.type` loses lead, user and contact.
    used = ["$.from", "$.from.type", "$.from.id"]
    admin = usage_upgrade(_profile("createMessage", "2.11", request=used, sent={"$.from.type": ["admin"]}), "2.14")
    (kept,) = [f for f in admin.findings if f.path == "$.from.type"]
    assert (kept.kind, kept.severity) == ("enum values removed, none the code sends (admin)", "safe")
    user = usage_upgrade(
        _profile("createMessage", "2.11", request=used, sent={"$.from.type": ["admin", "user"]}), "2.14"
    )
    (lost,) = [f for f in user.findings if f.path == "$.from.type"]
    assert (lost.kind, lost.severity) == ("enum values removed, user sent by the code", "breaks")
    unknown = usage_upgrade(_profile("createMessage", "2.11", request=used), "2.14")  # a profile without the values
    assert [(f.kind, f.severity) for f in unknown.findings if f.path == "$.from.type"] == [
        ("enum values removed", "breaks")
    ]


def test_the_documented_enums_of_a_request_by_path() -> None:
    enums = documented_enums(load_spec("official:2.11"), "createMessage")
    assert enums["$.from.type"] == {"lead", "user", "contact", "admin"}
    assert enums["$.message_type"] == {"in_app", "email"}
    assert "$.body" not in enums


@pytest.mark.parametrize(
    ("kind", "old", "new", "severity"),
    [
        ("email made optional", None, None, "changes"),  # may be absent now: code reading it must allow for that
        ("type widened", ["object"], ["null", "object"], "changes"),  # may be null now
        ("type widened", ["string"], ["integer", "string"], "breaks"),  # a value of another type may come
        ("field removed", None, None, "breaks"),
    ],
)
def test_an_answers_field_that_may_be_left_out_is_a_change_not_a_break(
    kind: str, old: Any, new: Any, severity: str
) -> None:
    from contracts.analysis._diff import Change
    from contracts.analysis._usage_upgrade import _severity

    assert _severity(Change("getContact", "response 200", "/properties/x", kind, True, old, new)) == severity
