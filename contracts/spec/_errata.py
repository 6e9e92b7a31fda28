"""Known corrections to Intercom's published descriptions (`errata.yaml`), applied to official specs."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any

import yaml

from ..schema import MISSING, resolve, unescape

__all__ = ["Erratum", "Undocumented", "apply_errata", "known_errata", "known_undocumented", "undocumented_inputs"]


@dataclass(frozen=True)
class Erratum:
    """One known contradiction: where it is, what is wrong, the evidence and the correction."""

    id: str
    versions: tuple[str, ...] | None  # None: every version
    where: str
    what: str
    evidence: str
    correction: dict[str, Any]
    when: dict[str, Any]

    def concerns(self, version: str) -> bool:
        return self.versions is None or version in self.versions

    def holds(self, document: Any) -> bool:
        """Whether the defect is still there: every precondition matches and the target's parent exists."""
        if any(resolve(document, pointer) != value for pointer, value in self.when.items()):
            return False
        parent, _ = _parent(document, self.where)
        return parent is not MISSING

    def apply(self, document: Any) -> bool:
        """Correct `document` in place; False when there was nothing to correct."""
        parent, key = _parent(document, self.where)
        if "add" in self.correction:  # only where the description says nothing yet
            if not isinstance(parent, dict) or key in parent:
                return False
            parent[key] = copy.deepcopy(self.correction["add"])
            return True
        if "set" in self.correction:
            if not isinstance(parent, dict):
                return False
            current = parent.get(key)
            value = self.correction["set"]
            parent[key] = {**current, **value} if isinstance(current, dict) and isinstance(value, dict) else value
            return True
        target = resolve(document, self.where)
        if self.correction.get("delete") and isinstance(parent, dict) and key in parent:
            del parent[key]
            return True
        if "remove_items" in self.correction and isinstance(target, list):
            doomed = self.correction["remove_items"]
            kept = [item for item in target if not (_hashable(item) and item in doomed)]
            if len(kept) == len(target):
                return False
            target[:] = kept
            return True
        return False


@cache
def _entries() -> dict[str, Any]:
    text = resources.files("contracts.spec").joinpath("errata.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


@cache
def known_errata() -> tuple[Erratum, ...]:
    entries = _entries()["corrections"]
    return tuple(
        Erratum(
            id=entry["id"],
            versions=None if entry["versions"] == "all" else tuple(entry["versions"]),
            where=entry["where"],
            what=entry["what"],
            evidence=entry["evidence"],
            correction=entry["correction"],
            when=entry.get("when", {}),
        )
        for entry in entries
    )


def apply_errata(document: Any, version: str) -> list[Erratum]:
    """Apply every erratum of `version` that still holds; the ones applied, in order."""
    return [e for e in known_errata() if e.concerns(version) and e.holds(document) and e.apply(document)]


def _parent(document: Any, pointer: str) -> tuple[Any, str]:
    head, _, last = pointer.rpartition("/")
    return resolve(document, head), unescape(last)


@dataclass(frozen=True)
class Undocumented:
    """An input whose fate no source documents: never sent as valid, never expected to be refused."""

    id: str
    operation: str
    what: str
    evidence: str
    match: dict[str, Any]
    when: dict[str, Any]
    exclude: dict[str, Any]

    def exclude_from(self, document: Any) -> None:
        """Constrain `document` (a copy handed to a generator) so that it does not draw this input as valid."""
        for pointer, value in self.exclude.items():
            parent, key = _parent(document, pointer)
            if not isinstance(parent, dict):
                continue
            if key == "additionalProperties" and "properties" not in parent:
                continue  # a oneOf holder (2.14+ recipients): closing it would refuse every object
            parent[key] = copy.deepcopy(value)

    def found_in(self, payload: Any, declared: frozenset[str] | None = None) -> bool:
        """Whether the request body `payload` holds this input (`declared`: the schema's keys at `match.at`)."""
        if not isinstance(payload, dict):
            return False
        when, at, parent_at, key = self._pointers
        if any(_found(payload, tokens) != [value] for tokens, value in when):
            return False
        if self.match.get("undeclared"):
            return declared is not None and any(
                isinstance(node, dict) and bool(set(node) - declared) for node in _found(payload, at)
            )
        for node in _found(payload, parent_at):
            for parent in node if isinstance(node, list) else (node,):
                if isinstance(parent, dict) and _matches(self.match, key in parent, parent.get(key)):
                    return True
        return False

    @cached_property
    def _pointers(self) -> tuple[tuple[tuple[tuple[str, ...], Any], ...], tuple[str, ...], tuple[str, ...], str]:
        """`when`'s pointers, `match.at`, its parent and last key, parsed once (asked for every request judged)."""
        at = str(self.match.get("at", ""))
        parent, _, key = at.rpartition("/")
        when = tuple((_tokens(pointer), value) for pointer, value in self.when.items())
        return when, _tokens(at), _tokens(parent), unescape(key)


def _matches(match: dict[str, Any], present: bool, value: Any) -> bool:
    kind = match.get("is")
    if kind == "absent":
        return not present
    if kind == "present":
        return present
    if not present:
        return False
    if kind == "blank":
        return isinstance(value, str) and not value.strip()
    if "equals" in match:
        return bool(value == match["equals"])
    if "in" in match:
        return _hashable(value) and value in match["in"]
    if "not_in" in match:
        return not (_hashable(value) and value in match["not_in"])
    return False


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


@lru_cache(maxsize=256)
def _tokens(pointer: str) -> tuple[str, ...]:
    return tuple(unescape(segment) for segment in pointer.split("/") if segment)


def _found(document: Any, tokens: tuple[str, ...]) -> list[Any]:
    """The values at a pointer's tokens; a token that meets an array goes on in each of its items."""
    nodes = [document]
    for token in tokens:
        following = []
        for node in nodes:
            for item in node if isinstance(node, list) else (node,):
                if isinstance(item, dict) and token in item:
                    following.append(item[token])
        nodes = following
    return nodes


@cache
def known_undocumented() -> tuple[Undocumented, ...]:
    return tuple(
        Undocumented(
            id=entry["id"],
            operation=entry["operation"],
            what=entry["what"],
            evidence=entry["evidence"],
            match=entry["match"],
            when=entry.get("when", {}),
            exclude=entry.get("exclude", {}),
        )
        for entry in _entries().get("undocumented", [])
    )


def undocumented_inputs(operation: str, payload: Any, *, declared: frozenset[str] | None = None) -> list[Undocumented]:
    """The inputs of undocumented fate that the request body `payload` of `operation` holds."""
    return [entry for entry in _undocumented_of(operation) if entry.found_in(payload, declared)]


@cache
def _undocumented_of(operation: str) -> tuple[Undocumented, ...]:
    return tuple(entry for entry in known_undocumented() if entry.operation == operation)
