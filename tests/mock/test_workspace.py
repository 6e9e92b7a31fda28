"""A workspace that looks like one: what every Intercom workspace has is there from the start, in every version."""

from __future__ import annotations

import pytest

from contracts.mock._builtins import BUILTIN_ATTRIBUTES

from ..conftest import PUBLISHED
from .reading import Consumer, fake


@pytest.mark.parametrize("version", PUBLISHED)
def test_the_built_in_data_attributes_are_listed_in_every_version(version: str) -> None:
    consumer = Consumer(fake(), version=version)
    for model in ("contact", "company"):
        listed = consumer.ok("GET", "/data_attributes", query=f"model={model}")["data"]
        expected = [name for owner, name, *_ in BUILTIN_ATTRIBUTES if owner == model]
        assert [a["name"] for a in listed] == expected
        assert {a["custom"] for a in listed} == {False}


def test_a_created_attribute_is_custom_listed_beside_the_built_in_and_types_the_search() -> None:
    consumer = Consumer(fake())
    consumer.ok("POST", "/data_attributes", {"name": "renewal", "model": "contact", "data_type": "date"})
    listed = consumer.ok("GET", "/data_attributes", query="model=contact")["data"]
    assert [(a["name"], a["custom"]) for a in listed][-1] == ("renewal", True)
    assert len(listed) == 1 + sum(owner == "contact" for owner, *_ in BUILTIN_ATTRIBUTES)
    refused = consumer.search("/contacts/search", {"field": "custom_attributes.renewal", "operator": ">=", "value": 1})
    assert refused.response.status == 400  # a date attribute: >= is not supported on it
