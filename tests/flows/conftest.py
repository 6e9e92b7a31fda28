"""A flow target over the in-process fake: the client the suite uses, through the fake's respx transport."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from contracts.flows import FlowTarget, client_sender
from contracts.live import IntercomClient, Pacing
from contracts.mock import DEFAULT_ADMIN_ID, FakeIntercom, FakeSettings, IntercomMock
from contracts.spec import Contracts

MARKER = "icc-1a2b3c"
MakeTarget = Callable[..., tuple[FlowTarget, FakeIntercom]]


@pytest.fixture(scope="session")
def packed() -> Contracts:
    return Contracts()


@pytest.fixture
def fake_target(packed: Contracts) -> MakeTarget:
    """A flow target over a fresh fake (its faults named), for a version."""

    def make(version: str, *faults: str) -> tuple[FlowTarget, FakeIntercom]:
        fake = FakeIntercom(packed, FakeSettings(faults=frozenset(faults), rate_limit=10**9))
        mock = IntercomMock(fake)
        client = IntercomClient(
            region="us",
            base_url=mock.base_urls["us"],
            token=fake.settings.tokens["us"],
            version=version,
            transport=httpx.MockTransport(mock.router.handler),
            pacing=Pacing(max_wait=0.0),
        )
        target = FlowTarget(
            client_sender(client),
            packed.contract(version),
            version,
            MARKER,
            admin_id=str(DEFAULT_ADMIN_ID),
            fresh=fake.fresh_workspace,
        )
        return target, fake

    return make
