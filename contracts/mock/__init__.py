"""The fake Intercom: one behavioural model (`FakeIntercom`) behind a respx router and a loopback HTTP server."""

from __future__ import annotations

from .model import (
    DEFAULT_ADMIN_ID,
    DEFAULT_CONTACT_ID,
    DEFAULT_TOKENS,
    FAULTS,
    Exchange,
    FakeIntercom,
    FakeRequest,
    FakeResponse,
    FakeSettings,
)
from .router import MOCK_SETTINGS, ContractBreach, IntercomMock
from .server import MockServer

__all__ = [
    "DEFAULT_ADMIN_ID",
    "DEFAULT_CONTACT_ID",
    "DEFAULT_TOKENS",
    "FAULTS",
    "MOCK_SETTINGS",
    "ContractBreach",
    "Exchange",
    "FakeIntercom",
    "FakeRequest",
    "FakeResponse",
    "FakeSettings",
    "IntercomMock",
    "MockServer",
]
