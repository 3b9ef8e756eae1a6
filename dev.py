#!/usr/bin/env python3
"""Set up and run ssetape from a fresh clone with nothing but Python 3.11+.

    python3 dev.py demo    # make .venv, install ssetape, step through a bundled recording in the TUI
    python3 dev.py test    # make .venv, install ssetape with its test tools, run the whole test suite
    python3 dev.py lint    # ruff and mypy (what CI runs after the tests)

Both are idempotent: the virtualenv is made once and reinstalled only when pyproject.toml changes.
Extra arguments after `test` go to pytest; after `demo`, to `ssetape`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
DEMO = ["tui", "fixtures/code_interpreter.yaml"]
#: The folders pyproject.toml's package-dir maps into the ``ssetape`` namespace, by subpackage name.
MAPPED = {name: name for name in ("recorder", "replayer", "tui", "fixtures", "apis")}
TYPECHECK = ROOT / "build" / "typecheck"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs under whatever python3 the user has
        sys.exit(f"ssetape needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / ".ssetape-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    print("installing ssetape and its dependencies into .venv", flush=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f"{ROOT}[dev]"],
        check=True,
    )
    stamp.write_text(wanted)


def typecheck_tree() -> None:
    """``build/typecheck/ssetape``: the installed layout as symlinks, since mypy knows no package-dir."""
    package = TYPECHECK / "ssetape"
    package.mkdir(parents=True, exist_ok=True)
    links = {entry.name: entry for entry in (ROOT / "ssetape").iterdir() if entry.name != "__pycache__"}
    links.update({name: ROOT / folder for name, folder in MAPPED.items()})
    for stale in package.iterdir():
        if stale.name not in links:
            stale.unlink()
    for name, target in links.items():
        link = package / name
        if not (link.is_symlink() and link.resolve() == target):
            if link.is_symlink():
                link.unlink()
            link.symlink_to(target, target_is_directory=target.is_dir())


def lint() -> int:
    typecheck_tree()
    for command in ([str(BIN / "ruff"), "check", "."], [str(BIN / "mypy")]):
        code = subprocess.run(command, cwd=ROOT).returncode
        if code:
            return code
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("demo", "test", "lint"):
        print(__doc__)
        return 2
    ensure_venv()
    if argv[0] == "lint":
        return lint()
    if argv[0] == "test":
        command = [str(PYTHON), "-m", "pytest", *argv[1:]]
    else:
        command = [str(PYTHON), "-m", "ssetape", *(argv[1:] or DEMO)]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
