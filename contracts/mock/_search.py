"""Intercom's search queries, as the search operations' descriptions document them.

Sources: each search operation's own description (every version: "Nesting & Limitations", "Searching for Timestamp
Fields", "Accepted Fields", "Accepted Operators", the default page size: `SEARCHES`) and intercom-facts.md
("Reading: Search"):
- a query is a filter `{field, operator, value}` or a group `{operator: AND|OR, value: [queries]}`; at most 2 levels
  of groups and 15 queries in one group, else the query fails;
- a field's type is the one its operation's "Accepted Fields" table gives (String, Integer, Date, Boolean; a
  custom attribute's is its data attribute's, else that of the value sent); the operators valid per type are the
  facts' (`>`/`<`/`>=`/`<=` for integers, `~ !~ ^ $` for strings, `tag_id` only `=`/`!=`; on a date `=`, `>`, `<`
  only) and a value of the wrong type fails the query;
- dates match by calendar day in the workspace's timezone: `=` the whole day, `>` from the start of the next day,
  `<` before the start of the day;
- `tag_id`, `company_id`, `contact_ids`, ... match any of the item's tags, companies, contacts; dotted fields
  (`location.country`, `custom_attributes.plan`) read inside the item;
- production answers a string compared with `>`/`<` (a widely used connector sends `id > ""`): compared as text,
  reported as undocumented.
A query is planned once per request (`plan`), then tested against each item's complete body.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

__all__ = [
    "MAX_GROUPS",
    "MAX_PER_GROUP",
    "SEARCHES",
    "Plan",
    "Refused",
    "SearchRules",
    "documented_refusal",
    "plan",
    "search_rules",
    "sort_key",
]

MAX_GROUPS: Final = 2  # "There's a limit of max 2 nested filters"
MAX_PER_GROUP: Final = 15  # "There's a limit of max 15 filters for each AND or OR group"
DEFAULT_PER_PAGE: Final = 50  # the facts' default where a description names none
MAX_PER_PAGE: Final = 150

OPERATORS: Final[dict[str, frozenset[str]]] = {
    "date": frozenset({"=", ">", "<"}),
    "integer": frozenset({"=", "!=", "IN", "NIN", ">", "<", ">=", "<="}),
    "string": frozenset({"=", "!=", "IN", "NIN", "~", "!~", "^", "$"}),
    "boolean": frozenset({"=", "!=", "IN", "NIN"}),
    "reference": frozenset({"=", "!="}),  # tag_id: "supports only the = and != operators"
}
ORDERED_TEXT: Final = frozenset({">", "<", ">=", "<="})  # on a string: undocumented, answered as production does
NEGATIVE: Final = frozenset({"!=", "!~", "NIN"})
# Fields that name what is attached to an item: the list (key, its items' key) they match any of.
REFERENCES: Final[dict[str, tuple[str, ...]]] = {
    "tag_id": ("tags",),
    "tag_ids": ("tags",),
    "company_id": ("companies",),
    "company_ids": ("companies",),
    "contact_ids": ("contacts",),
    "teammate_ids": ("teammates",),
    "segment_id": ("segments",),
}
LINKED: Final = frozenset({"tags", "notes", "companies", "contacts", "teammates", "segments", "user_count"})
_TYPES: Final = {"string": "string", "integer": "integer", "date": "date", "boolean": "boolean", "float": "integer"}


@dataclass(frozen=True)
class SearchRules:
    """What one search operation's description says: its page sizes and its fields' types."""

    per_page: int = DEFAULT_PER_PAGE
    max_per_page: int = MAX_PER_PAGE
    fields: Mapping[str, str] = field(default_factory=dict)  # field -> string | integer | date | boolean


class Refused(Exception):
    """A query Intercom refuses: where in the body, what was expected, what came."""

    def __init__(self, path: str, expected: Any, received: Any, message: str):
        super().__init__(message)
        self.path, self.expected, self.received, self.message = path, expected, received, message


@dataclass
class Plan:
    """A query planned: its test of an item's body, and what it holds of undocumented fate."""

    test: Callable[[dict[str, Any]], bool]
    undocumented: list[str] = field(default_factory=list)
    fields: set[str] = field(default_factory=set)  # the fields the query reads

    def reads_links(self, *also: str) -> bool:
        """Whether the query (or a sort by `also`) reads what an item links to, not only its stored body."""
        return any(name in REFERENCES or name.split(".", 1)[0] in LINKED for name in (*self.fields, *also))


def _fields(dates: str, integers: str = "", booleans: str = "") -> dict[str, str]:
    typed = {"date": dates, "integer": integers, "boolean": booleans}
    return {name: kind for kind, names in typed.items() for name in names.split()}


# Each search operation's "Accepted Fields" table (the union over the published versions; every field not named here
# is a String) and the default and largest page its description states. The facts pack keeps no prose, so the
# tables are transcribed here; tests/mock/test_search.py checks them against the descriptions when they are at hand.
SEARCHES: Final[dict[str, SearchRules]] = {
    "/contacts/search": SearchRules(
        50,
        MAX_PER_PAGE,
        _fields(
            "created_at signed_up_at updated_at last_seen_at last_contacted_at last_replied_at last_email_opened_at"
            " last_email_clicked_at ios_last_seen_at android_last_seen_at",
            "owner_id",
            "unsubscribed_from_emails marked_email_as_spam has_hard_bounced",
        ),
    ),
    "/conversations/search": SearchRules(
        20,
        150,
        _fields(
            "created_at updated_at waiting_since snoozed_until conversation_rating.requested_at"
            " conversation_rating.replied_at statistics.first_contact_reply_at statistics.first_assignment_at"
            " statistics.first_admin_reply_at statistics.first_close_at statistics.last_assignment_at"
            " statistics.last_assignment_admin_reply_at statistics.last_contact_reply_at"
            " statistics.last_admin_reply_at statistics.last_close_at",
            "admin_assignee_id team_assignee_id conversation_rating.score ai_agent.rating statistics.count_reopens"
            " statistics.count_assignments statistics.count_conversation_parts statistics.median_time_to_reply"
            " statistics.time_to_assignment statistics.time_to_admin_reply statistics.time_to_first_close"
            " statistics.time_to_last_close",
            "open read ai_agent_participated",
        ),
    ),
    "/tickets/search": SearchRules(
        20, MAX_PER_PAGE, _fields("created_at updated_at snoozed_until", "admin_assignee_id team_assignee_id", "open")
    ),
    "/companies/search": SearchRules(
        15,
        MAX_PER_PAGE,
        _fields("created_at updated_at last_request_at remote_created_at", "monthly_spend session_count user_count"),
    ),
}


def search_rules(path: str) -> SearchRules:
    """The rules of the search operation at `path` (the facts' defaults for one whose description states none)."""
    return SEARCHES.get(path, SearchRules())


def documented_refusal(path: str, body: Any) -> str | None:
    """Why a search body breaks a rule its operation's description states in prose (nesting, filter count, an
    operator or value of the wrong type for a field), which no schema expresses; None when it breaks none."""
    if path not in SEARCHES or not isinstance(body, dict):
        return None
    try:
        plan(body.get("query"), search_rules(path), timezone="UTC", attributes={})
    except Refused as refused:
        return f"{refused.message} at {refused.path}"
    return None


def plan(query: Any, rules: SearchRules, *, timezone: str, attributes: Mapping[str, str]) -> Plan:
    """The test of `query` (raises Refused); `attributes`: the data type of each custom attribute by name."""
    planned = Plan(lambda body: True)
    if query is None:
        return planned
    planned.test = _node(query, "$.query", 0, rules, ZoneInfo(timezone), attributes, planned)
    return planned


def _node(
    query: Any,
    where: str,
    groups: int,
    rules: SearchRules,
    zone: ZoneInfo,
    attributes: Mapping[str, str],
    planned: Plan,
) -> Callable[[dict[str, Any]], bool]:
    if not isinstance(query, dict):
        raise Refused(where, "a filter or an AND/OR group", query, "a query is an object")
    operator = query.get("operator")
    value = query.get("value")
    if operator in ("AND", "OR"):
        if groups >= MAX_GROUPS:
            raise Refused(where, f"at most {MAX_GROUPS} levels of AND/OR", query, "the query nests too deep")
        if not isinstance(value, list) or not value:  # no source says what a group of nothing finds
            planned.undocumented.append(f"search: an {operator} group without queries at {where} (finds nothing)")
            return lambda body: False
        if len(value) > MAX_PER_GROUP:
            raise Refused(
                f"{where}.value", f"at most {MAX_PER_GROUP} filters", len(value), "too many filters in one group"
            )
        tests = [
            _node(sub, f"{where}.value[{i}]", groups + 1, rules, zone, attributes, planned)
            for i, sub in enumerate(value)
        ]
        if operator == "AND":
            return lambda body: all(test(body) for test in tests)
        return lambda body: any(test(body) for test in tests)
    return _filter(query, where, rules, zone, attributes, planned)


def _filter(
    query: dict[str, Any],
    where: str,
    rules: SearchRules,
    zone: ZoneInfo,
    attributes: Mapping[str, str],
    planned: Plan,
) -> Callable[[dict[str, Any]], bool]:
    name, operator, value = str(query.get("field", "")), str(query.get("operator", "")), query.get("value")
    kind, documented = _kind(name, value, rules, attributes)
    planned.fields.add(name)
    if not documented and (operator not in OPERATORS[kind] or not _fits(value, kind, operator, name)):
        # a field whose type no source gives: what it accepts is undocumented (production compares text)
        planned.undocumented.append(f"search: the field {name!r} compared with {operator!r} (answered as text)")
        return _as_text(name, operator, value)
    if operator not in OPERATORS[kind]:
        valid = sorted(OPERATORS[kind])
        raise Refused(
            f"{where}.operator", valid, operator, f"{operator!r} is not an operator of the {kind} field {name!r}"
        )
    wanted = _checked(value, kind, operator, f"{where}.value", name)
    compare = _comparison(kind, operator, wanted, zone)
    negative = operator in NEGATIVE
    if negative:
        return lambda body: not any(compare(found) for found in _values(body, name))
    return lambda body: any(compare(found) for found in _values(body, name))


def _kind(name: str, value: Any, rules: SearchRules, attributes: Mapping[str, str]) -> tuple[str, bool]:
    """The field's type, and whether a source gives it (else it is read from the value sent)."""
    if name in ("tag_id",):
        return "reference", True
    documented = rules.fields.get(name)
    if documented is not None and name not in REFERENCES:
        return documented, True
    if name.startswith("custom_attributes.") and name.split(".", 1)[1] in attributes:
        return _TYPES.get(attributes[name.split(".", 1)[1]], "string"), True
    sample = value[0] if isinstance(value, list) and value else value
    if isinstance(sample, bool):
        return "boolean", False
    return ("integer" if isinstance(sample, (int, float)) else "string"), False


def _fits(value: Any, kind: str, operator: str, name: str) -> bool:
    try:
        _checked(value, kind, operator, "", name)
    except Refused:
        return False
    return True


def _as_text(name: str, operator: str, value: Any) -> Callable[[dict[str, Any]], bool]:
    """A filter compared as text (a field of no documented type); an operator that compares nothing finds nothing."""
    if operator not in OPERATORS["string"] | ORDERED_TEXT:
        return lambda body: False
    listed = value if isinstance(value, list) else [value]
    wanted: Any = [_text(v) for v in listed] if operator in ("IN", "NIN") else _text(value)
    compare = _textual(operator, wanted)
    if operator in NEGATIVE:
        return lambda body: not any(compare(found) for found in _values(body, name))
    return lambda body: any(compare(found) for found in _values(body, name))


def _checked(value: Any, kind: str, operator: str, where: str, name: str) -> Any:
    """The value in the type its field takes (IN/NIN: a list of them); raises Refused when it is not one."""
    if operator in ("IN", "NIN"):
        if not isinstance(value, list):
            raise Refused(where, "an array of values", value, f"{operator} takes an array")
        return [_scalar(entry, kind, where, name) for entry in value]
    return _scalar(value, kind, where, name)


def _scalar(value: Any, kind: str, where: str, name: str) -> Any:
    if value is None:
        return None  # no value: matches an item without one
    if kind in ("date", "integer"):
        if isinstance(value, bool) or not (isinstance(value, (int, float)) or re.fullmatch(r"-?\d+", str(value))):
            expected = "a Unix timestamp" if kind == "date" else "an integer"
            raise Refused(where, expected, value, f"the {kind} field {name!r} takes {expected}")
        return float(value)
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("true", "false"):
            return str(value).lower() == "true"
        raise Refused(where, "true or false", value, f"the boolean field {name!r} takes true or false")
    return str(value)


def _comparison(kind: str, operator: str, wanted: Any, zone: ZoneInfo) -> Callable[[Any], bool]:
    if wanted is None:
        return lambda found: found is None
    if kind == "date":
        start, end = _day(wanted, zone)
        bounds: dict[str, Callable[[float], bool]] = {
            "=": lambda n: start <= n < end,
            ">": lambda n: n >= end,
            "<": lambda n: n < start,
        }
        bound = bounds[operator]
        return lambda found: (number := _number(found)) is not None and bound(number)
    if kind == "integer":
        return _numeric(operator, wanted)
    if kind == "boolean":
        members = set(wanted) if isinstance(wanted, list) else {wanted}
        return lambda found: isinstance(found, bool) and found in members
    return _textual(operator, wanted)


def _numeric(operator: str, wanted: Any) -> Callable[[Any], bool]:
    checks: dict[str, Callable[[float], bool]] = {
        "=": lambda n: n == wanted,
        "!=": lambda n: n == wanted,  # negated by the caller
        "IN": lambda n: n in wanted,
        "NIN": lambda n: n in wanted,
        ">": lambda n: n > wanted,
        "<": lambda n: n < wanted,
        ">=": lambda n: n >= wanted,
        "<=": lambda n: n <= wanted,
    }
    check = checks[operator]
    return lambda found: (number := _number(found)) is not None and check(number)


def _textual(operator: str, wanted: Any) -> Callable[[Any], bool]:
    checks: dict[str, Callable[[str], bool]] = {
        "=": lambda text: text == wanted,
        "!=": lambda text: text == wanted,
        "IN": lambda text: text in wanted,
        "NIN": lambda text: text in wanted,
        "~": lambda text: wanted in text,
        "!~": lambda text: wanted in text,
        "^": lambda text: text.startswith(wanted),
        "$": lambda text: text.endswith(wanted),
        ">": lambda text: text > wanted,
        "<": lambda text: text < wanted,
        ">=": lambda text: text >= wanted,
        "<=": lambda text: text <= wanted,
    }
    check = checks[operator]
    return lambda found: found is not None and not isinstance(found, (dict, list)) and check(_text(found))


def _day(instant: float, zone: ZoneInfo) -> tuple[float, float]:
    """The start of the calendar day of `instant` in `zone`, and of the next day (Unix seconds)."""
    day = datetime.fromtimestamp(instant, zone).date()
    start = datetime.combine(day, time(), zone)
    following = datetime.combine(day + timedelta(days=1), time(), zone)
    return start.timestamp(), following.timestamp()


def _values(body: dict[str, Any], name: str) -> list[Any]:
    """What an item holds at a field: one value, each of a list's, the ids of what is attached; none if missing."""
    if name in REFERENCES:
        return _attached_ids(body.get(REFERENCES[name][0]))
    if name == "email_domain" and "email_domain" not in body:
        email = body.get("email")
        return [email.rsplit("@", 1)[-1]] if isinstance(email, str) and "@" in email else []
    node: Any = body
    for part in name.split("."):
        if not isinstance(node, dict) or part not in node:
            return [None]
        node = node[part]
    return list(node) if isinstance(node, list) else [node]


def _attached_ids(listed: Any) -> list[Any]:
    """The ids in an attached list, whichever shape it has (`{data: [...]}`, `{tags: [...]}`, a bare list)."""
    if isinstance(listed, dict):
        entries = next((v for k, v in listed.items() if isinstance(v, list) and k != "errors"), [])
    else:
        entries = listed if isinstance(listed, list) else []
    return [str(entry.get("id")) for entry in entries if isinstance(entry, dict)]


def sort_key(name: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    """A body's place in a `sort` by `name` (items without the field last; numbers before text)."""

    def key(body: dict[str, Any]) -> tuple[int, Any]:
        found = next(iter(_values(body, name)), None)
        if found is None:
            return (2, "")
        number = _number(found)
        return (0, number) if number is not None else (1, _text(found))

    return key


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
