"""Package ``__init__`` modules that import a name's module only when the name is first used.

``import ssetape.replayer`` (or the pytest plugin, or ``ssetape --help``) must not import the SDKs and
Textual: each package lists ``name -> submodule`` and gets a PEP 562 ``__getattr__`` that imports on demand.
The same names are imported under ``TYPE_CHECKING`` beside the table, so type checkers see them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``, whose public ``name`` lives in ``package + exports[name]``."""
    namespace = importlib.import_module(package).__dict__

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *exports})

    return __getattr__, __dir__
