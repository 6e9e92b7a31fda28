"""Every operation of Intercom's Python SDK, driven through intercom_mock with its models checked strictly.

tools/fidelity.py calls each operation once; an answer the SDK's own model refuses is a misfit. The misfits left are
the SDK models that contradict every documented source, the refusals left the operations Intercom has withdrawn
(each listed here with its reason); any other misfit or refusal fails.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("intercom", reason="the official SDK is a test extra: pip install python-intercom")

TOOLS = Path(__file__).resolve().parents[2] / "tools"

# SDK models that contradict every documented source: the description, its own examples, the SDK's overrides.
CONTRADICTED = {
    # OffsetPages.type is Literal["offset_pages"] (fern/openapi-overrides.yml); the 2.14 description (cursor_pages)
    # and its examples of GET /companies (`"pages": {"type": "pages", ...}`) say `pages`.
    "companies.list": "pages.type",
    "companies.retrieve": "Company",  # a company or that same list: neither member fits (the list's pages.type)
    # The SDK reads a bare array; the 2.14 description answers an away_status_reason_list; no override says so.
    "away_status_reasons.list_away_status_reasons": "valid list",
}


# SDK operations the fake refuses because no documented source says Intercom serves them any more.
WITHDRAWN = {
    f"custom_channel_events.{method}": (
        "Intercom removed the Custom Channel Events API from every description and from the SDK's overrides "
        "(Intercom-OpenAPI #460, commit bbaac00, 2026-04-17); python-intercom 5.0.1 was generated before"
    )
    for method in (
        "notify_attribute_collected",
        "notify_new_conversation",
        "notify_new_message",
        "notify_quick_reply_selected",
    )
}


def _drive() -> Any:
    sys.path.insert(0, str(TOOLS))
    try:
        import fidelity
    finally:
        sys.path.remove(str(TOOLS))
    return fidelity


def test_every_sdk_operation_is_served_or_its_misfit_is_documented() -> None:
    fidelity = _drive()
    rows = fidelity.drive()
    assert len(rows) >= 130  # every stable operation of python-intercom 5.x was called
    misfits = {row.operation: row.detail for row in rows if row.outcome == "misfit"}
    unexplained = {op: detail for op, detail in misfits.items() if CONTRADICTED.get(op, "\0") not in detail}
    assert unexplained == {}
    refused = {row.operation: row.detail for row in rows if row.outcome == "refused"}
    assert {op: detail for op, detail in refused.items() if op not in WITHDRAWN} == {}
    for detail in refused.values():  # refused as Intercom would: an operation no description of 2.14 has
        assert "is no operation of the 2.14 description" in detail
    served = [row for row in rows if row.outcome == "served"]
    assert len(served) >= 130, fidelity.summary(rows)  # 130 of 137 (python-intercom 5.0.1); 78 before #27
    for name in (
        "contacts.create",
        "contacts.search",
        "conversations.create",
        "conversations.run_assignment_rules",  # erratum run-assignment-rules-served
        "custom_object_instances.get_custom_object_instances_by_external_id",
        "data_export.find",
        "events.list",
        "messages.create",
        "tags.create",
        "admins.identify",
    ):
        assert name in {row.operation for row in served}


def test_the_drive_catches_an_answer_the_sdk_model_refuses() -> None:
    fidelity = _drive()
    from intercom import Tag

    with pytest.raises(fidelity._Misfit, match="Tag"):
        fidelity._strict(Tag, {"type": "tag", "id": 1.5, "name": None})
