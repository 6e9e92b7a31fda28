"""intercom-contracts: contract testing and schema validation for the Intercom REST API.

The library needs no pytest: `load_spec(source)` -> Spec; `spec.contract(version)` -> Contract with
`validate_message`, `validate_error`, `validate_create_message_request`; `Contracts()` judges each Intercom-Version
by its own description. Names are imported when first used (PEP 562): the pytest plugin is loaded by every pytest
run of a project that has the toolkit installed, and must not pay for jsonschema, PyYAML or httpx there.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checks import Intent, Judge
    from .contract import Contract
    from .errors import ContractViolation, IntercomContractsError, SpecError, UndocumentedInputWarning, UsageError
    from .exchange import Exchange
    from .regions import REGIONS
    from .spec import Spec, load_spec
    from .verdicts import CheckFailure, NotApplicable
    from .versions import Contracts

__all__ = [
    "REGIONS",
    "CheckFailure",
    "Contract",
    "ContractViolation",
    "Contracts",
    "Exchange",
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

_HOMES = {
    "REGIONS": "regions",
    "CheckFailure": "verdicts",
    "Contract": "contract",
    "ContractViolation": "errors",
    "Contracts": "versions",
    "Exchange": "exchange",
    "Intent": "checks",
    "IntercomContractsError": "errors",
    "Judge": "checks",
    "NotApplicable": "verdicts",
    "Spec": "spec",
    "SpecError": "errors",
    "UndocumentedInputWarning": "errors",
    "UsageError": "errors",
    "load_spec": "spec",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'contracts' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
