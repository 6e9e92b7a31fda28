"""The upgrade over a usage profile: what moving to another Intercom-Version changes for what the code used.

The profile (`--intercom-usage`) names the operations, request fields and response fields the code used; the
documented changes between the two versions (`diff`, the one schema walker) are kept where they touch those, each
with its JSON path, both versions' schema excerpts and a severity: `breaks` (the diff classifies it breaking for a
client), `changes` (worth a look: an operation deprecated, a branch added, an answer's field made optional or
nullable), `safe`.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass, field
from typing import Any

from ..errors import IntercomContractsError, SpecError
from ..reports import UsageProfile
from ..schema import deref_bundled, join
from ..spec import Contracts, Spec
from ._diff import Change, _schema, diff
from ._request_shapes import ShapeProblem, shape_problems

__all__ = ["UsageFinding", "UsageUpgrade", "json_path_of", "usage_upgrade"]

SEVERITIES = ("breaks", "changes", "safe")
TEXT_WIDTH = 120  # a terminal's width: excerpts longer than a line are cut in the text (never in JSON)
_GROUPED = frozenset({"field made optional", "field made required"})
_GROUPED_FROM = 3  # more findings of a grouped kind in one place than this share one entry
_WORTH_A_LOOK = frozenset({"branch added", "branch removed", "status removed", "operation deprecated"})
_EXCERPT_KEYS = ("type", "format", "enum", "const", "nullable", "required", "deprecated", "pattern", "maxLength")


@dataclass(frozen=True)
class UsageFinding:
    operation: str
    where: str  # "operation", "request", "response 200", ...
    path: str  # the JSON path the code used ("$.from.id"); "" for the operation itself
    kind: str  # the diff's kind ("field removed", "type changed", ...) or "operation deprecated"
    severity: str  # breaks | changes | safe
    old: Any  # the schema excerpt in the version the code used (None: absent)
    new: Any  # the schema excerpt in the version upgraded to (None: absent)


@dataclass
class UsageUpgrade:
    """The findings of an upgrade over a profile, breaking ones first."""

    old: str
    new: str
    findings: list[UsageFinding] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def breaks(self) -> list[UsageFinding]:
        return [finding for finding in self.findings if finding.severity == "breaks"]

    def ordered(self) -> list[UsageFinding]:
        return sorted(self.findings, key=lambda f: (SEVERITIES.index(f.severity), f.operation, f.where, f.path))

    def to_json(self) -> str:
        payload = {
            "from": self.old,
            "to": self.new,
            "breaks": len(self.breaks),
            "findings": [asdict(finding) for finding in self.ordered()],
            "not_compared": self.not_compared,
            "note": self.note,
        }
        return json.dumps(payload, indent=2, ensure_ascii=False)

    def to_text(self, width: int = TEXT_WIDTH) -> str:
        """Each finding with both excerpts (cut to `width`); many fields of one answer made optional (or required)
        share one entry listing their paths (`--format json` has each with its excerpts)."""
        lines = [f"upgrade of what the code uses: {self.old} -> {self.new}: {self._count()}"]
        for group in self._groups():
            first = group[0]
            if len(group) > _GROUPED_FROM:
                kind = _general(first.kind).replace("field made", "fields made")
                head = f"  {first.severity.upper():7} {first.operation} {first.where}: {len(group)} {kind}: "
                paths = ", ".join(finding.path for finding in group)
                lines += textwrap.wrap(head + paths, width, subsequent_indent=" " * 10, break_on_hyphens=False)
                continue
            for finding in group:
                place = f"{finding.where} {finding.path}".rstrip()
                headline = f"  {finding.severity.upper():7} {finding.operation} {place}: {finding.kind}"
                lines += textwrap.wrap(headline, width, subsequent_indent=" " * 10, break_on_hyphens=False)
                lines.append(_cut(f"          {self.old}: {_show(finding.old)}", width))
                lines.append(_cut(f"          {self.new}: {_show(finding.new)}", width))
        lines += [f"  not compared: {item}" for item in self.not_compared]
        if self.note:
            lines.append(f"  {self.note}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        lines = [f"## Upgrade of what the code uses: {self.old} -> {self.new}", "", self._count(), ""]
        if self.findings:
            lines += [f"| severity | operation | where | path | change | {self.old} | {self.new} |", "|---" * 7 + "|"]
            for group in self._groups():
                f = group[0]
                if len(group) > _GROUPED_FROM:  # one row: the paths, what the change was
                    paths = ", ".join(f"`{finding.path}`" for finding in group)
                    made = _general(f.kind).removeprefix("field made ")  # optional | required
                    kind = f"{len(group)} fields made {made}"
                    cells = [f.severity, f.operation, f.where, paths, kind, _opposite(made), made]
                    lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
                    continue
                for f in group:
                    cells = [f.severity, f.operation, f.where, f"`{f.path}`" if f.path else "", f.kind]
                    cells += [f"`{_show(f.old)}`", f"`{_show(f.new)}`"]
                    lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        lines += [f"- not compared: {item}" for item in self.not_compared]
        if self.note:
            lines += ["", self.note]
        return "\n".join(lines)

    def _groups(self) -> list[list[UsageFinding]]:
        """The ordered findings, those of one operation's answer (or request) whose kind is "a field made
        optional|required" together, at the place of their first."""
        groups: dict[Any, list[UsageFinding]] = {}
        for finding in self.ordered():
            kind = _general(finding.kind)
            key = (finding.severity, finding.operation, finding.where, kind) if kind in _GROUPED else id(finding)
            groups.setdefault(key, []).append(finding)
        return list(groups.values())

    def _count(self) -> str:
        counts = {severity: sum(1 for f in self.findings if f.severity == severity) for severity in SEVERITIES}
        if not self.findings:
            return "nothing the code uses changes"
        return ", ".join(f"{count} {severity}" for severity, count in counts.items() if count)


def usage_upgrade(
    profile: UsageProfile, to: str, *, old: str | None = None, contracts: Contracts | None = None
) -> UsageUpgrade:
    """What `to` changes for the operations and fields of `profile`, from `old` (default: each use's version)."""
    contracts = contracts or Contracts("bundled")
    if not contracts.knows(to):
        raise IntercomContractsError(f"--to {to}: not documented; documented: {contracts.describe()}")
    if old is not None and not contracts.knows(old):
        raise IntercomContractsError(f"--from {old}: not documented; documented: {contracts.describe()}")
    froms = sorted({old or version for _, version in profile.uses})
    result = UsageUpgrade(old=", ".join(froms) or (old or "-"), new=to)
    if not profile.uses:
        result.note = "the profile records no operation: nothing to compare"
    new_spec = contracts.spec_for(to)
    for (operation, version), use in sorted(profile.uses.items()):
        old_spec = contracts.spec_for(old or version)
        if old_spec is new_spec:
            continue  # one description documents both versions: nothing it can tell apart
        _findings_for(
            result, old_spec, new_spec, operation, use.request_fields, use.response_fields, use.request_enum_values
        )
        _refused_requests(result, old_spec, new_spec, operation, use.request_shapes)
    unique = {json.dumps(asdict(f), sort_keys=True, default=str): f for f in result.findings}
    removed = {
        (f.operation, f.where, f.path)
        for f in unique.values()
        if f.kind == "field removed" or f.kind.startswith("renamed (likely)")
    }
    result.findings = [  # the same operation recorded under two versions, --from given: once
        f for f in unique.values() if not (" made " in f.kind and (f.operation, f.where, f.path) in removed)
    ]  # a field removed is no longer "made optional" too
    return result


def _findings_for(
    result: UsageUpgrade,
    old_spec: Spec,
    new_spec: Spec,
    operation: str,
    request_fields: set[str],
    response_fields: dict[int, set[str]],
    sent_values: dict[str, set[str]] | None = None,
) -> None:
    new_ops = {op.operation_id: op for op in new_spec.operations()}
    try:
        old_op = old_spec.operation(operation)
    except (IntercomContractsError, KeyError):
        result.not_compared.append(f"{operation}: {old_spec.source} does not document it")
        return
    new_op = new_ops.get(operation)
    if new_op is None:
        result.findings.append(
            UsageFinding(
                operation,
                "operation",
                "",
                "operation removed",
                "breaks",
                f"{old_op.method.upper()} {old_op.path}",
                None,
            )
        )
        return
    if new_op.node.get("deprecated") and not old_op.node.get("deprecated"):
        where = f"{new_op.method.upper()} {new_op.path}"
        result.findings.append(
            UsageFinding(operation, "operation", "", "operation deprecated", "changes", where, {"deprecated": True})
        )
    received = {f"response {status}": fields for status, fields in response_fields.items()}
    changes = diff(old_spec, new_spec, operations=[operation]).changes
    renamed = _renames(changes, old_spec, new_spec, old_op.pointer, new_op.pointer)
    for change in changes:
        used = request_fields if change.where == "request" else received.get(change.where)
        if used is None:
            continue  # a response the code never received
        path = _touched(change, used)
        if path is None:
            continue
        old_excerpt, new_excerpt = _excerpts(old_spec, new_spec, old_op.pointer, new_op.pointer, change)
        kind, severity = change.kind, _severity(change)
        if change.kind == "enum values removed" and change.where == "request" and (sent_values or {}).get(path):
            kind, severity = _enum_values_sent(change, (sent_values or {})[path])
        if (change.where, change.pointer) in renamed:
            added = renamed[(change.where, change.pointer)]
            kind = f"renamed (likely) {_name(change.pointer)} -> {_name(added.pointer)}"
            new_excerpt = _excerpt(new_spec, _body(new_op.pointer, added), added.pointer)
        result.findings.append(UsageFinding(operation, change.where, path, kind, severity, old_excerpt, new_excerpt))


def _enum_values_sent(change: Change, sent: set[str]) -> tuple[str, str]:
    """An enum that loses values, told by the documented values the code was recorded sending there."""
    lost = sorted(sent & {str(value) for value in change.old or ()})
    if lost:
        return f"enum values removed, {', '.join(lost)} sent by the code", "breaks"
    return f"enum values removed, none the code sends ({', '.join(sorted(sent))})", "safe"


def _renames(changes: list[Change], old_spec: Spec, new_spec: Spec, old_at: str, new_at: str) -> dict[Any, Change]:
    """Fields removed whose object gained one field of the same schema (type, format, enum, members; an array's
    items alike): (where, pointer) of the removal -> the addition. Only pairs that match one another alone: two
    candidates either way is no rename anyone could tell."""
    removed: dict[tuple[str, str], list[Change]] = {}
    added: dict[tuple[str, str], list[Change]] = {}
    for change in changes:
        if change.kind == "field removed":
            removed.setdefault((change.where, _parent(change.pointer)), []).append(change)
        elif change.kind in ("optional field added", "required field added"):
            added.setdefault((change.where, _parent(change.pointer)), []).append(change)
    pairs: dict[Any, Change] = {}
    for place, gone in removed.items():
        came = added.get(place, [])
        if not came:
            continue
        old_keys = {id(c): _signature(old_spec, _body(old_at, c), c.pointer) for c in gone}
        new_keys = {id(c): _signature(new_spec, _body(new_at, c), c.pointer) for c in came}
        for change in gone:
            key = old_keys[id(change)]
            matches = [c for c in came if key is not None and new_keys[id(c)] == key]
            if len(matches) == 1 and [old_keys[id(c)] for c in gone].count(key) == 1:
                pairs[(change.where, change.pointer)] = matches[0]
    return pairs


def _parent(pointer: str) -> str:
    return json_path_of(pointer).rsplit(".", 1)[0]


def _name(pointer: str) -> str:
    return json_path_of(pointer).rsplit(".", 1)[-1]


def _body(operation_at: str, change: Change) -> str:
    where = ("requestBody",) if change.where == "request" else ("responses", change.where.removeprefix("response "))
    return join(operation_at, *where)


def _signature(spec: Spec, body_pointer: str, pointer: str) -> str | None:
    """What makes two fields the same field under two names: their defining keywords, an array's items' too."""
    excerpt = _excerpt(spec, body_pointer, pointer)
    if not isinstance(excerpt, dict) or "type" not in excerpt:
        return None
    items = _excerpt(spec, body_pointer, pointer + "/items") if "array" in json.dumps(excerpt["type"]) else None
    keep = ("type", "format", "enum", "const", "properties")
    return json.dumps(
        [{k: excerpt.get(k) for k in keep}, items and {k: items.get(k) for k in keep}], sort_keys=True, default=str
    )


_REFUSALS = {
    "required field missing": "request refused: a required field it does not send",
    "field not allowed": "request refused: a field it sends is not allowed",
    "type not allowed": "request refused: it sends {sent}, not allowed",
}


def _refused_requests(
    result: UsageUpgrade,
    old_spec: Spec,
    new_spec: Spec,
    operation: str,
    shapes: set[tuple[tuple[str, str], ...]],
) -> None:
    """The recorded requests (their shapes) that the new version's request schema refuses and the old did not."""
    if not shapes:
        return
    new_ops = {op.operation_id: op for op in new_spec.operations()}
    try:
        old_op, new_op = old_spec.operation(operation), new_ops[operation]
        old_root = _schema(old_spec, join(old_op.pointer, "requestBody"))
        new_root = _schema(new_spec, join(new_op.pointer, "requestBody"))
    except (IntercomContractsError, KeyError):
        return  # not documented in one of them: said by _findings_for
    found: set[ShapeProblem] = set()
    for shape in sorted(shapes):
        sent = dict(shape)
        found |= shape_problems(sent, new_root) - shape_problems(sent, old_root)
    for problem in sorted(found):
        tokens = _path_tokens(problem.path)
        old_excerpt = _excerpt(old_spec, join(old_op.pointer, "requestBody"), tokens)
        new_excerpt = _excerpt(new_spec, join(new_op.pointer, "requestBody"), tokens)
        if problem.kind == "required field missing":
            old_excerpt = None if old_excerpt is None else {**old_excerpt, "is_required": False}
            new_excerpt = None if new_excerpt is None else {**new_excerpt, "is_required": True}
        kind = _REFUSALS[problem.kind].format(sent=problem.sent)
        result.findings.append(
            UsageFinding(operation, "request", problem.path, kind, "breaks", old_excerpt, new_excerpt)
        )


def _path_tokens(path: str) -> str:
    """A JSON path's schema pointer: `$.a[*].b` -> `/properties/a/items/properties/b`."""
    pointer = ""
    for part in path.removeprefix("$").replace("[*]", ".[*]").split("."):
        if part == "[*]":
            pointer += "/items"
        elif part:
            pointer += "/properties/" + part.replace("~", "~0").replace("/", "~1")
    return pointer


def _touched(change: Change, used: set[str]) -> str | None:
    """The JSON path of a change when it touches what the code used (None when it does not)."""
    if change.kind == "status removed":
        return "$"
    path = json_path_of(change.pointer)
    if change.pointer.endswith("/required"):  # "NAME made required|optional": the field NAME of that object
        name = change.kind.split(" made ")[0]
        field_path = f"{path}.{name}"
        if change.kind.endswith("made required") and change.where == "request":
            # a field the code never sent is now required: every request breaks
            return field_path if field_path not in used and (path == "$" or path in used) else None
        return field_path if field_path in used else None
    if change.kind == "required field added" and change.where == "request":
        parent = path.rsplit(".", 1)[0]
        return path if parent == "$" or parent in used else None
    return path if path in used else None


def json_path_of(pointer: str) -> str:
    """A schema pointer's JSON path: `/properties/from/properties/id` -> `$.from.id`, `items` -> `[*]`; the branches
    (allOf, oneOf, anyOf) and the keywords after the last member (`enum`, `required`) name no member."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] if pointer else []
    path, index = "$", 0
    while index < len(tokens):
        token = tokens[index]
        if token == "properties" and index + 1 < len(tokens):
            path += f".{tokens[index + 1]}"
            index += 2
        elif token == "items":
            path += "[*]"
            index += 1
        elif token in ("allOf", "oneOf", "anyOf"):
            index += 2
        else:
            index += 1
    return path


def _severity(change: Change) -> str:
    if change.where != "request" and _may_be_left_out(change):
        # An answer's field the new description lets be absent or null: code that reads it must allow for that, but
        # nothing says the server stopped sending it (2.14 drops most `required` lists): worth a look, not a break.
        return "changes"
    if change.breaking:
        return "breaks"
    return "changes" if change.kind in _WORTH_A_LOOK else "safe"


def _may_be_left_out(change: Change) -> bool:
    """A field made optional, or its type widened by null alone."""
    if change.kind.endswith(" made optional"):
        return True
    if change.kind == "type widened" and isinstance(change.old, list) and isinstance(change.new, list):
        return set(change.new) - set(change.old) <= {"null"}
    return False


def _excerpts(old_spec: Spec, new_spec: Spec, old_at: str, new_at: str, change: Change) -> tuple[Any, Any]:
    """The schema at the change's place in each version, its defining keywords only (no prose)."""
    where = ("requestBody",) if change.where == "request" else ("responses", change.where.removeprefix("response "))
    pointer = change.pointer.removesuffix("/enum")
    old_excerpt, new_excerpt = _excerpt(old_spec, join(old_at, *where), pointer), None
    if " made " in change.kind:  # "NAME made required|optional": the field NAME's own schema, and whether required
        pointer = join(pointer.removesuffix("/required"), "properties", change.kind.split(" made ")[0])
        old_excerpt = _excerpt(old_spec, join(old_at, *where), pointer)
        new_excerpt = _excerpt(new_spec, join(new_at, *where), pointer)
        old_excerpt = None if old_excerpt is None else {**old_excerpt, "is_required": change.old == "required"}
        new_excerpt = None if new_excerpt is None else {**new_excerpt, "is_required": change.new == "required"}
        return old_excerpt, new_excerpt
    return old_excerpt, _excerpt(new_spec, join(new_at, *where), pointer)


def _excerpt(spec: Spec, body_pointer: str, pointer: str) -> Any:
    try:
        root = _schema(spec, body_pointer)
    except SpecError:
        return None
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] if pointer else []
    node = _walk(root or {}, root, tokens, 0)
    if not isinstance(node, dict):
        return None
    excerpt = {key: node[key] for key in _EXCERPT_KEYS if key in node}
    if isinstance(node.get("properties"), dict):
        excerpt["properties"] = sorted(node["properties"])
    items = deref_bundled(root or {}, node.get("items"))
    if isinstance(items, dict):  # an array: what its items are, in brief
        brief = {key: items[key] for key in ("type", "format", "enum") if key in items}
        if isinstance(items.get("properties"), dict):
            brief["properties"] = sorted(items["properties"])
        excerpt["items"] = brief or {"schema": "any"}
    for keyword in ("oneOf", "anyOf", "allOf"):
        if isinstance(node.get(keyword), list):
            excerpt[keyword] = len(node[keyword])
    return excerpt or {"schema": "any"}


def _walk(root: Any, node: Any, tokens: list[str], depth: int) -> Any:
    """The schema at `tokens` under `node`, looking through allOf as the diff does (a member of an allOf branch is a
    member of its object, in either version, whether or not the other version has the branch), and through a choice's
    branches (the first that has the member)."""
    node = deref_bundled(root, node)
    if not tokens or depth > 64:
        return node if not tokens else None
    token, rest = tokens[0], tokens[1:]
    if token == "allOf" and isinstance(node, dict) and "allOf" not in node and rest:
        return _walk(root, node, rest[1:], depth + 1)  # the other version's allOf branch: the same object here
    child = None
    if isinstance(node, dict):
        child = node.get(token)
    elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
        child = node[int(token)]
    found = None if child is None else _walk(root, child, rest, depth + 1)
    if found is None and isinstance(node, dict):
        for keyword in ("allOf", "oneOf", "anyOf"):  # allOf's members, else the first branch of a choice that has it
            branches = node.get(keyword)
            if not isinstance(branches, list):
                continue
            for branch in branches:
                found = _walk(root, branch, tokens, depth + 1)
                if found is not None:
                    return found
    return found


def _general(kind: str) -> str:
    """`subject made optional` -> `field made optional` (a kind naming its field, in general)."""
    name, made, rest = kind.partition(" made ")
    return f"field made {rest}" if made and " " not in name else kind


def _opposite(made: str) -> str:
    return {"optional": "required", "required": "optional"}.get(made, "")


def _cut(line: str, width: int) -> str:
    return line if len(line) <= width else line[: width - 1] + "…"


def _show(value: Any) -> str:
    return "absent" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
