"""Bytes -> a parsed document (the JSON data model), through the content-hash cache.

YAML goes through PyYAML's C loader when it is built, with timestamps left as strings so that every document stays
inside the JSON data model. The parsed result is cached with `marshal` (fast, and unlike pickle it cannot run code
when read back), keyed by the SHA-256 of the bytes, so a second load of the same document skips the parse.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
from typing import Any

import yaml

from ..errors import SpecError
from . import _cache as cache

__all__ = ["parse", "parse_cached"]

# Bumped whenever parsing changes what it produces, so stale cache entries are never read.
CACHE_FORMAT = 2  # 2: each entry starts with the SHA-256 of what follows
_CACHE_TAG = f"v{CACHE_FORMAT}-py{sys.version_info[0]}{sys.version_info[1]}-m{marshal.version}"
MAX_NODES = 5_000_000

_BaseLoader: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    """The safe loader without the timestamp resolver: `2024-01-01` stays the string it is in JSON."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def parse(data: bytes, name: str) -> Any:
    """Parse JSON or YAML bytes; a SpecError naming the source and the place for anything unparsable."""
    stripped = data.lstrip()
    if stripped[:1] in (b"{", b"["):
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            pass  # YAML is a superset of JSON: let the YAML parser give the located message
    try:
        document = yaml.load(data, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        raise SpecError(name, f"is not valid YAML or JSON: {error.problem}{where}") from None
    except yaml.YAMLError as error:
        raise SpecError(name, f"is not valid YAML or JSON: {error}") from None
    except RecursionError:
        raise SpecError(name, "is nested too deeply to parse") from None
    except UnicodeDecodeError as error:
        raise SpecError(name, f"is not UTF-8 text: {error.reason} at byte {error.start}") from None
    _check_expansion(document, name)
    return document


def _check_expansion(document: Any, name: str) -> None:
    """Refuse YAML whose aliases expand beyond MAX_NODES (an alias bomb) or refer to themselves (a cycle).

    Sizes are counted once per shared object (memoized by identity), so this is linear in what was parsed, while
    everything that walks the document later (refs, lint, cache) would pay the expanded size.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        key = id(node)
        if key in sizes:
            continue
        children = list(node.values()) if isinstance(node, dict) else node
        if not children_done:
            if key in in_progress:
                raise SpecError(name, "holds a YAML alias that contains itself (a recursive structure)")
            in_progress.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if isinstance(child, (dict, list)))
            continue
        in_progress.discard(key)
        total = 1 + sum(sizes.get(id(child), 1) for child in children)
        if total > MAX_NODES:
            raise SpecError(name, f"expands to more than {MAX_NODES:,} nodes through YAML aliases (an alias bomb?)")
        sizes[key] = total


def parse_cached(data: bytes, name: str) -> Any:
    """`parse`, served from the cache when these exact bytes were parsed before."""
    key = f"parsed/{hashlib.sha256(data).hexdigest()}-{_CACHE_TAG}.marshal"
    cached = cache.read(key)
    if cached is not None and hashlib.sha256(cached[32:]).digest() == cached[:32]:
        try:
            return marshal.loads(cached[32:])
        except (EOFError, ValueError, TypeError):
            pass  # a damaged entry is parsed again and overwritten
    document = parse(data, name)
    try:
        encoded = marshal.dumps(document)
    except ValueError:
        return document  # something marshal cannot hold (a YAML alias cycle, an odd type): just do not cache
    cache.write(key, hashlib.sha256(encoded).digest() + encoded)  # an entry changed on disk is never trusted
    return document
