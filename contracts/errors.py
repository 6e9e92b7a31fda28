"""The toolkit's own exceptions: every failure a user sees is one of these, with a message that says what to do."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["ContractViolation", "IntercomContractsError", "SpecError", "UndocumentedInputWarning", "UsageError"]


class IntercomContractsError(Exception):
    """Base of every error the toolkit raises on purpose."""


class UndocumentedInputWarning(UserWarning):
    """A request held inputs whose fate no source documents: answered as the description allows, not a breach."""


class UsageError(IntercomContractsError):
    """A bad option, argument or setting; the message names it and the accepted values."""


class SpecError(IntercomContractsError):
    """A spec that cannot be loaded or lacks what is needed, naming the source and the JSON pointer."""

    def __init__(self, source: str, problem: str, *, pointer: str | None = None, hint: str | None = None):
        self.source = source
        self.problem = problem
        self.pointer = pointer
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" at {self.pointer}" if self.pointer else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"spec {self.source}{where}: {self.problem}.{hint}"


def render_value(value: Any, *, limit: int = 200) -> str:
    """JSON text of a value, cut to `limit` characters so one huge body cannot drown a failure message."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ContractViolation(IntercomContractsError):
    """A value that the contract does not accept.

    `path` is the JSON path of the offending value (``$.from.id``), `rule` the schema keyword that failed with the
    schema location, `expected` what the contract documents there and `received` what was found.
    """

    def __init__(
        self,
        *,
        subject: str,
        path: str,
        rule: str,
        expected: Any,
        received: Any,
        message: str,
        schema_path: str = "",
    ):
        self.subject = subject
        self.path = path
        self.rule = rule
        self.expected = expected
        self.received = received
        self.message = message
        self.schema_path = schema_path
        super().__init__(str(self))

    def __str__(self) -> str:
        return (
            f"{self.subject} violates the contract at {self.path}: {self.message}\n"
            f"  Rule: {self.rule}{f' ({self.schema_path})' if self.schema_path else ''}\n"
            f"  Received: {render_value(self.received)}\n"
            f"  Documented: {render_value(self.expected)}"
        )
