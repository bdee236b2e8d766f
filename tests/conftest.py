"""Shared test helpers: projects in temporary folders and the CLI run in-process."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # test this checkout's code, whatever is installed
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))

import pytest  # noqa: E402
from click.testing import CliRunner

from factpress.cli import main  # noqa: E402

PROJECTS = Path(__file__).resolve().parent / "projects"


@pytest.fixture(autouse=True)
def _fixed_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")


def copy_project(name: str, dest: Path) -> Path:
    src = ROOT if name == "report" else PROJECTS / name
    target = dest / name
    ignore = shutil.ignore_patterns("site", ".factpress-cache", "__pycache__")
    for part in ("content", "charts", "templates", "static"):
        if (src / part).is_dir():
            shutil.copytree(src / part, target / part, ignore=ignore)
    return target


@pytest.fixture
def mini(tmp_path) -> Path:
    return copy_project("mini", tmp_path)


@pytest.fixture
def report(tmp_path) -> Path:
    """A copy of this repository's own report."""
    return copy_project("report", tmp_path)


def cli(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result


def is_search_file(name: str) -> bool:
    """A file of the search index, which changes with the text of any page."""
    return name.startswith("pagefind/") or name == "assets/search-data.js"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
