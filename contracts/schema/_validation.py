"""Compiled validators: compiled once per schema, judged fast, explained precisely.

`jsonschema` is the reference and explains every failure (JSON path, rule, expected, received). `jsonschema-rs`
answers the common question "is this valid?" first, about a hundred times faster; only a value it rejects is handed
to `jsonschema` for the explanation. Both run draft 2020-12 with formats as annotations, so they agree (a test holds
them to it). Patterns are matched by the Rust regex engine in both (linear time): a hostile spec's catastrophic
pattern cannot hang the explanation, lint or the fake the way Python's backtracking `re` would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, relevance

from ..errors import ContractViolation

__all__ = ["Validator", "fast_check"]

_rs: Any
try:
    import jsonschema_rs as _rs
except ImportError:  # pragma: no cover - a dependency; kept optional for platforms without a wheel
    _rs = None


@lru_cache(maxsize=4096)
def _pattern_validator(pattern: str) -> Any:
    try:
        return _rs.validator_for({"pattern": pattern}) if _rs is not None else None
    except Exception:  # a pattern the Rust engine refuses: Python's engine decides (on a bounded text)
        return None


def _search(pattern: str, text: str) -> bool:
    """`re.search` semantics, in linear time."""
    compiled = _pattern_validator(pattern)
    if compiled is not None:
        return bool(compiled.is_valid(text))
    return re.search(pattern, text[:_MAX_PYTHON_REGEX_TEXT]) is not None


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: dict[str, Any], instance: Any, schema: Any) -> Iterator[Any]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if _search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


_Reference: Any = jsonschema.validators.extend(  # type: ignore[no-untyped-call]
    jsonschema.Draft202012Validator, {"pattern": _pattern, "patternProperties": _pattern_properties}
)
_MAX_PYTHON_REGEX_TEXT = 1000


def _check_schema(schema: dict[str, Any]) -> None:
    """Raise jsonschema's SchemaError for an invalid schema; the Rust meta-validator answers the common case fast."""
    if _rs is not None:
        try:
            if _rs.meta.is_valid(schema):
                return
        except Exception:  # whatever it cannot decide, jsonschema decides below
            pass
    jsonschema.Draft202012Validator.check_schema(schema)


def fast_check(schema: dict[str, Any]) -> Any:
    """A callable `value -> bool` for `schema`, compiled the fastest way available (no explanations)."""
    compiled = _compile_fast(schema)
    if compiled is not None:
        return compiled.is_valid
    return _Reference(schema).is_valid


class Validator:
    """One compiled schema; `subject` names what it judges in messages (e.g. "Message")."""

    def __init__(self, schema: dict[str, Any], *, subject: str, fast: bool = True):
        """Raises jsonschema's SchemaError for a schema that is not valid JSON Schema (callers locate it)."""
        self.schema = schema
        self.subject = subject
        _check_schema(schema)
        self._reference = _Reference(schema)
        self._fast = _compile_fast(schema) if fast else None

    @property
    def accelerated(self) -> bool:
        return self._fast is not None

    def is_valid(self, instance: Any) -> bool:
        if self._fast is not None:
            return bool(self._fast.is_valid(instance))
        return bool(self._reference.is_valid(instance))

    def validate(self, instance: Any) -> None:
        """Return when valid; otherwise raise the ContractViolation that best explains why not."""
        if self.is_valid(instance):
            return
        error = _most_relevant(self._reference.iter_errors(instance))
        if error is None:  # the accelerator and the reference disagree: trust the reference
            return
        raise _violation(self.subject, _explain(error))

    def violations(self, instance: Any) -> Iterator[ContractViolation]:
        """Every failure, not only the best one (for lint and reports)."""
        if self.is_valid(instance):
            return
        for error in sorted(self._reference.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            yield _violation(self.subject, _explain(error))


def _explain(error: ValidationError) -> ValidationError:
    """Inside anyOf/oneOf, the failure of the branch the value was meant for.

    A branch whose discriminator (an enum/const on a top-level property) does not match is not the one meant;
    among the others, the branch with the fewest failures explains best.
    """
    while error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        candidates = list(branches.values())
        meant = [errors for errors in candidates if not any(_is_discriminator_miss(e) for e in errors)]
        fewest: list[ValidationError] = min(meant or candidates, key=len)
        chosen = _most_relevant(fewest)
        if chosen is None:
            break
        error = chosen
    return error


def _most_relevant(errors: Iterable[ValidationError]) -> ValidationError | None:
    """jsonschema's ranking, without its descent into anyOf/oneOf (which `_explain` does knowing the branches)."""
    return max(errors, key=relevance, default=None)


def _is_discriminator_miss(error: ValidationError) -> bool:
    return error.validator in ("enum", "const") and len(error.relative_path) == 1


def _compile_fast(schema: dict[str, Any]) -> Any:
    if _rs is None:
        return None
    try:
        return _rs.validator_for(schema, validate_formats=False)
    except Exception:  # a schema it cannot compile is still judged by the reference validator
        return None


def _violation(subject: str, error: ValidationError) -> ContractViolation:
    return ContractViolation(
        subject=subject,
        path=error.json_path,
        rule=str(error.validator),
        expected={str(error.validator): error.validator_value},
        received=error.instance,
        message=error.message,
        schema_path="#/" + "/".join(str(part) for part in error.absolute_schema_path),
    )
