"""A wheel of the factpress that is running, for a new project to install on a machine that has
no other way to get this version (factpress is not on PyPI yet): its package files and its
installed metadata, zipped with fixed times so the same code gives the same bytes."""
from __future__ import annotations

import base64
import hashlib
import zipfile
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from factpress import __version__
from factpress.shared.cache import package_files

WHEEL = "Wheel-Version: 1.0\nGenerator: factpress new\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
ENTRY_POINTS = "[console_scripts]\nfactpress = factpress.cli:main\n"
STAMP = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip file can hold


def wheel_name() -> str:
    return f"factpress-{__version__}-py3-none-any.whl"


def _metadata() -> str:
    """METADATA of the running code: from pyproject.toml when it runs from a source checkout (the
    installed metadata may be an older one's), else the installed METADATA of this version."""
    pyproject = Path(__file__).resolve().parents[3] / "pyproject.toml"
    try:
        import tomllib

        project = tomllib.loads(pyproject.read_text("utf-8"))["project"]
        if project.get("name") == "factpress":
            lines = ["Metadata-Version: 2.1", "Name: factpress", f"Version: {__version__}",
                     f"Summary: {project.get('description', '')}", f"Requires-Python: {project.get('requires-python', '')}"]
            return "\n".join(lines + [f"Requires-Dist: {d}" for d in project.get("dependencies", [])]) + "\n"
    except (ImportError, OSError, KeyError, ValueError):
        pass
    try:
        dist = distribution("factpress")
        text = dist.read_text("METADATA")
        if text and dist.version == __version__:
            return text
    except PackageNotFoundError:
        pass
    return f"Metadata-Version: 2.1\nName: factpress\nVersion: {__version__}\n"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(folder: Path) -> Path:
    """Write factpress-VERSION-py3-none-any.whl into folder; its path."""
    info = f"factpress-{__version__}.dist-info"
    files = [(f"factpress/{rel}", Path(path).read_bytes()) for rel, path in package_files()
             if not rel.endswith((".pyc", ".pyo"))]
    files += [(f"{info}/METADATA", _metadata().encode()), (f"{info}/WHEEL", WHEEL.encode()),
              (f"{info}/entry_points.txt", ENTRY_POINTS.encode())]
    record = "\n".join([_record_line(n, d) for n, d in files] + [f"{info}/RECORD,,"]) + "\n"
    files.append((f"{info}/RECORD", record.encode()))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / wheel_name()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as whl:
        for name, data in files:
            entry = zipfile.ZipInfo(name, STAMP)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            whl.writestr(entry, data)
    return target
