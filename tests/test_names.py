"""Names across packages: each package's ``__init__`` is its public API, and the rest of ssetape uses no other.

As httpx checks that what its modules offer is exported, these check that every name one package takes
from another is in that package's ``__all__`` (and so documented as public), that ``__all__`` names resolve,
that no submodule is shadowed by a same-named attribute (``import ssetape.replayer.stream`` once made
``replayer.stream`` the module instead of the function), and that every exception is in the one tree.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import ssetape
from ssetape.errors import SsetapeError
from tests.conftest import ROOT

#: The packages others may import from, and their folders.
PACKAGES = {
    "ssetape.recorder": ROOT / "recorder",
    "ssetape.recorder.proxy": ROOT / "recorder" / "proxy",
    "ssetape.replayer": ROOT / "replayer",
    "ssetape.tui": ROOT / "tui",
    "ssetape.apis": ROOT / "apis",
}
#: Modules that are a public surface of their own.
PUBLIC_MODULES = frozenset({"ssetape.errors"})
FOLDERS = {"recorder": "ssetape.recorder", "replayer": "ssetape.replayer", "tui": "ssetape.tui", "apis": "ssetape.apis"}
FOLDERS |= {"fixtures": "ssetape.fixtures", "ssetape": "ssetape"}


def _source_files() -> list[Path]:
    return sorted(path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py"))


def _top_package(path: Path) -> str:
    """The package a file belongs to, as the import rule sees it (``ssetape.cli`` counts as its own)."""
    parts = path.relative_to(ROOT).parts
    if parts[0] == "ssetape":
        return "ssetape." + parts[1] if len(parts) > 2 else "ssetape"
    return FOLDERS[parts[0]]


def _cross_imports() -> list[tuple[str, str, list[str]]]:
    """``(where, module, names)`` for every import of another package's module, outside ``__init__`` files
    (which re-export)."""
    found = []
    for path in _source_files():
        if path.name == "__init__.py":
            continue
        own = _top_package(path)
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("ssetape."):
                module = node.module or ""
                if not (module == own or module.startswith(own + ".")):
                    found.append((where, module, [a.name for a in node.names]))
            elif isinstance(node, ast.Import):
                for alias in node.names:  # `import ssetape.tui.drawing as drawing` reaches a module too
                    module = alias.name
                    if module.startswith("ssetape.") and not (module == own or module.startswith(own + ".")):
                        found.append((where, module, []))
    return found


def test_other_packages_are_used_only_through_their_exported_names() -> None:
    wrong = []
    for where, module, names in _cross_imports():
        if module in PUBLIC_MODULES:
            continue
        if module not in PACKAGES or not names:
            wrong.append(f"{where}: imports {module}, a module of another package: import names from its package")
            continue
        exported = set(importlib.import_module(module).__all__)
        wrong += [f"{where}: {module} does not export {name}" for name in names if name not in exported]
    assert not wrong, "\n".join(wrong)


def test_the_rule_catches_a_private_import() -> None:
    """The check above reads real import statements: a module of another package is reported."""
    tree = ast.parse("from ssetape.replayer.stream_events import StreamEvent\nfrom ssetape.replayer import events\n")
    modules = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert [module in PACKAGES for module in modules] == [False, True]


@pytest.mark.parametrize("package", [*PACKAGES, "ssetape.errors"])
def test_every_exported_name_resolves(package: str) -> None:
    module = importlib.import_module(package)
    assert len(set(module.__all__)) == len(module.__all__), f"{package}: a name listed twice"
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"


@pytest.mark.parametrize("package", list(PACKAGES))
def test_no_submodule_is_shadowed_by_an_exported_name(package: str) -> None:
    module = importlib.import_module(package)
    submodules = {info.name for info in pkgutil.iter_modules(module.__path__)}
    assert not submodules & set(module.__all__), f"{package}: names a function and a module alike"
    for name in submodules:
        if name == "__main__":
            continue
        loaded = importlib.import_module(f"{package}.{name}")
        assert getattr(module, name) is loaded


def test_every_exception_is_in_the_one_tree() -> None:
    strays = []
    for info in pkgutil.walk_packages(ssetape.__path__, "ssetape."):
        if info.name.endswith("__main__") or info.name.startswith("ssetape.fixtures"):
            continue  # the emulator's ApiError is an HTTP answer it sends, not an error ssetape raises
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
                and not name.startswith("_")
                and not issubclass(value, SsetapeError)
            ):
                strays.append(f"{info.name}.{name}")
    assert not strays, f"exceptions outside ssetape.errors.SsetapeError: {strays}"


def test_errors_are_where_the_tree_says_and_not_cassette_errors_by_accident() -> None:
    from ssetape import errors

    assert not issubclass(errors.ServerError, errors.CassetteError)
    assert not issubclass(errors.NetworkBlockedError, errors.CassetteError)
    assert not issubclass(errors.ReplayError, errors.CassetteError)
    documented = errors.__doc__ or ""
    for name in errors.__all__:
        assert name in documented, f"ssetape.errors' docstring does not draw {name}"
