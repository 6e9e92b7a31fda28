"""The fake Intercom: one behavioural model (`FakeIntercom`) behind a respx router and a loopback HTTP server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ._control import exchange_record
    from ._fault_names import FAULTS_ENV, parse_faults
    from ._model import (
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
    from ._router import MOCK_SETTINGS, ContractBreach, IntercomMock
    from ._search import documented_refusal
    from ._server import MockServer

__all__ = [
    "DEFAULT_ADMIN_ID",
    "DEFAULT_CONTACT_ID",
    "DEFAULT_TOKENS",
    "FAULTS",
    "FAULTS_ENV",
    "MOCK_SETTINGS",
    "ContractBreach",
    "Exchange",
    "FakeIntercom",
    "FakeRequest",
    "FakeResponse",
    "FakeSettings",
    "IntercomMock",
    "MockServer",
    "documented_refusal",
    "exchange_record",
    "parse_faults",
]

__getattr__, __dir__ = attach(__name__, {
    "ContractBreach": "_router",
    "DEFAULT_ADMIN_ID": "_model",
    "DEFAULT_CONTACT_ID": "_model",
    "DEFAULT_TOKENS": "_model",
    "Exchange": "_model",
    "FAULTS": "_model",
    "FAULTS_ENV": "_fault_names",
    "FakeIntercom": "_model",
    "FakeRequest": "_model",
    "FakeResponse": "_model",
    "FakeSettings": "_model",
    "IntercomMock": "_router",
    "MOCK_SETTINGS": "_router",
    "MockServer": "_server",
    "documented_refusal": "_search",
    "exchange_record": "_control",
    "parse_faults": "_fault_names",
})
