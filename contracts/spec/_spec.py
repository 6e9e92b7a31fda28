"""A loaded OpenAPI description: where it came from, its operations, and the contracts it yields."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import SpecError, UsageError
from ..schema import MISSING, join, resolve, resolve_ref
from . import _documents as documents
from . import _sources as sources
from ._errata import Erratum, apply_errata
from ._facts import CREATE_MESSAGE, IDENTIFY_ADMIN

if TYPE_CHECKING:
    from ._contract import CompiledContract, Contract

__all__ = ["Operation", "Spec", "load_spec"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Where each operation we test lives when a description lacks its operationId.
_KNOWN_LOCATIONS = {CREATE_MESSAGE: ("post", "/messages"), IDENTIFY_ADMIN: ("get", "/me")}


@dataclass(frozen=True)
class Operation:
    """One operation of a spec: its method, path, JSON pointer and raw Operation Object."""

    operation_id: str
    method: str
    path: str
    pointer: str
    node: dict[str, Any]


@dataclass
class Spec:
    """A parsed OpenAPI 3 document. `errata` lists the corrections applied to it (official specs only)."""

    source: str
    document: dict[str, Any]
    official_version: str | None = None
    errata: tuple[Erratum, ...] = ()
    from_pack: bool = False  # read from the package's facts pack (no prose, no examples)
    _compiled: CompiledContract | None = field(default=None, repr=False, compare=False)
    _routes: list[tuple[str, re.Pattern[str], Operation]] | None = field(default=None, repr=False, compare=False)
    _route_memo: dict[tuple[str, str], Operation | None] = field(default_factory=dict, repr=False, compare=False)
    # What the layers above compute once per spec (operation contracts, resource shapes), by name.
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def openapi(self) -> str:
        return str(self.document.get("openapi"))

    @property
    def version(self) -> str:
        """The Intercom-Version this description documents (`info.version`)."""
        info = self.document.get("info")
        declared = info.get("version") if isinstance(info, dict) else None
        return str(declared) if declared is not None else (self.official_version or "unknown")

    @property
    def servers(self) -> list[str]:
        servers = self.document.get("servers")
        if not isinstance(servers, list):
            return []
        return [str(s["url"]).rstrip("/") for s in servers if isinstance(s, dict) and "url" in s]

    def operations(self) -> list[Operation]:
        """Every operation under `paths`, in document order."""
        found = []
        paths = self.document.get("paths")
        for path, item in paths.items() if isinstance(paths, dict) else ():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                node = item.get(method)
                if isinstance(node, dict):
                    operation_id = str(node.get("operationId") or f"{method.upper()} {path}")
                    pointer = join("#/paths", path, method)
                    found.append(Operation(operation_id, method, str(path), pointer, node))
        return found

    def operation(self, operation_id: str) -> Operation:
        """The operation with this operationId (or, for the ones we test, at its documented place)."""
        by_id: dict[str, Operation] | None = self.memo.get("operations_by_id")
        if by_id is None:  # asked for every answer a flow judges: indexed once, the first of an id as a scan finds it
            by_id = {}
            for found in self.operations():
                by_id.setdefault(found.operation_id, found)
            self.memo["operations_by_id"] = by_id
        if operation_id in by_id:
            return by_id[operation_id]
        operations = self.operations()
        method, path = _KNOWN_LOCATIONS.get(operation_id, ("", ""))
        for operation in operations:
            if (operation.method, operation.path) == (method, path):
                return operation
        where = f" ({method.upper()} {path})" if method else ""
        raise SpecError(self.source, f"has no {operation_id} operation{where}", pointer="#/paths")

    def operation_at(self, method: str, path: str) -> Operation | None:
        """The operation a request to `method path` (the path under the server's base) reaches, if any.

        Literal segments win over templated ones (`/contacts/search` before `/contacts/{id}`).
        """
        if self._routes is None:
            self._routes = sorted(
                ((op.method, route_pattern(op.path)[0], op) for op in self.operations()),
                key=lambda route: (route[2].path.count("{"), -len(route[2].path)),
            )
        key = (method, path)
        found = self._route_memo.get(key, MISSING)  # the fake asks this for every request it answers
        if found is not MISSING:
            return found  # type: ignore[no-any-return]
        wanted = method.lower()
        trimmed = path.split("?", 1)[0].rstrip("/") or "/"
        found = next((op for m, pattern, op in self._routes if m == wanted and pattern.fullmatch(trimmed)), None)
        if len(self._route_memo) >= _ROUTE_MEMO:
            self._route_memo.clear()  # fuzzed paths are endless; the memo stays small
        self._route_memo[key] = found
        return found

    def has_operation(self, operation_id: str) -> bool:
        try:
            self.operation(operation_id)
        except SpecError:
            return False
        return True

    def deref(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow `$ref`s (Reference Objects) from `node` at `pointer`; a SpecError for a dangling one."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                raise SpecError(self.source, f"$ref {ref!r} refers to itself", pointer=pointer)
            seen.add(ref)
            target = resolve_ref(self.document, ref)
            if target is MISSING:
                raise SpecError(self.source, f"$ref {ref!r} points to nothing", pointer=join(pointer, "$ref"))
            node, pointer = target, ref
        return node, pointer

    def at(self, pointer: str) -> Any:
        return resolve(self.document, pointer)

    def contract(self, version: str | None = None) -> Contract:
        """The compiled Create-a-message contract, sending `version` as Intercom-Version (default: the spec's)."""
        from ._contract import CompiledContract, Contract

        if self._compiled is None:
            self._compiled = CompiledContract.build(self)
        compiled = self._compiled
        chosen = self.version if version is None else version
        if chosen not in compiled.versions and not (chosen == "Unstable" and "Preview" in compiled.versions):
            raise UsageError(
                f"Intercom-Version {chosen!r} is not among the versions spec {self.source} documents: "
                f"{', '.join(compiled.versions)}."
            )
        return Contract(spec=self, version=chosen, compiled=compiled)


_ROUTE_MEMO = 4096


@functools.lru_cache(maxsize=4096)
def route_pattern(template: str) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """`/contacts/{id}/tags` -> a pattern capturing one path segment per template variable, and their names."""
    parts = [part for part in re.split(r"(\{[^}/]+\})", template.rstrip("/") or "/") if part]
    pattern = "".join("([^/]+)" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(pattern), tuple(part[1:-1] for part in parts if part.startswith("{"))


def path_values(template: str, path: str) -> dict[str, str] | None:
    """The raw values of a template's path parameters in `path` (`/contacts/{id}` + `/contacts/42` -> {id: 42}),
    None when the path is not one of the template's."""
    pattern, names = route_pattern(template)
    found = pattern.fullmatch(path.split("?", 1)[0].rstrip("/") or "/")
    return dict(zip(names, found.groups(), strict=True)) if found else None


def load_spec(source: str = sources.BUNDLED, *, errata: bool = True) -> Spec:
    """Load a spec from `bundled`, a YAML/JSON path, an https:// URL or `official:VERSION`.

    Known contradictions of official descriptions are corrected unless `errata` is False. Raises SpecError,
    naming the source (and the JSON pointer), for anything that cannot serve as a spec.
    """
    raw = sources.fetch(source)
    document = raw.document if raw.from_pack else documents.parse_cached(raw.data, raw.name)
    _check_openapi3(document, raw.name)
    applied: tuple[Erratum, ...] = ()
    official = raw.official_version or _official_version_of(raw.name, document)
    if errata and official is not None:
        applied = tuple(apply_errata(document, official))
    return Spec(source=raw.name, document=document, official_version=official, errata=applied, from_pack=raw.from_pack)


def _check_openapi3(document: Any, name: str) -> None:
    if not isinstance(document, dict):
        kind = "empty" if document is None else f"a {type(document).__name__}"
        raise SpecError(name, f"is not an OpenAPI 3 document: it is {kind}, not a mapping")
    declared = document.get("openapi")
    if declared is None:
        legacy = f" (it says swagger: {document['swagger']})" if "swagger" in document else ""
        raise SpecError(name, f"is not an OpenAPI 3 document: no `openapi` field{legacy}", pointer="#")
    if not str(declared).startswith("3."):
        raise SpecError(name, f"is not an OpenAPI 3 document: openapi is {declared!r}", pointer="#/openapi")
    if not isinstance(document.get("paths"), dict):
        raise SpecError(name, "has no `paths` mapping", pointer="#/paths")


def _official_version_of(name: str, document: dict[str, Any]) -> str | None:
    """A local copy of a published description is recognised by its title and version, so errata apply."""
    info = document.get("info")
    if not isinstance(info, dict) or info.get("title") != "Intercom API":
        return None
    version = sources.canonical_version(str(info.get("version")))
    return version if sources.is_official_version(version) else None
