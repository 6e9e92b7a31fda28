"""What a team's code used of Intercom's API (the usage profile), and the contract coverage of its tests.

A profile keeps names, never values: per operation and version, the request's JSON paths (and each distinct shape
of its bodies: the paths with their JSON types, so that another version's contract can judge them again), the query
parameters and headers sent (names only: an Authorization header is one name, its token is never read), the answers
received (status, error code) and the JSON paths of the answers' bodies.
Profiles of many tests (or xdist workers) merge.
"""

from __future__ import annotations

import contextlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["USAGE_FORMAT", "Coverage", "UsageProfile", "json_paths", "json_shape"]

USAGE_FORMAT = 1  # bumped when a field changes meaning; new fields may be added without a bump
_MAX_DEPTH = 32  # deeper than any Intercom model: a body nested further is not walked
MAX_SHAPES = 32  # distinct request shapes kept per operation and version (a property test draws many)
_JSON_TYPES: dict[type, str] = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def json_paths(value: Any, into: set[str], prefix: str = "$", depth: int = 0) -> None:
    """The JSON paths of `value`'s members (`$.from.id`, `$.data[*].id`), never a value."""
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        for key, member in value.items():
            path = f"{prefix}.{key}"
            into.add(path)
            if isinstance(member, (dict, list)):
                json_paths(member, into, path, depth + 1)
    elif isinstance(value, list):
        path = prefix + "[*]"
        for member in value:
            if isinstance(member, (dict, list)):
                json_paths(member, into, path, depth + 1)


def json_type(value: Any) -> str:
    """The JSON type of a parsed JSON value (`true` is a boolean, not an integer; `1.5` a number)."""
    found = _JSON_TYPES.get(type(value))
    if found is not None:
        return found
    for kind in (bool, int, float, str, dict, list):  # subclasses (bool before int: a bool is an int)
        if isinstance(value, kind):
            return _JSON_TYPES[kind]
    return type(value).__name__


def json_shape(
    value: Any,
    into: dict[str, str],
    prefix: str = "$",
    depth: int = 0,
    *,
    enums: Mapping[str, frozenset[str]] | None = None,
    sent: dict[str, set[str]] | None = None,
) -> None:
    """The JSON paths of `value` with their JSON types (`{"$": "object", "$.from.id": "integer"}`), never a value:
    only a string that is one of the values `enums` documents at its path goes into `sent` (a documented constant).

    An array's items share one path: items of different types give the path each type (`integer|string`)."""
    kind = _JSON_TYPES.get(type(value)) or json_type(value)
    known = into.get(prefix)
    if known is None:
        into[prefix] = kind
    elif known != kind and kind not in known.split("|"):
        into[prefix] = "|".join(sorted({*known.split("|"), kind}))
    if depth > _MAX_DEPTH:
        return
    if kind == "object":
        for key, member in value.items():
            json_shape(member, into, f"{prefix}.{key}", depth + 1, enums=enums, sent=sent)
    elif kind == "array":
        for member in value:
            json_shape(member, into, prefix + "[*]", depth + 1, enums=enums, sent=sent)
    elif kind == "string" and enums and sent is not None and value in enums.get(prefix, ()):
        sent.setdefault(prefix, set()).add(value)


def _error_code(body: Any) -> str | None:
    """The first error's code of an `error.list` answer."""
    if not isinstance(body, dict) or body.get("type") != "error.list":
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = errors[0].get("code")
        return str(code) if code is not None else None
    return None


@dataclass
class _Use:
    """One operation under one version: what was sent and what came back, as names."""

    method: str
    path: str
    calls: int = 0
    request_fields: set[str] = field(default_factory=set)
    request_shapes: set[tuple[tuple[str, str], ...]] = field(default_factory=set)  # (path, JSON type) pairs, sorted
    request_enum_values: dict[str, set[str]] = field(default_factory=dict)  # documented enum values sent, by path
    query: set[str] = field(default_factory=set)
    headers: set[str] = field(default_factory=set)
    answers: Counter[tuple[int, str | None]] = field(default_factory=Counter)
    response_fields: dict[int, set[str]] = field(default_factory=dict)

    def merge(self, other: _Use) -> None:
        self.calls += other.calls
        self.request_fields |= other.request_fields
        for shape in sorted(other.request_shapes):
            self.add_shape(shape)
        for path, values in other.request_enum_values.items():
            self.request_enum_values.setdefault(path, set()).update(values)
        self.query |= other.query
        self.headers |= other.headers
        self.answers.update(other.answers)
        for status, fields in other.response_fields.items():
            self.response_fields.setdefault(status, set()).update(fields)

    def add_shape(self, shape: tuple[tuple[str, str], ...]) -> None:
        if len(self.request_shapes) < MAX_SHAPES or shape in self.request_shapes:
            self.request_shapes.add(shape)


@dataclass
class UsageProfile:
    """Per (operation, version), what the code used; `to_data()` is the stable JSON form (`format` 1)."""

    uses: dict[tuple[str, str], _Use] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.uses)

    def observe(
        self,
        *,
        operation: str,
        version: str,
        method: str,
        path: str,
        request_body: bytes | str | None,
        query: str,
        header_names: Iterable[str],
        status: int,
        response_body: Any,
        enums: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        """One exchange: its request body is parsed for its paths (a body that is not JSON adds none); `enums`: the
        values the operation documents by path (`documented_enums`), the only values a profile keeps."""
        use = self.uses.get((operation, version))
        if use is None:
            use = self.uses[(operation, version)] = _Use(method=method.upper(), path=path)
        use.calls += 1
        if request_body:
            with contextlib.suppress(ValueError):  # a body that is not JSON has no paths
                shape: dict[str, str] = {}
                json_shape(json.loads(request_body), shape, enums=enums, sent=use.request_enum_values)
                use.request_fields.update(shape)
                use.request_fields.discard("$")  # the body itself is no field
                use.add_shape(tuple(sorted(shape.items())))
        if query:
            use.query.update(name for name, _ in parse_qsl(query, keep_blank_values=True))
        use.headers.update(name.lower() for name in header_names)
        use.answers[(status, _error_code(response_body))] += 1
        json_paths(response_body, use.response_fields.setdefault(status, set()))

    def merge(self, other: UsageProfile) -> None:
        for key, use in other.uses.items():
            mine = self.uses.get(key)
            if mine is None:
                self.uses[key] = mine = _Use(method=use.method, path=use.path)
            mine.merge(use)

    # -- the JSON form ---------------------------------------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        operations = []
        for (operation, version), use in sorted(self.uses.items()):
            operations.append(
                {
                    "operation": operation,
                    "version": version,
                    "method": use.method,
                    "path": use.path,
                    "calls": use.calls,
                    "request_fields": sorted(use.request_fields),
                    "request_shapes": [dict(shape) for shape in sorted(use.request_shapes)],
                    "request_enum_values": {
                        path: sorted(values) for path, values in sorted(use.request_enum_values.items())
                    },
                    "query": sorted(use.query),
                    "headers": sorted(use.headers),
                    "answers": [
                        {"status": status, "code": code, "count": count}
                        for (status, code), count in sorted(use.answers.items(), key=lambda a: (a[0][0], a[0][1] or ""))
                    ],
                    "response_fields": {
                        str(status): sorted(fields) for status, fields in sorted(use.response_fields.items())
                    },
                }
            )
        return {"format": USAGE_FORMAT, "tool": "intercom-contracts", "operations": operations}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> UsageProfile:
        """A profile from its JSON form; ValueError (saying what) for one this version cannot read."""
        if not isinstance(data, Mapping) or data.get("format") != USAGE_FORMAT:
            found = data.get("format") if isinstance(data, Mapping) else type(data).__name__
            raise ValueError(f"not a usage profile of format {USAGE_FORMAT} (format: {found!r})")
        profile = cls()
        for item in data.get("operations") or []:
            try:
                use = _Use(
                    method=str(item["method"]),
                    path=str(item["path"]),
                    calls=int(item.get("calls", 0)),
                    request_fields=set(item.get("request_fields", ())),
                    request_shapes={
                        tuple(sorted((str(k), str(v)) for k, v in shape.items()))
                        for shape in item.get("request_shapes", ())
                    },
                    request_enum_values={
                        str(path): {str(v) for v in values}
                        for path, values in (item.get("request_enum_values") or {}).items()
                    },
                    query=set(item.get("query", ())),
                    headers=set(item.get("headers", ())),
                    answers=Counter(
                        {(int(a["status"]), a.get("code")): int(a.get("count", 1)) for a in item.get("answers", ())}
                    ),
                    response_fields={int(s): set(f) for s, f in (item.get("response_fields") or {}).items()},
                )
                profile.uses[(str(item["operation"]), str(item["version"]))] = use
            except (AttributeError, KeyError, TypeError, ValueError) as error:
                raise ValueError(f"a usage profile's operation entry is malformed ({error!r})") from None
        return profile

    def to_json(self) -> str:
        return json.dumps(self.to_data(), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, path: str | Path) -> UsageProfile:
        """A profile file; OSError or ValueError saying what is wrong with it."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not JSON ({error.msg}, line {error.lineno})") from None
        try:
            return cls.from_data(data)
        except ValueError as error:
            raise ValueError(f"{path}: {error}") from None

    def coverage(self, documented: Callable[[str, str], Iterable[str]]) -> list[Coverage]:
        """Per operation and version used, the documented answers (`documented(operation, version)`: its statuses)
        the tests met and those they never met."""
        found = []
        for (operation, version), use in sorted(self.uses.items()):
            statuses = sorted({str(s) for s in documented(operation, version)})
            met_statuses = {str(status) for status, _ in use.answers}
            found.append(
                Coverage(
                    operation=operation,
                    version=version,
                    met=[s for s in statuses if s in met_statuses],
                    never=[s for s in statuses if s not in met_statuses and s.isdigit()],
                    undocumented=sorted(met_statuses - set(statuses)),
                )
            )
        return found


@dataclass(frozen=True)
class Coverage:
    """One operation's documented answers (by status) the tests met, and never met."""

    operation: str
    version: str
    met: list[str]
    never: list[str]
    undocumented: list[str]  # answers received that its description does not document

    def line(self) -> str:
        parts = [f"{', '.join(self.met) or 'none'} met"]
        if self.never:
            parts.append(f"{', '.join(self.never)} never")
        if self.undocumented:
            parts.append(f"{', '.join(self.undocumented)} undocumented")
        return f"{self.operation} ({self.version}): {'; '.join(parts)}"

    def hints(self) -> list[str]:
        """One line per gap: the fixture call that provokes the answer never met."""
        return [f"  {status}: {provoking_call(int(status))}" for status in self.never]

    def to_data(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "version": self.version,
            "met": self.met,
            "never": self.never,
            "undocumented": self.undocumented,
        }


def provoking_call(status: int) -> str:
    """The `intercom_mock` call whose next answer is `status` (with its first documented error code)."""
    from ..spec import DOCUMENTED_ERRORS

    if status == 429:
        return "intercom_mock.rate_limit_next()"
    codes = DOCUMENTED_ERRORS.get(status)
    if codes:
        return f'intercom_mock.respond_next_with({status}, "{codes[0]}")'
    if status >= 500:
        return "a server error: intercom_mock.slow_next(seconds) for a timeout; the fake forces no 5xx"
    return f"intercom_mock.respond_next_with({status})"


def coverage_text(coverage: list[Coverage]) -> str:
    """The terminal section: a line per operation used, and a hint per answer never met."""
    lines = []
    for item in coverage:
        lines.append(item.line())
        lines.extend(item.hints())
    if any(item.never for item in coverage):
        lines.append("timeouts: intercom_mock.slow_next(seconds) answers after `seconds`, past a client's timeout")
    return "\n".join(lines)
