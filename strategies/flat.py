"""Flat strategies: a value built from a few primitive draws, and dictionaries drawn as one tuple of them.

Hypothesis's cost is per choice and per strategy layer (spans, maps, tuples): `st.fixed_dictionaries` of mapped
tuples pays for every layer. A `Part` names the primitive strategies a field is drawn from and how its value is
built; `dictionaries` draws every part of every field as one flat tuple and builds the dictionary once. Same
values, same shrinking direction (towards each primitive's simplest, optional keys towards absent), a third faster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

__all__ = ["Part", "dictionaries", "part_of"]


def _itself(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Part:
    """A value drawn from `strategies` (one value each) and made by `build(*values)`."""

    strategies: tuple[st.SearchStrategy[Any], ...]
    build: Callable[..., Any]

    def strategy(self) -> st.SearchStrategy[Any]:
        """The part on its own."""
        if len(self.strategies) == 1 and self.build is _itself:
            return self.strategies[0]
        return st.tuples(*self.strategies).map(lambda values: self.build(*values))


def part_of(strategy: st.SearchStrategy[Any]) -> Part:
    """Any strategy as a part of one draw."""
    return Part((strategy,), _itself)


def dictionaries(
    constant: dict[str, Any], required: dict[str, Part], optional: dict[str, Part]
) -> st.SearchStrategy[dict[str, Any]]:
    """Like st.fixed_dictionaries, drawn as one flat tuple; which optional keys are present is one integer.

    An absent optional value is drawn all the same (its choices are few), and the mask shrinks towards absent.
    """
    fields = [*required.items(), *optional.items()]
    spans: list[tuple[str, int, int, Part]] = []
    start = 1  # values[0] is the mask
    for name, part in fields:
        spans.append((name, start, start + len(part.strategies), part))
        start += len(part.strategies)
    mandatory = len(required)

    def build(values: tuple[Any, ...]) -> dict[str, Any]:
        mask, built = values[0], dict(constant)
        for index, (name, begin, end, part) in enumerate(spans):
            if index < mandatory or mask >> (index - mandatory) & 1:
                built[name] = part.build(*values[begin:end])
        return built

    everything = [strategy for _, part in fields for strategy in part.strategies]
    return st.tuples(st.integers(0, 2 ** len(optional) - 1), *everything).map(build)
