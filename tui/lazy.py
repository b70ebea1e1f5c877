"""Names a package loads on first use (PEP 562), so importing the package, or one small
module of it, does not import every module behind its names."""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_names(package: str, where: dict[str, str], scope: dict[str, Any]
               ) -> Callable[[str], Any]:
    """The module `__getattr__` of `package`: `where` maps a name to the submodule that
    defines it; once loaded, a name is a plain attribute of the package (`scope`)."""
    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f".{where[name]}", package), name)
        scope[name] = value
        return value
    return __getattr__
