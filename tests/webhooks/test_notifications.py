"""Every drawn notification of every topic and version validates, and its signature verifies."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from jsonschema import Draft202012Validator

from contracts import Contract, load_spec
from contracts.webhooks import NOTIFICATION_SCHEMA, item_for, item_schema, sign, topics_for, verify
from strategies import notifications
from tests.conftest import PUBLISHED

_ENVELOPE = Draft202012Validator(NOTIFICATION_SCHEMA)


@functools.cache
def _contract(version: str) -> Contract:
    return load_spec(f"official:{version}").contract(version)


@functools.cache
def _item_validator(version: str, topic: str) -> Draft202012Validator | None:
    schema = item_schema(_contract(version).spec, topic)
    return None if schema is None else Draft202012Validator(schema)


def _assert_fits(version: str, drawn: dict[str, Any]) -> None:
    _ENVELOPE.validate(drawn)
    assert drawn["topic"] in topics_for(version)
    validator = _item_validator(version, drawn["topic"])
    if validator is not None:
        validator.validate(drawn["data"]["item"])


@pytest.mark.parametrize("version", PUBLISHED)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_drawn_notification_fits_its_version_and_verifies(version: str, data: st.DataObject) -> None:
    drawn = data.draw(notifications(_contract(version)))
    _assert_fits(version, drawn)
    body = json.dumps(drawn).encode()
    secret = data.draw(st.text(min_size=1, max_size=20))
    assert verify(body, sign(body, secret), secret)


@pytest.mark.parametrize("version", PUBLISHED)
def test_each_topic_of_each_version_has_a_valid_item(version: str) -> None:
    spec = _contract(version).spec
    for name in topics_for(version):
        validator = _item_validator(version, name)
        item = item_for(spec, name)
        if validator is not None:
            validator.validate(item)
        else:
            assert item["id"]
            assert item["type"]


def test_a_topic_the_version_lacks_is_refused_at_once() -> None:
    with pytest.raises(InvalidArgument, match=r"ticket.created.*2\.8"):
        notifications(_contract("2.8"), "ticket.created")
