"""Lint: the published 2.11 defects are found; our bundled contract is clean."""

from __future__ import annotations

import json

import pytest

from contracts import load_spec
from contracts.lint import LintReport, lint

from .conftest import official_path


@pytest.fixture(scope="module")
def report_2_11() -> LintReport:
    return lint(load_spec(str(official_path("2.11")), errata=False))


def test_dangling_custom_attributes_refs(report_2_11: LintReport) -> None:
    dangling = report_2_11.of_kind("dangling-ref")
    assert dangling
    assert all("'#/components/schemas/custom_attributes' points to nothing" in f.message for f in dangling)
    assert "#/components/schemas/conversation/properties/custom_attributes/$ref" in {f.pointer for f in dangling}


def test_the_nine_invalid_messages_examples(report_2_11: LintReport) -> None:
    messages = [f for f in report_2_11.of_kind("example-invalid") if f.pointer.startswith("#/paths/~1messages/")]
    request = "#/paths/~1messages/post/requestBody/content/application~1json/examples/"
    response = "#/paths/~1messages/post/responses/200/content/application~1json/examples/"
    assert sorted(f.pointer for f in messages) == sorted(
        [
            request + name + "/value"
            for name in (
                "user_message_created",
                "lead_message_created",
                "admin_message_created",
                "no_body_supplied_for_message",
                "no_subject_supplied_for_email_message",
                "no_body_supplied_for_email_message",
            )
        ]
        + [
            response + name + "/value"
            for name in ("user message created", "lead message created", "admin message created")
        ]
    )
    by_pointer = {f.pointer: f.message for f in messages}
    assert "$.from.id: '991267716' is not of type 'integer'" in by_pointer[request + "admin_message_created/value"]


def test_subject_required_yet_email_only(report_2_11: LintReport) -> None:
    assert any(
        f.pointer == "#/components/schemas/message/required" and f.message.startswith("'subject' is required")
        for f in report_2_11.of_kind("required-conditional")
    )


def test_untied_message_branches_and_integer_date_times(report_2_11: LintReport) -> None:
    untied = {f.pointer: f.message for f in report_2_11.of_kind("untied-branches")}
    assert untied["#/components/schemas/create_message_request/anyOf"].startswith(
        "branch 0 requires subject, template but any value valid for branch 1 passes without them"
    )
    assert "#/components/schemas/message/properties/created_at/format" in {
        f.pointer for f in report_2_11.of_kind("integer-date-time")
    }


def test_errata_correct_what_lint_reports() -> None:
    corrected = lint(load_spec(str(official_path("2.11"))))
    pointers = {f.pointer for f in corrected.of_kind("untied-branches")}
    assert "#/components/schemas/create_message_request/anyOf" not in pointers
    assert "#/components/schemas/message/required" not in {
        f.pointer for f in corrected.of_kind("required-conditional") if "subject" in f.message
    }


def test_job_identifier_declared_in_query_from_2_14() -> None:
    found = lint(load_spec(str(official_path("2.14")), errata=False)).of_kind("parameter-location")
    assert found
    assert all("'job_identifier' is a variable of the path" in f.message for f in found)


def test_bundled_contract_has_no_findings() -> None:
    assert lint(load_spec("bundled")).findings == ()


def test_report_formats_count_per_kind(report_2_11: LintReport) -> None:
    payload = json.loads(report_2_11.to_json())
    assert payload["counts"]["dangling-ref"] == len(report_2_11.of_kind("dangling-ref"))
    assert sum(payload["counts"].values()) == len(payload["findings"])
    assert report_2_11.to_text().splitlines()[-1].startswith(f"{report_2_11.source}: {len(payload['findings'])} ")
