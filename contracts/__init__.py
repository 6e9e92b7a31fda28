"""intercom-contracts: contract testing and schema validation for the Intercom REST API.

The library needs no pytest: `load_spec(source)` -> Spec; `spec.contract(version)` -> Contract with
`validate_message`, `validate_error`, `validate_create_message_request`; `Contracts()` judges each Intercom-Version
by its own description. Judging an exchange of your own: `Judge`, `Intent`, `CheckFailure`. Each subpackage has one
public surface (its `__init__`): `contracts.spec`, `contracts.schema`, `contracts.checks`, `contracts.mock`,
`contracts.live`, `contracts.recordings`, `contracts.reports`, `contracts.analysis`, `contracts.run`.
Names are imported when first used (PEP 562): the pytest plugin is loaded by every pytest run of a project that has
the toolkit installed, and must not pay for jsonschema, PyYAML or httpx there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attach

if TYPE_CHECKING:
    from .checks import CheckFailure, ExchangeFailures, Intent, Judge, NotApplicable
    from .errors import ContractViolation, IntercomContractsError, SpecError, UndocumentedInputWarning, UsageError
    from .exchange import Exchange
    from .regions import REGIONS
    from .spec import Contract, Contracts, Spec, load_spec

__all__ = [
    "REGIONS",
    "CheckFailure",
    "Contract",
    "ContractViolation",
    "Contracts",
    "Exchange",
    "ExchangeFailures",
    "Intent",
    "IntercomContractsError",
    "Judge",
    "NotApplicable",
    "Spec",
    "SpecError",
    "UndocumentedInputWarning",
    "UsageError",
    "load_spec",
]

__version__ = "0.1.0"

__getattr__, __dir__ = attach(
    __name__,
    {
        "REGIONS": "regions",
        "CheckFailure": "checks",
        "Contract": "spec",
        "ContractViolation": "errors",
        "Contracts": "spec",
        "Exchange": "exchange",
        "ExchangeFailures": "checks",
        "IntercomContractsError": "errors",
        "Intent": "checks",
        "Judge": "checks",
        "NotApplicable": "checks",
        "Spec": "spec",
        "SpecError": "errors",
        "UndocumentedInputWarning": "errors",
        "UsageError": "errors",
        "load_spec": "spec",
    },
)
