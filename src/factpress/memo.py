"""Whether this process keeps the last build's inputs in memory for the next build.

The preview server builds again and again in one process: it keeps parsed files, facts and read
inputs between builds so an edit costs only what it changed. A one-off `factpress build` builds
once, so it keeps nothing it does not need (less memory at the peak of a large build).
"""
from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import pickle
from pathlib import Path

KEEP = False


def keep_between_builds(on: bool = True) -> None:
    global KEEP
    KEEP = on


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off while a build makes its many short-lived objects (tokens,
    template contexts): it would scan the parsed pages again and again, about a tenth of the
    build's time. Whatever cycles the build made are left to the collector's next run."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# Libraries whose versions shape the output: a cache made with other versions is not used.
LIBRARIES = ("altair", "vl-convert-python", "markdown-it-py", "mdit-py-plugins", "jinja2", "markupsafe", "weasyprint",
             "pyyaml", "pillow")


def package_files():
    """(path relative to folder with '/', full path) of every file of factpress itself, sorted."""
    return walk(Path(__file__).parent)


def walk(folder: Path):
    """(path relative to folder with '/', full path) of every file under folder, sorted; plain
    strings rather than Path objects, which would cost more than the checks that use them."""
    top = os.fspath(folder)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        prefix = os.path.relpath(dirpath, top).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in sorted(filenames):
            yield prefix + name, os.path.join(dirpath, name)


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The version of factpress, the size and time of each of its files, and the versions of the
    libraries above: what a cache on disk must have been made with to be used."""
    from importlib.metadata import PackageNotFoundError, version

    from factpress import __version__

    h = hashlib.sha256(f"{__version__}\0".encode())
    for lib in LIBRARIES:
        try:
            h.update(f"{lib}={version(lib)}\0".encode())
        except PackageNotFoundError:
            h.update(f"{lib}=\0".encode())
    for rel, path in package_files():
        st = os.stat(path)
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def load_pickle(path: Path, fmt: str):
    """What store_pickle wrote under this format and code fingerprint, else None (absent, damaged,
    or made by another version: a cache miss, never an error)."""
    try:
        with open(path, "rb") as f:
            data = pickle.load(f)
    except Exception:
        return None
    if isinstance(data, dict) and data.get("format") == fmt and data.get("code") == code_fingerprint():
        return data.get("data")
    return None


def store_pickle(path: Path, fmt: str, data) -> None:
    """Replace the cache file at path; a cache that cannot be written is no error."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump({"format": fmt, "code": code_fingerprint(), "data": data}, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
