"""Which description judges which Intercom-Version.

`Contracts("bundled")` is the facts pack: each published version (2.7-2.16, Preview) is judged by its own
description; a version the descriptions list in their enum without describing it (1.0-2.6) is judged by the oldest
published one. Any other source (`official:V`, a path, a URL) is one description judging every version its enum
lists. Specs load and contracts compile lazily, once each, when a version is first asked for (thread-safe: the
loopback fake answers from several threads).
"""

from __future__ import annotations

import threading
from functools import cached_property

from ..errors import UsageError
from . import _sources as sources
from ._contract import Contract
from ._spec import Spec, load_spec

__all__ = ["ALL", "Contracts"]

ALL = "all"  # --intercom-version all: every published version the source documents
UNSTABLE = "Unstable"  # Preview's name before April 2026, still accepted


class Contracts:
    """The contract of each Intercom-Version of one source; `default` answers a request without the header."""

    def __init__(self, source: str = sources.BUNDLED, *, errata: bool = True, default: str | None = None):
        self.source, self.errata = source, errata
        self._specs: dict[str, Spec] = {}
        self._contracts: dict[str, Contract] = {}
        self._lock = threading.RLock()
        self._default = default
        if default is not None and not self.knows(default):
            raise UsageError(f"version {default!r} is not documented by {source}; documented: {self.describe()}")

    @classmethod
    def of(cls, spec: Spec) -> Contracts:
        """One loaded description judging every version it documents."""
        contracts = cls(spec.source, errata=bool(spec.errata))
        contracts._specs[""] = spec
        return contracts

    @property
    def packed(self) -> bool:
        """Whether each version has its own description (the facts pack)."""
        return self.source == sources.BUNDLED

    # -- which versions ---------------------------------------------------------------------------------------------
    @cached_property
    def documented(self) -> tuple[str, ...]:
        """Every Intercom-Version value served: the enums of the descriptions, and Unstable where Preview is."""
        if self.packed:  # read from the pack's index: no description is loaded to know them
            listed = sources.pack_index()["versions"].values()
            values = {value for entry in listed for value in entry["intercom_versions"]}
        else:
            values = set(self._single().contract().versions)
        if "Preview" in values:
            values.add(UNSTABLE)
        return tuple(sorted(values, key=sources.version_key))

    @cached_property
    def published(self) -> tuple[str, ...]:
        """The versions with a description of their own (what `--intercom-version all` runs)."""
        if self.packed:
            return sources.pack_versions()
        own = set(sources.pack_versions()) & set(self.documented)
        return tuple(sorted(own | {self.default}, key=sources.version_key))

    @property
    def default(self) -> str:
        """The version of a request without the header (the workspace's configured version)."""
        if self._default is not None:
            return self._default
        return sources.DEFAULT_VERSION if self.packed else self._single().version

    @cached_property
    def served(self) -> frozenset[str]:
        """Every Intercom-Version value Intercom serves, whatever description judges the bodies: the values the pack's
        descriptions list (published versions, Preview) and Unstable, with any more this source documents."""
        listed = sources.pack_index()["versions"].values()
        values = {value for entry in listed for value in entry["intercom_versions"]} | {UNSTABLE}
        return frozenset(values | set(self.documented))

    def knows(self, version: str) -> bool:
        return version in self.documented

    def serves(self, version: str) -> bool:
        """Whether Intercom answers `version` (a value this source does not document is judged by its default)."""
        return version in self.served

    def describe(self) -> str:
        return ", ".join(self.documented)

    def resolve(self, versions: tuple[str, ...]) -> tuple[str, ...]:
        """Versions named for a run (`all` expanded, duplicates dropped); UsageError for one that is not known."""
        expanded: list[str] = []
        for version in versions:
            expanded += list(self.published) if version == ALL else [version]
        for version in expanded:
            if not self.knows(version):
                raise UsageError(
                    f"--intercom-version {version}: not among the versions {self.source} documents: "
                    f"{self.describe()} (or `all`: {', '.join(self.published)})"
                )
        return tuple(dict.fromkeys(expanded)) or (self.default,)

    # -- the descriptions -------------------------------------------------------------------------------------------
    def spec_for(self, version: str | None = None) -> Spec:
        """The description that judges `version` (None: the default)."""
        if not self.packed:
            return self._single()
        chosen = sources.canonical_version(version or self.default)
        published = sources.pack_versions()
        if chosen not in published:
            if not self.knows(chosen):
                raise UsageError(f"Intercom-Version {chosen!r} is not documented; documented: {self.describe()}")
            chosen = published[0]  # 1.0-2.6: listed in every enum, described by none; the oldest description
        return self._load(chosen, f"official:{chosen}")

    def contract(self, version: str | None = None) -> Contract:
        """The compiled contract sending `version` (None: the default) as Intercom-Version."""
        chosen = version or self.default
        known = self._contracts.get(chosen)  # asked for every request the fake answers: found at once
        if known is not None:
            return known
        if not self.knows(chosen):
            raise UsageError(f"Intercom-Version {chosen!r} is not documented by {self.source}: {self.describe()}")
        spec = self.spec_for(chosen)
        with self._lock:  # compiled once per description, whichever thread asks first
            made = self._contracts[chosen] = spec.contract(chosen)
            return made

    def _single(self) -> Spec:
        return self._load("", self.source)

    def _load(self, key: str, source: str) -> Spec:
        with self._lock:
            if key not in self._specs:
                self._specs[key] = load_spec(source, errata=self.errata)
            return self._specs[key]
