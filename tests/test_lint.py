"""Lint: the defects of the published descriptions are found, in the facts pack and in full documents."""

from __future__ import annotations

import json

import pytest

from contracts import load_spec
from contracts.analysis._lint import LintReport, lint


@pytest.fixture(scope="module")
def report_2_11() -> LintReport:
    return lint(load_spec("official:2.11", errata=False))


def test_dangling_custom_attributes_refs(report_2_11: LintReport) -> None:
    dangling = report_2_11.of_kind("dangling-ref")
    assert dangling
    assert all("'#/components/schemas/custom_attributes' points to nothing" in f.message for f in dangling)
    assert "#/components/schemas/conversation/properties/custom_attributes/$ref" in {f.pointer for f in dangling}


# The published files carry examples and prose; the facts pack does not. A document of ours with the same kinds of
# defect (an example contradicting its schema, a field required yet described as conditional) stands for them.
WITH_EXAMPLES = """
openapi: 3.0.3
info: {title: examples, version: "1"}
paths:
  /messages:
    post:
      operationId: createMessage
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/request"}
            examples:
              admin_message_created:
                value: {from: {type: admin, id: "991267716"}, body: hi}
              fine:
                value: {from: {type: admin, id: 991267716}, body: hi}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/message"}
              example: {type: user_message, id: "1"}
components:
  schemas:
    request:
      type: object
      properties:
        from: {type: object, properties: {type: {type: string}, id: {type: integer}}}
        body: {type: string}
    message:
      type: object
      required: [type, id, subject]
      properties:
        type: {type: string}
        id: {type: string}
        subject: {type: string, description: "The subject of the message, only present for email."}
"""


@pytest.fixture(scope="module")
def report_with_examples(tmp_path_factory: pytest.TempPathFactory) -> LintReport:
    path = tmp_path_factory.mktemp("lint") / "examples.yaml"
    path.write_text(WITH_EXAMPLES)
    return lint(load_spec(str(path)))


def test_examples_that_contradict_their_schema(report_with_examples: LintReport) -> None:
    found = {f.pointer: f.message for f in report_with_examples.of_kind("example-invalid")}
    request = "#/paths/~1messages/post/requestBody/content/application~1json/examples/"
    response = "#/paths/~1messages/post/responses/200/content/application~1json/example"
    assert set(found) == {request + "admin_message_created/value", response}
    assert "$.from.id: '991267716' is not of type 'integer'" in found[request + "admin_message_created/value"]
    assert "'subject' is a required property" in found[response]


def test_subject_required_yet_described_as_conditional(report_with_examples: LintReport) -> None:
    (finding,) = report_with_examples.of_kind("required-conditional")
    assert finding.pointer == "#/components/schemas/message/required"
    assert finding.message.startswith("'subject' is required, yet described as conditional")


def test_the_facts_pack_says_what_lint_could_not_look_at(report_2_11: LintReport) -> None:
    assert report_2_11.of_kind("example-invalid") == report_2_11.of_kind("required-conditional") == []
    assert "no examples and no prose" in report_2_11.note
    assert report_2_11.to_text().splitlines()[-1].startswith("note: read from the facts pack")


def test_untied_message_branches_and_integer_date_times(report_2_11: LintReport) -> None:
    untied = {f.pointer: f.message for f in report_2_11.of_kind("untied-branches")}
    assert untied["#/components/schemas/create_message_request/anyOf"].startswith(
        "branch 0 requires subject, template but any value valid for branch 1 passes without them"
    )
    assert "#/components/schemas/message/properties/created_at/format" in {
        f.pointer for f in report_2_11.of_kind("integer-date-time")
    }


def test_errata_correct_what_lint_reports() -> None:
    corrected = lint(load_spec("official:2.11"))
    pointers = {f.pointer for f in corrected.of_kind("untied-branches")}
    assert "#/components/schemas/create_message_request/anyOf" not in pointers


def test_job_identifier_declared_in_query_from_2_14() -> None:
    found = lint(load_spec("official:2.14", errata=False)).of_kind("parameter-location")
    assert found
    assert all("'job_identifier' is a variable of the path" in f.message for f in found)


def test_bundled_is_the_published_2_11_as_lint_sees_it() -> None:
    assert lint(load_spec("bundled", errata=False)).counts == lint(load_spec("official:2.11", errata=False)).counts


def test_report_formats_count_per_kind(report_2_11: LintReport) -> None:
    payload = json.loads(report_2_11.to_json())
    assert payload["counts"]["dangling-ref"] == len(report_2_11.of_kind("dangling-ref"))
    assert sum(payload["counts"].values()) == len(payload["findings"])
    assert report_2_11.to_text().splitlines()[-2].startswith(f"{report_2_11.source}: {len(payload['findings'])} ")
