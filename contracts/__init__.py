"""intercom-contracts: contract testing and schema validation for the Intercom REST API.

The library needs no pytest: `load_spec(source)` -> Spec; `spec.contract(version)` -> Contract with
`validate_message`, `validate_error`, `validate_create_message_request`.
"""

from __future__ import annotations

from .contract import Contract
from .errors import ContractViolation, IntercomContractsError, SpecError, UndocumentedInputWarning, UsageError
from .regions import REGIONS
from .spec import Spec, load_spec

__all__ = [
    "REGIONS",
    "Contract",
    "ContractViolation",
    "IntercomContractsError",
    "Spec",
    "SpecError",
    "UndocumentedInputWarning",
    "UsageError",
    "load_spec",
]

__version__ = "0.1.0"
