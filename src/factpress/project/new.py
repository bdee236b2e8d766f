"""New: a project folder with a sample source, fact, page and chart that builds as it stands."""
from __future__ import annotations

import shutil
from pathlib import Path

from factpress.shared.diagnostics import FactpressError

SCAFFOLD = Path(__file__).parent.parent / "scaffold"
SCHEMAS = Path(__file__).parent.parent / "schemas"
RENAMES = {"gitignore": ".gitignore"}  # dot files are stored without the dot inside the package


def create_project(directory: Path) -> None:
    if directory.exists() and any(directory.iterdir()):
        raise FactpressError(f"{directory}: folder exists and is not empty; choose a new folder")
    directory.mkdir(parents=True, exist_ok=True)
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
