"""What changes between two specs (or versions) for the operations a client uses, classified for that client.

Resolved schemas are compared (each operation's own `$ref`s only, so dangling refs elsewhere do not matter).
A request change breaks a client when the new server may refuse what the old one accepted; a response change
breaks it when the client may receive what it did not expect.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import SpecError
from ..schema import bundle_schema, deref_bundled, join
from ..spec import Spec, json_schema_pointer, load_spec

__all__ = ["Change", "SpecDiff", "diff"]

Schema = dict[str, Any]
_MAX_DEPTH = 40


@dataclass(frozen=True)
class Change:
    operation: str
    where: str  # "request" or "response 200" ...
    pointer: str  # JSON pointer inside the compared schema ("" for the operation itself)
    kind: str
    breaking: bool
    old: Any
    new: Any

    def describe(self) -> str:
        return f"{self.kind}: {_show(self.old)} -> {_show(self.new)}"


@dataclass
class SpecDiff:
    old: str
    new: str
    changes: list[Change] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.breaking]

    def to_json(self) -> str:
        payload = {
            "old": self.old,
            "new": self.new,
            "breaking": len(self.breaking),
            "changes": [asdict(c) for c in self.changes],
            "not_compared": self.not_compared,
        }
        return json.dumps(payload, indent=2, ensure_ascii=False)

    def ordered(self) -> list[Change]:
        """Every change, the breaking ones first (each side in the order found)."""
        return [*self.breaking, *(c for c in self.changes if not c.breaking)]

    def to_text(self, *, every_change: bool = True) -> str:
        """Every change, one a line, breaking first; or (not `every_change`) a summary: how many of each kind, where."""
        if every_change:
            lines = [
                f"{'BREAKING' if c.breaking else 'ok      '} {c.operation} {c.where} {c.pointer or '/'}: {c.describe()}"
                for c in self.ordered()
            ]
        else:
            lines = []
            for _breaking, title, groups in self._summary():
                lines.append(f"{title} ({sum(len(g) for g in groups.values())}):")
                for kind, changes in groups.items():
                    lines.append(f"  {kind:<26} {len(changes):>5}  e.g. {_examples(changes)}")
            if self.changes:
                lines.append(f"({SUMMARY_HINT})")
        lines += [f"not compared: {note}" for note in self.not_compared]
        lines.append(f"{self.old} -> {self.new}: {len(self.changes)} change(s), {len(self.breaking)} breaking")
        return "\n".join(lines)

    def _summary(self) -> list[tuple[bool, str, dict[str, list[Change]]]]:
        """(breaking, heading, changes by kind) for the breaking changes, then the others; empty sides left out."""
        sides = ((True, "breaking"), (False, "non-breaking"))
        return [(b, title, groups) for b, title in sides if (groups := self.groups(breaking=b))]

    def groups(self, *, breaking: bool) -> dict[str, list[Change]]:
        """The breaking changes (or the others) by kind, the field a kind names left out; most frequent first."""
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            if change.breaking == breaking:
                grouped.setdefault(_general(change.kind), []).append(change)
        return dict(sorted(grouped.items(), key=lambda item: -len(item[1])))

    def to_markdown(self, *, every_change: bool = True) -> str:
        """For a pull-request comment: every change, breaking first; or (not `every_change`) the summary by kind
        (kind, count, example places) followed by every breaking change."""
        lines = [
            f"### API changes {self.old} → {self.new}",
            "",
            f"{len(self.changes)} change(s), **{len(self.breaking)} breaking**.",
        ]
        if every_change:
            lines += ["", *_change_table(self.ordered())]
        else:
            summary = self._summary()
            if summary:
                lines += ["", "| | change | count | e.g. |", "|---|---|---:|---|"]
            for breaking, title, groups in summary:
                mark = f"❌ {title}" if breaking else f"✅ {title}"
                for kind, changes in groups.items():
                    lines.append(f"| {mark} | {_md(kind)} | {len(changes)} | {_md(_examples(changes))} |")
            if self.breaking:
                lines += ["", "Breaking changes:", "", *_change_table(self.breaking)]
            if self.changes:
                lines += ["", f"_{SUMMARY_HINT}_"]
        lines += [f"\n_Not compared: {note}_" for note in self.not_compared]
        return "\n".join(lines)


SUMMARY_HINT = "--all lists every change, breaking first; --operation ID keeps the operations you use"


def _change_table(changes: list[Change]) -> list[str]:
    lines = ["| | operation | where | pointer | change | old | new |", "|---|---|---|---|---|---|---|"]
    for c in changes:
        mark = "❌ breaking" if c.breaking else "✅"
        cells = [mark, f"`{c.operation}`", c.where, f"`{c.pointer or '/'}`", _md(c.kind), _cell(c.old), _cell(c.new)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _examples(changes: list[Change], shown: int = 2) -> str:
    """A few places of a kind of change, each told apart from the others: where a kind names a field (`subject made
    optional` at `/required`), the field's own pointer (`/properties/subject`)."""
    where = ", ".join(f"{c.operation} {c.where} {_place(c)}" for c in changes[:shown])
    return where + (f" and {len(changes) - shown} more" if len(changes) > shown else "")


def _place(change: Change) -> str:
    field_name = _named_field(change.kind)
    if field_name is not None and change.pointer.endswith("/required"):
        return f"{change.pointer.removesuffix('/required')}/properties/{field_name}"
    return change.pointer or "/"


def _named_field(kind: str) -> str | None:
    """`subject made optional` -> `subject`; None for a kind that names no field."""
    for suffix in (" made optional", " made required"):
        if kind.endswith(suffix) and " " not in kind[: -len(suffix)]:
            return kind[: -len(suffix)]
    return None


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _general(kind: str) -> str:
    """`subject made optional` -> `field made optional` (a kind naming its field, in general)."""
    field_name = _named_field(kind)
    return kind if field_name is None else "field" + kind[len(field_name) :]


def diff(old: Spec | str, new: Spec | str, *, operations: list[str] | None = None, errata: bool = True) -> SpecDiff:
    """The changes from `old` to `new` (specs or sources) for `operations` (default: every operation of either)."""
    old_spec = old if isinstance(old, Spec) else load_spec(old, errata=errata)
    new_spec = new if isinstance(new, Spec) else load_spec(new, errata=errata)
    result = SpecDiff(old_spec.source, new_spec.source)
    old_ops = {op.operation_id: op for op in old_spec.operations()}
    new_ops = {op.operation_id: op for op in new_spec.operations()}
    wanted = operations or list(dict.fromkeys([*old_ops, *new_ops]))
    for operation_id in wanted:
        if operation_id not in old_ops and operation_id not in new_ops:
            raise SpecError(new_spec.source, f"has no operation {operation_id!r} (nor has {old_spec.source})")
        if operation_id not in new_ops:
            result.changes.append(Change(operation_id, "operation", "", "operation removed", True, "present", None))
            continue
        if operation_id not in old_ops:
            result.changes.append(Change(operation_id, "operation", "", "operation added", False, None, "present"))
            continue
        _compare_operation(old_spec, new_spec, operation_id, result)
    return result


def _compare_operation(old: Spec, new: Spec, operation_id: str, result: SpecDiff) -> None:
    old_op, new_op = old.operation(operation_id), new.operation(operation_id)
    old_statuses, new_statuses = _statuses(old_op.node), _statuses(new_op.node)
    for status in sorted(old_statuses - new_statuses):
        result.changes.append(Change(operation_id, f"response {status}", "", "status removed", True, status, None))
    for status in sorted(new_statuses - old_statuses):
        result.changes.append(Change(operation_id, f"response {status}", "", "status added", False, None, status))
    places = [("request", join(old_op.pointer, "requestBody"), join(new_op.pointer, "requestBody"))]
    places += [
        (f"response {status}", join(old_op.pointer, "responses", status), join(new_op.pointer, "responses", status))
        for status in sorted(old_statuses & new_statuses)
    ]
    for where, old_at, new_at in places:
        try:
            old_schema = _schema(old, old_at)
            new_schema = _schema(new, new_at)
        except SpecError as error:
            result.not_compared.append(f"{operation_id} {where}: {error}")
            continue
        if old_schema is None or new_schema is None:
            continue
        comparer = _Comparer(operation_id, where, old_schema, new_schema, request=where == "request")
        comparer.compare(old_schema, new_schema, "", 0)
        result.changes.extend(comparer.changes)


def _statuses(node: dict[str, Any]) -> set[str]:
    responses = node.get("responses")
    return {str(s) for s in responses} if isinstance(responses, dict) else set()


def _schema(spec: Spec, body_pointer: str) -> Schema | None:
    """The bundled JSON schema of a request body or response at `body_pointer`, None when it has none."""
    pointer = json_schema_pointer(spec, body_pointer)
    return None if pointer is None else bundle_schema(spec.document, pointer, source=spec.source)


class _Comparer:
    def __init__(self, operation: str, where: str, old_root: Schema, new_root: Schema, *, request: bool):
        self.operation, self.where, self.request = operation, where, request
        self.old_root, self.new_root = old_root, new_root
        self.changes: list[Change] = []
        self._seen: set[tuple[int, int]] = set()

    def add(self, pointer: str, kind: str, *, breaking: bool, old: Any, new: Any) -> None:
        self.changes.append(Change(self.operation, self.where, pointer, kind, breaking, old, new))

    def compare(
        self, old: Any, new: Any, pointer: str, depth: int, *, members: bool = True, types: bool = True
    ) -> None:
        """`members`: False for an allOf branch, whose members its object's own comparison compared; `types`: False
        for a choice's branch compared with a plain schema, whose types were compared with all the branches'."""
        old, new = _unwrapped(self.old_root, old), _unwrapped(self.new_root, new)
        if not isinstance(old, dict) or not isinstance(new, dict) or depth > _MAX_DEPTH:
            return
        if (id(old), id(new)) in self._seen:  # recursive schemas: each pair once
            return
        self._seen.add((id(old), id(new)))
        if types:
            self._types(old, new, pointer)
        self._enums(old, new, pointer)
        reshaped = self._reshaped(old, new)
        if reshaped is not None:  # e.g. an object that became "an object or an array of them": compare like with like
            self.compare(*reshaped, pointer, depth + 1, types=False)
            return
        if members:
            self._objects(old, new, pointer, depth)
        for keyword in ("allOf", "anyOf", "oneOf"):
            self._branches(keyword, old.get(keyword), new.get(keyword), pointer, depth)
        if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
            self.compare(old["items"], new["items"], pointer + "/items", depth + 1)

    def _reshaped(self, old: Schema, new: Schema) -> tuple[Schema, Schema] | None:
        """When one side is a plain schema and the other a choice (oneOf/anyOf), the pair to compare instead."""
        old_choice, new_choice = _choice(old), _choice(new)
        if bool(old_choice) == bool(new_choice):
            return None
        plain, plain_root, choices, choice_root = (
            (old, self.old_root, new_choice, self.new_root)
            if new_choice
            else (new, self.new_root, old_choice, self.old_root)
        )
        plain_types = self._type_set(plain_root, plain)
        resolved_branches = [deref_bundled(choice_root, branch) for branch in choices]
        resolved_branches = [branch for branch in resolved_branches if isinstance(branch, dict)]
        # the branch of the plain schema's types, else (`anyOf: [object, null]` against a nullable object) the
        # branch of its types but null
        for wanted in (plain_types, None if plain_types is None else plain_types - {"null"}):
            for resolved in resolved_branches:
                if wanted and self._type_set(choice_root, resolved) == wanted:
                    return (old, resolved) if new_choice else (resolved, new)
        return None

    def _types(self, old: Schema, new: Schema, pointer: str) -> None:
        old_types, new_types = self._type_set(self.old_root, old), self._type_set(self.new_root, new)
        if old_types is None or new_types is None or old_types == new_types:
            return
        if new_types > old_types:
            self.add(pointer, "type widened", breaking=not self.request, old=sorted(old_types), new=sorted(new_types))
        elif new_types < old_types:
            self.add(pointer, "type narrowed", breaking=self.request, old=sorted(old_types), new=sorted(new_types))
        else:
            self.add(pointer, "type changed", breaking=True, old=sorted(old_types), new=sorted(new_types))

    def _type_set(self, root: Schema, schema: Schema) -> frozenset[str] | None:
        declared = schema.get("type")
        if isinstance(declared, str):
            return frozenset({declared})
        if isinstance(declared, list):
            return frozenset(str(t) for t in declared)
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword)
            if isinstance(branches, list) and branches:
                kinds: set[str] = set()
                for branch in branches:
                    found = self._type_set(root, deref_bundled(root, branch) or {})
                    if found is None:
                        return None
                    kinds |= found
                return frozenset(kinds)
        return None

    def _enums(self, old: Schema, new: Schema, pointer: str) -> None:
        old_enum, new_enum = old.get("enum"), new.get("enum")
        if not isinstance(old_enum, list) or not isinstance(new_enum, list):
            return
        removed = [v for v in old_enum if v not in new_enum]
        added = [v for v in new_enum if v not in old_enum]
        if removed:
            self.add(pointer + "/enum", "enum values removed", breaking=self.request, old=removed, new=None)
        if added:
            self.add(pointer + "/enum", "enum values added", breaking=not self.request, old=None, new=added)

    def _objects(self, old: Schema, new: Schema, pointer: str, depth: int) -> None:
        # An object's members include those of its allOf branches: `allOf: [contact] + properties` is the contact
        # object extended (2.14's CreateContact answer), not an object whose every field was removed.
        old_props, new_props = _members(self.old_root, old), _members(self.new_root, new)
        old_required, new_required = _all_required(self.old_root, old), _all_required(self.new_root, new)
        for name in sorted(set(old_props) - set(new_props)):
            self.add(pointer + old_props[name][1], "field removed", breaking=True, old="present", new=None)
        for name in sorted(set(new_props) - set(old_props)):
            required = name in new_required
            self.add(
                pointer + new_props[name][1],
                "required field added" if required else "optional field added",
                breaking=self.request and required,
                old=None,
                new="required" if required else "optional",
            )
        for name in sorted(new_required - old_required):
            if name in old_props or name not in new_props:
                self.add(
                    f"{pointer}/required",
                    f"{name} made required",
                    breaking=self.request,
                    old="optional",
                    new="required",
                )
        for name in sorted(old_required - new_required):
            self.add(
                f"{pointer}/required",
                f"{name} made optional",
                breaking=not self.request,
                old="required",
                new="optional",
            )
        for name in sorted(set(old_props) & set(new_props)):
            self.compare(old_props[name][0], new_props[name][0], pointer + new_props[name][1], depth + 1)

    def _branches(self, keyword: str, old: Any, new: Any, pointer: str, depth: int) -> None:
        old_list = old if isinstance(old, list) else []
        new_list = new if isinstance(new, list) else []
        if not old_list and not new_list:
            return
        old_keys = [self._branch_key(self.old_root, b, i) for i, b in enumerate(old_list)]
        new_keys = [self._branch_key(self.new_root, b, i) for i, b in enumerate(new_list)]
        here = f"{pointer}/{keyword}"
        for index, key in enumerate(old_keys):
            if key not in new_keys:
                breaking = self.request if keyword != "allOf" else not self.request
                self.add(f"{here}/{index}", "branch removed", breaking=breaking, old=key, new=None)
        for index, key in enumerate(new_keys):
            if key not in old_keys:
                breaking = (not self.request) if keyword != "allOf" else self.request
                self.add(f"{here}/{index}", "branch added", breaking=breaking, old=None, new=key)
        for old_index, key in enumerate(old_keys):
            if key in new_keys:
                new_index = new_keys.index(key)
                self.compare(
                    old_list[old_index],
                    new_list[new_index],
                    f"{here}/{new_index}",
                    depth + 1,
                    members=keyword != "allOf",
                )

    @staticmethod
    def _branch_key(root: Schema, branch: Any, index: int) -> str:
        resolved = deref_bundled(root, branch)
        title = resolved.get("title") if isinstance(resolved, dict) else None
        return str(title) if title else f"#{index}"


def _properties(schema: Schema) -> dict[str, Any]:
    found = schema.get("properties")
    return found if isinstance(found, dict) else {}


_WRAPPER_KEYS = frozenset({"oneOf", "anyOf", "allOf", "title", "description"})


def _unwrapped(root: Schema, schema: Any) -> Any:
    """The schema itself, a lone branch's wrapper (`oneOf: [create_contact_request]`, 2.14's CreateContact request)
    being that branch: one choice is no choice."""
    schema = deref_bundled(root, schema)
    for _ in range(_MAX_DEPTH):
        if not isinstance(schema, dict) or not set(schema) <= _WRAPPER_KEYS:
            return schema
        branches = [schema[k] for k in ("oneOf", "anyOf", "allOf") if k in schema]
        if len(branches) != 1 or not isinstance(branches[0], list) or len(branches[0]) != 1:
            return schema
        schema = deref_bundled(root, branches[0][0])
    return schema


def _members(root: Schema, schema: Schema, depth: int = 0) -> dict[str, tuple[Any, str]]:
    """An object's properties, its allOf branches' included: name -> (schema, pointer relative to the object)."""
    found = {name: (member, f"/properties/{name}") for name, member in _properties(schema).items()}
    branches = schema.get("allOf")
    if isinstance(branches, list) and depth < _MAX_DEPTH:
        for index, branch in enumerate(branches):
            resolved = deref_bundled(root, branch)
            if isinstance(resolved, dict):
                for name, (member, at) in _members(root, resolved, depth + 1).items():
                    found.setdefault(name, (member, f"/allOf/{index}{at}"))
    return found


def _all_required(root: Schema, schema: Schema, depth: int = 0) -> set[str]:
    """An object's required members, its allOf branches' included."""
    required = _required(schema)
    branches = schema.get("allOf")
    if isinstance(branches, list) and depth < _MAX_DEPTH:
        for branch in branches:
            resolved = deref_bundled(root, branch)
            if isinstance(resolved, dict):
                required |= _all_required(root, resolved, depth + 1)
    return required


def _required(schema: Schema) -> set[str]:
    found = schema.get("required")
    return {name for name in found if isinstance(name, str)} if isinstance(found, list) else set()


def _choice(schema: Schema) -> list[Any]:
    for keyword in ("oneOf", "anyOf"):
        branches = schema.get(keyword)
        if isinstance(branches, list) and branches:
            return branches
    return []


def _show(value: Any) -> str:
    return "-" if value is None else json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def _cell(value: Any) -> str:
    return _show(value).replace("|", "\\|")
