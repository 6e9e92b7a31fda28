"""Lazy package surfaces (PEP 562): a name is imported from its module when first used.

The pytest plugin is loaded by every pytest run of a project that has the toolkit installed; it must not pay for
jsonschema, PyYAML or httpx there, so no package `__init__` imports its modules eagerly.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(package: str, homes: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`: each name of `homes` comes from its module (relative or absolute)."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = importlib.import_module(home if home.startswith(("contracts", "strategies")) else f".{home}", package)
        value = getattr(module, name)
        namespace[name] = value  # once imported, a plain attribute: no further __getattr__ calls
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *homes})

    return __getattr__, __dir__
