"""New: a project folder with a sample source, fact, page and chart that builds as it stands, and
a GitHub Pages workflow that installs factpress from its requirements.txt.

factpress is not on PyPI yet, so requirements.txt alone could name no source that installs: the
project gets a wheel of the running factpress in vendor/, which requirements.txt points pip to
(--find-links) beside a version range. Once factpress is on PyPI, vendor/ and that line can go."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from factpress import __version__
from factpress.project.wheel import write_wheel
from factpress.shared.diagnostics import FactpressError

SCAFFOLD = Path(__file__).parent.parent / "scaffold"
SCHEMAS = Path(__file__).parent.parent / "schemas"
RENAMES = {"gitignore": ".gitignore"}  # dot files are stored without the dot inside the package


def create_project(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise FactpressError(f"{directory}: error: is a file, not a folder; choose a new folder")
    if directory.exists() and any(directory.iterdir()):
        raise FactpressError(f"{directory}: folder exists and is not empty; choose a new folder")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _fill(directory)
    except OSError as exc:
        raise FactpressError(f"{directory}: error: cannot make the project there ({exc.strerror or exc})") from None


def _fill(directory: Path) -> None:
    for src in sorted(SCAFFOLD.rglob("*")):
        if src.is_dir() or "__pycache__" in src.parts:
            continue
        rel = src.relative_to(SCAFFOLD)
        dest = directory / rel.parent / RENAMES.get(rel.name, rel.name)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    (directory / "schemas").mkdir(exist_ok=True)
    for schema in sorted(SCHEMAS.glob("*.json")):
        shutil.copyfile(schema, directory / "schemas" / schema.name)
    write_wheel(directory / "vendor")
    (directory / "requirements.txt").write_text(requirements(), encoding="utf-8")


def version_range(version: str) -> str:
    """This version and later ones that keep its interface: the same minor version while below 1.0
    (0.1.x), else the same major version."""
    parts = [int(p) for p in re.findall(r"\d+", version)[:3]] + [0, 0]
    upper = f"0.{parts[1] + 1}" if parts[0] == 0 else f"{parts[0] + 1}"
    return f">={version},<{upper}"


def requirements() -> str:
    return ("# What the GitHub Pages workflow installs to build this report.\n"
            "# factpress is not on PyPI yet: pip finds it in vendor/, where `factpress new` put the\n"
            f"# version that made this project ({__version__}). Once factpress is on PyPI, delete vendor/\n"
            "# and the --find-links line; the version range then picks the release.\n"
            "--find-links ./vendor\n"
            f"factpress{version_range(__version__)}\n")
