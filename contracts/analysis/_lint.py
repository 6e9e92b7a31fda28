"""Self-consistency of a spec: what a description says that its own parts contradict.

Each rule is a function `(spec) -> Iterable[Finding]` in `RULES`; a finding has a kind, a JSON pointer and a
message. Lint reads the document as published (load it with `errata=False` to see every defect).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import ContractViolation, SpecError
from ..schema import MISSING, Validator, as_list, bundle_schema, join, resolve_ref
from ..spec import Operation, Spec

__all__ = ["RULES", "Finding", "LintReport", "lint"]


@dataclass(frozen=True)
class Finding:
    kind: str
    pointer: str
    message: str


@dataclass(frozen=True)
class LintReport:
    source: str
    findings: tuple[Finding, ...]
    note: str = ""  # what lint could not look at (the facts pack carries no examples and no prose)

    @property
    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(f.kind for f in self.findings).items()))

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def to_json(self) -> str:
        payload = {
            "source": self.source,
            "counts": self.counts,
            "findings": [asdict(f) for f in self.findings],
            "note": self.note,
        }
        return json.dumps(payload, indent=2, ensure_ascii=False)

    def to_text(self) -> str:
        lines = [f"{f.kind}: {f.pointer}: {f.message}" for f in self.findings]
        summary = ", ".join(f"{kind} {count}" for kind, count in self.counts.items()) or "no findings"
        lines.append(f"{self.source}: {len(self.findings)} finding(s) ({summary})")
        if self.note:
            lines.append(f"note: {self.note}")
        return "\n".join(lines)


def _walk(node: Any, pointer: str = "#") -> Iterator[tuple[str, Any]]:
    """Every mapping in the document with its JSON pointer (iterative: deep documents do not overflow)."""
    stack = [(pointer, node)]
    while stack:
        here, current = stack.pop()
        if isinstance(current, dict):
            yield here, current
            stack.extend((join(here, key), value) for key, value in reversed(list(current.items())))
        elif isinstance(current, list):
            stack.extend((join(here, index), value) for index, value in reversed(list(enumerate(current))))


def dangling_refs(spec: Spec) -> Iterator[Finding]:
    for pointer, node in _walk(spec.document):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and resolve_ref(spec.document, ref) is MISSING:
            yield Finding("dangling-ref", join(pointer, "$ref"), f"$ref {ref!r} points to nothing")


def _examples(media: dict[str, Any], pointer: str) -> Iterator[tuple[str, Any]]:
    if "example" in media:
        yield join(pointer, "example"), media["example"]
    examples = media.get("examples")
    for name, example in examples.items() if isinstance(examples, dict) else ():
        if isinstance(example, dict) and "value" in example:
            yield join(pointer, "examples", name, "value"), example["value"]


def _media_types(spec: Spec, operation: Operation) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, Media Type Object) of the request body and of every response."""
    bodies = [(join(operation.pointer, "requestBody"), operation.node.get("requestBody"))]
    responses = operation.node.get("responses")
    for status, response in responses.items() if isinstance(responses, dict) else ():
        bodies.append((join(operation.pointer, "responses", status), response))
    for pointer, body in bodies:
        try:
            node, at = spec.deref(body, pointer)
        except SpecError:
            continue  # reported as dangling-ref
        content = node.get("content") if isinstance(node, dict) else None
        for media_type, media in content.items() if isinstance(content, dict) else ():
            if isinstance(media, dict) and "schema" in media:
                yield join(at, "content", media_type), media


def invalid_examples(spec: Spec) -> Iterator[Finding]:
    validators: dict[str, Validator | None] = {}
    for operation in spec.operations():
        for pointer, media in _media_types(spec, operation):
            schema_pointer = join(pointer, "schema")
            if schema_pointer not in validators:
                validators[schema_pointer] = _validator(spec, schema_pointer)
            validator = validators[schema_pointer]
            if validator is None:
                continue
            for example_pointer, value in _examples(media, pointer):
                violation = next(iter(validator.violations(value)), None)
                if violation is not None:
                    yield Finding("example-invalid", example_pointer, _describe(violation))


def _validator(spec: Spec, pointer: str) -> Validator | None:
    try:
        return Validator(bundle_schema(spec.document, pointer, source=spec.source), subject="Example")
    except SpecError:
        return None  # a schema that does not resolve is reported as dangling-ref
    except Exception:  # a schema jsonschema cannot compile: not an example problem
        return None


def _describe(violation: ContractViolation) -> str:
    return f"example violates its schema at {violation.path}: {violation.message}"


_CONDITIONAL = re.compile(r"\bonly (present|returned|applicable|included|populated|available)\b", re.IGNORECASE)


def conditional_required(spec: Spec) -> Iterator[Finding]:
    for pointer, node in _walk(spec.document):
        required, properties = node.get("required"), node.get("properties")
        if not isinstance(required, list) or not isinstance(properties, dict):
            continue
        for name in required:
            prop = properties.get(name) if isinstance(name, str) else None
            description = prop.get("description") if isinstance(prop, dict) else None
            if isinstance(description, str) and _CONDITIONAL.search(description):
                yield Finding(
                    "required-conditional",
                    join(pointer, "required"),
                    f"{name!r} is required, yet described as conditional: {description.strip()!r}",
                )


def untied_branches(spec: Spec) -> Iterator[Finding]:
    """anyOf/oneOf branches where one branch's requirements contain another's and nothing tells them apart."""
    for pointer, node in _walk(spec.document):
        for keyword in ("anyOf", "oneOf"):
            branches = node.get(keyword)
            if not isinstance(branches, list) or len(branches) < 2:
                continue
            shapes = [_branch_shape(spec, branch) for branch in branches]
            for i, (required_i, tags_i) in enumerate(shapes):
                for j, (required_j, tags_j) in enumerate(shapes):
                    if i == j or not required_i or not required_i < required_j:
                        continue
                    if _distinguished(tags_i, tags_j):
                        continue
                    extra = ", ".join(sorted(required_j - required_i))
                    yield Finding(
                        "untied-branches",
                        join(pointer, keyword),
                        f"branch {j} requires {extra} but any value valid for branch {i} passes without them: "
                        "nothing ties the branches to a discriminator",
                    )


def _branch_shape(spec: Spec, branch: Any) -> tuple[frozenset[str], dict[str, frozenset[Any]]]:
    try:
        node, _ = spec.deref(branch, "#")
    except SpecError:
        return frozenset(), {}
    if not isinstance(node, dict):
        return frozenset(), {}
    listed = node.get("required")
    required = frozenset(n for n in listed if isinstance(n, str)) if isinstance(listed, list) else frozenset()
    tags: dict[str, frozenset[Any]] = {}
    properties = node.get("properties")
    for name, prop in properties.items() if isinstance(properties, dict) else ():
        if isinstance(prop, dict) and isinstance(prop.get("enum"), list):
            tags[str(name)] = frozenset(v for v in prop["enum"] if isinstance(v, (str, int, bool)))
    return required, tags


def _distinguished(a: dict[str, frozenset[Any]], b: dict[str, frozenset[Any]]) -> bool:
    return any(name in b and not (values & b[name]) for name, values in a.items())


def integer_date_time(spec: Spec) -> Iterator[Finding]:
    for pointer, node in _walk(spec.document):
        if node.get("type") == "integer" and node.get("format") == "date-time":
            yield Finding(
                "integer-date-time",
                join(pointer, "format"),
                "an integer (Unix time) tagged format date-time, which describes RFC 3339 strings",
            )


def parameter_locations(spec: Spec) -> Iterator[Finding]:
    for operation in spec.operations():
        template = set(re.findall(r"\{([^}]+)\}", operation.path))
        for index, parameter in enumerate(as_list(operation.node.get("parameters"))):
            pointer = join(operation.pointer, "parameters", index)
            try:
                node, _ = spec.deref(parameter, pointer)
            except SpecError:
                continue
            name = node.get("name") if isinstance(node, dict) else None
            if isinstance(name, str) and name in template and node.get("in") != "path":
                yield Finding(
                    "parameter-location",
                    join(pointer, "in"),
                    f"{name!r} is a variable of the path {operation.path} but declared in: {node.get('in')}",
                )


RULES: tuple[Callable[[Spec], Iterable[Finding]], ...] = (
    dangling_refs,
    invalid_examples,
    conditional_required,
    untied_branches,
    integer_date_time,
    parameter_locations,
)


def lint(spec: Spec) -> LintReport:
    """Every finding of every rule, in rule order."""
    note = (
        "read from the facts pack, which carries no examples and no prose: lint the published file (a path or URL) "
        "for example-invalid and required-conditional"
        if spec.from_pack
        else ""
    )
    return LintReport(spec.source, tuple(finding for rule in RULES for finding in rule(spec)), note)
