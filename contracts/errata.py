"""Known corrections to Intercom's published descriptions (`errata.yaml`), applied to official specs."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from .pointers import MISSING, resolve, unescape

__all__ = ["Erratum", "apply_errata", "known_errata"]


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
            doomed = set(self.correction["remove_items"])
            if not doomed.intersection(target):
                return False
            target[:] = [item for item in target if item not in doomed]
            return True
        return False


@cache
def known_errata() -> tuple[Erratum, ...]:
    text = resources.files("contracts").joinpath("errata.yaml").read_text(encoding="utf-8")
    entries = yaml.safe_load(text)
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
