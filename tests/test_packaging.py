"""What ``pip install ssetape`` installs: one import package, every file it needs, every dependency declared.

pyproject.toml's ``package-dir`` maps the top-level folders (``recorder/``, ``replayer/``, …) into the
``ssetape`` namespace; these tests read that table rather than repeating it. The wheel is built once per
module, offline (``--no-build-isolation``, no index) from a clean copy of the sources, so a stale
``build/lib`` cannot leak files into it.
"""

from __future__ import annotations

import ast
import configparser
import csv
import importlib.metadata
import io
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
#: import package → its folder in the repository, e.g. ``ssetape.recorder`` → ``recorder``.
PACKAGE_DIR: dict[str, str] = SETUPTOOLS["package-dir"]
#: The folders whose names must never be imported bare (``import recorder``): ``recorder``, ``tui``, …
FOLDER_NAMES = frozenset(
    {folder for package, folder in PACKAGE_DIR.items() if package != "ssetape"}
    | {package.rpartition(".")[2] for package in PACKAGE_DIR if package != "ssetape"}
)
#: Where the repository holds no importable source of ours.
NOT_SOURCE = frozenset({".venv", "build", "dist", ".git", "__pycache__", "node_modules"})
PLUGINS = frozenset(PYPROJECT["project"]["entry-points"]["pytest11"].values())


def requirement_names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(requirement).name) for requirement in requirements}


RUNTIME = requirement_names(PYPROJECT["project"]["dependencies"])
DEV = requirement_names(PYPROJECT["project"]["optional-dependencies"]["dev"])


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


def python_files(top: Path) -> Iterator[Path]:
    for path in sorted(top.rglob("*.py")):
        parts = path.relative_to(top).parts
        if not any(part in NOT_SOURCE or part.endswith(".egg-info") for part in parts):
            yield path


def runtime_files() -> Iterator[tuple[str, Path]]:
    """``(module name, file)`` for every .py the wheel installs."""
    for package, folder in PACKAGE_DIR.items():
        for path in python_files(ROOT / folder):
            rest = path.relative_to(ROOT / folder).with_suffix("").parts
            if rest[-1] == "__init__":
                rest = rest[:-1]
            if package == "ssetape" and rest and rest[0] in {p.split(".")[1] for p in PACKAGE_DIR if "." in p}:
                continue  # a folder of ssetape/ shadowed by a mapped one would be a packaging bug of its own
            yield ".".join((package, *rest)), path


@dataclass(frozen=True)
class Imported:
    module: str  #: the absolute module name as written
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{relative(self.path)}:{self.line}: {self.module}"


#: Calls whose first argument, a string, names a module that they import.
_IMPORTING_CALLS = frozenset({"import_module", "__import__", "importorskip", "patch", "setattr", "delattr"})


def _optional(tree: ast.Module) -> set[ast.AST]:
    """The import statements in the body of a ``try:`` that handles ``ImportError``: optional extras."""
    guarded: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(_catches_import_error(handler.type) for handler in node.handlers):
            guarded.update(inner for statement in node.body for inner in ast.walk(statement))
    return guarded


def _catches_import_error(caught: ast.expr | None) -> bool:
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(isinstance(name, ast.Name) and name.id in {"ImportError", "ModuleNotFoundError"} for name in names)


def absolute_imports(path: Path, *, with_strings: bool = False, optional: bool = True) -> Iterator[Imported]:
    """Every absolute import of ``path``; with ``with_strings``, also ``import_module("x.y")``,
    ``mock.patch("x.y.z")`` and the like, which import by a name in a string; with ``optional=False``,
    not those in a ``try:`` that carries on without the module (``except ImportError``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    skipped = set() if optional else _optional(tree)
    for node in ast.walk(tree):
        if node in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Imported(alias.name, path, node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield Imported(node.module, path, node.lineno)
        elif with_strings and isinstance(node, ast.Call) and node.args:
            function = node.func
            name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
            first = node.args[0]
            if (
                name in _IMPORTING_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and re.fullmatch(r"[A-Za-z_]\w*(\.\w+)*", first.value)
            ):
                yield Imported(first.value, path, node.lineno)


def top(module: str) -> str:
    return module.partition(".")[0]


# ---------------------------------------------------------------------------------------------- the wheel


@dataclass(frozen=True)
class Wheel:
    path: Path
    names: frozenset[str]  #: every file of the zip
    record: frozenset[str]  #: every path its RECORD lists
    dist_info: str

    def read(self, name: str) -> str:
        with zipfile.ZipFile(self.path) as archive:
            return archive.read(name).decode()


def _unmet_build_requirements() -> list[str]:
    unmet = []
    for text in PYPROJECT["build-system"]["requires"]:
        requirement = Requirement(text)
        try:
            version = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            unmet.append(f"{text} (not installed)")
            continue
        if not requirement.specifier.contains(version, prereleases=True):
            unmet.append(f"{text} (installed: {version})")
    return unmet


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Wheel:
    unmet = _unmet_build_requirements()
    if unmet:
        pytest.skip(f"cannot build offline without isolation; this environment lacks {', '.join(unmet)}")
    source = tmp_path_factory.mktemp("source")
    for entry in ROOT.iterdir():
        if entry.is_file() and not entry.name.startswith("."):
            shutil.copy2(entry, source / entry.name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for folder in set(PACKAGE_DIR.values()):
        shutil.copytree(ROOT / folder, source / folder, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index"]
    result = subprocess.run(
        [*command, "--quiet", "-w", str(out), str(source)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (path,) = out.glob("ssetape-*.whl")
    with zipfile.ZipFile(path) as archive:
        names = frozenset(archive.namelist())
        (record_name,) = (name for name in names if re.fullmatch(r"ssetape-[^/]+\.dist-info/RECORD", name))
        rows = csv.reader(io.StringIO(archive.read(record_name).decode()))
        record = frozenset(row[0] for row in rows if row)
    return Wheel(path, names, record, record_name.partition("/")[0])


def test_the_wheel_installs_one_package_and_its_metadata(wheel: Wheel) -> None:
    assert re.fullmatch(r"ssetape-[^/]+\.dist-info", wheel.dist_info)
    assert {name.partition("/")[0] for name in wheel.record} == {"ssetape", wheel.dist_info}
    assert wheel.record == wheel.names  # RECORD lists what the zip holds, no more, no less


def test_the_wheel_holds_every_module_at_its_mapped_path(wheel: Wheel) -> None:
    expected = {
        module.replace(".", "/") + ("/__init__.py" if path.name == "__init__.py" else ".py")
        for module, path in runtime_files()
    }
    assert expected - wheel.names == set()


def test_the_wheel_holds_the_cassettes_the_stylesheets_and_the_emulator(wheel: Wheel) -> None:
    cassettes = {f"ssetape/fixtures/{p.name}" for p in (ROOT / PACKAGE_DIR["ssetape.fixtures"]).glob("*.yaml")}
    stylesheets = {f"ssetape/tui/{p.name}" for p in (ROOT / PACKAGE_DIR["ssetape.tui"]).glob("*.tcss")}
    emulator = {f"ssetape/fixtures/emulator/{p.name}" for p in (ROOT / "fixtures" / "emulator").glob("*.py")}
    assert cassettes and stylesheets and "ssetape/fixtures/emulator/__init__.py" in emulator
    assert cassettes | stylesheets | emulator <= wheel.names
    # Every other data file package-data names ships too.
    for package, patterns in SETUPTOOLS.get("package-data", {}).items():
        folder = ROOT / PACKAGE_DIR[package]
        for path in folder.iterdir():
            if any(fnmatch(path.name, pattern) for pattern in patterns):
                assert f"{package.replace('.', '/')}/{path.name}" in wheel.names


def test_the_wheel_declares_the_pytest_plugin_and_the_command(wheel: Wheel) -> None:
    entry_points = configparser.ConfigParser(delimiters=("=",))
    entry_points.read_string(wheel.read(f"{wheel.dist_info}/entry_points.txt"))
    assert dict(entry_points["pytest11"]) == {"ssetape": "ssetape.replayer.pytest_plugin"}
    assert dict(entry_points["console_scripts"]) == {"ssetape": "ssetape.cli:main"}


# --------------------------------------------------------------------------------------- the sources


def test_every_third_party_module_the_package_imports_is_a_declared_dependency() -> None:
    distributions = {
        module: {canonicalize_name(name) for name in names}
        for module, names in importlib.metadata.packages_distributions().items()
    }
    ours = {top(package) for package in PACKAGE_DIR}
    undeclared = []
    for module, path in runtime_files():
        for imported in absolute_imports(path, optional=False):
            name = top(imported.module)
            if name in sys.stdlib_module_names or name in ours or name == "__future__":
                continue
            provided_by = distributions.get(name, set())
            plugin = module in PLUGINS or any(module.startswith(f"{name}.") for name in PLUGINS)
            allowed = RUNTIME | (DEV if plugin else set())
            if not provided_by & allowed:
                found = ", ".join(sorted(provided_by)) or "no installed distribution"
                where = "[project].dependencies" if not provided_by & DEV else "[project].dependencies (dev only)"
                undeclared.append(f"{imported} ({found}) is not in {where}")
    assert not undeclared, "\n".join(undeclared)


def test_nothing_imports_a_mapped_folder_by_its_bare_name() -> None:
    bare = [
        str(imported)
        for path in python_files(ROOT)
        for imported in absolute_imports(path, with_strings=True)
        if top(imported.module) in FOLDER_NAMES
    ]
    assert not bare, "import these as ssetape.<name>:\n" + "\n".join(bare)


_IMPORT_EVERYTHING = """
import importlib, json, os, pkgutil, sys

failed = {}


def load(name):
    try:
        return importlib.import_module(name)
    except Exception as exc:
        failed[name] = f"{type(exc).__name__}: {exc}"


for start in json.loads(sys.argv[1]):
    package = load(start)
    for info in pkgutil.walk_packages(package.__path__ if package else [], start + ".", onerror=load):
        if info.name.rpartition(".")[2] != "__main__":  # running one is running a program
            load(info.name)
files = {}  # file -> one name for each module object made from it (os.path is posixpath: one object)
for name, module in list(sys.modules.items()):
    path = getattr(module, "__file__", None)
    if path:
        files.setdefault(os.path.realpath(path), {}).setdefault(id(module), name)
files = {path: sorted(names.values()) for path, names in files.items()}
print(json.dumps({"failed": failed, "modules": sorted(sys.modules), "files": files}))
"""


def test_every_module_loads_once_under_its_ssetape_name() -> None:
    # From the repository root, as pytest runs (pythonpath = ["."]): there `import recorder` would
    # succeed, load recorder/cassette.py a second time as another module, and split its classes in two.
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_EVERYTHING, json.dumps(list(PACKAGE_DIR))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["failed"] == {}
    modules = set(report["modules"])
    assert {module for module, _ in runtime_files() if not module.endswith(".__main__")} <= modules
    assert {top(module) for module in modules} & FOLDER_NAMES == set()
    assert {path: names for path, names in report["files"].items() if len(names) > 1} == {}
