"""What one build keeps for the next, in one object the caller owns, and the cache files on disk.

The preview server builds again and again in one process: it hands the same BuildCache to every
build, which keeps parsed files, facts, read inputs, parsed and rendered pages and the template
environment, so an edit costs only what it changed. A one-off `factpress build` makes a fresh
BuildCache that keeps no inputs in memory (less memory at the peak of a large build) and reads
and writes only the cache files in PROJECT/.factpress-cache/.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class Recent:
    """A memo of what the last build used: entries looked up or stored during a build live on into
    the next one, and end() forgets the rest, so it never outgrows one project."""

    def __init__(self) -> None:
        self.last: dict = {}
        self.now: dict = {}

    def get(self, key) -> Any:
        hit = self.now.get(key)
        if hit is None:
            hit = self.last.get(key)
            if hit is not None:
                self.now[key] = hit
        return hit

    def put(self, key, value) -> None:
        self.now[key] = value

    def end(self) -> None:
        self.last, self.now = self.now, {}


@dataclass
class BuildCache:
    """State that outlives one build. keep: hold the inputs (files, parsed YAML, facts) in memory
    for the next build, as the preview does; parsed and rendered pages are always held, since the
    disk caches are read only by a first build. persist: write the disk caches; None: only on the
    first build made with this cache (the preview keeps later ones in memory and saves each edit
    the cost of rewriting the files)."""

    keep: bool = False
    persist: bool | None = True
    files: Recent = field(default_factory=Recent)  # path -> (stat signature, SourceFile)
    yaml: Recent = field(default_factory=Recent)  # (path, text) -> (parsed data, diagnostics)
    facts: Recent = field(default_factory=Recent)  # id of a parsed mapping -> (mapping, Fact, ok, diagnostics)
    pages: dict = field(default_factory=dict)  # page key -> (Page, diagnostics), the last build's pages
    rendered: dict = field(default_factory=dict)  # render key -> bytes, the last build's files
    fact_fps: dict = field(default_factory=dict)  # id(Fact) -> (Fact, fingerprint), for facts kept across builds
    environment: tuple | None = None  # (templates key, jinja2 Environment) of the last build
    search: tuple | None = None  # (key of the pages' text, search index files) of the last build
    builds: int = 0  # builds finished with this cache

    def persisting(self, first: bool) -> bool:
        return first if self.persist is None else self.persist

    def end_build(self) -> None:
        for memo in (self.files, self.yaml, self.facts):
            memo.end()
        self.builds += 1


# Libraries whose versions shape the output: a cache made with other versions is not used.
LIBRARIES = ("altair", "vl-convert-python", "markdown-it-py", "mdit-py-plugins", "jinja2", "markupsafe", "weasyprint",
             "pyyaml", "pillow", "pagefind", "pagefind-bin", "pagefind-bin-extended")


def package_files():
    """(path relative to folder with '/', full path) of every file of factpress itself, sorted."""
    return walk(Path(__file__).parent.parent)


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


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def library_versions(libraries=LIBRARIES) -> dict[str, str]:
    """The installed version of each library ('' when it is not installed), as importlib.metadata
    finds it: the first `NAME-VERSION.dist-info` (or .egg-info) folder on sys.path. Read from the
    folders' names, which spares every build importing importlib.metadata (and the email package)."""
    wanted = {_normal(lib): lib for lib in libraries}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            stem, dot, kind = name.rpartition(".")
            if not dot or kind not in ("dist-info", "egg-info"):
                continue
            dist, _, version = stem.partition("-")
            lib = wanted.get(_normal(dist))
            if lib is not None and lib not in found and version:
                found[lib] = version.partition("-")[0]  # an egg's name may end in -pyX.Y
    return {lib: found.get(lib, "") for lib in libraries}


def user_cache(name: str) -> Path | None:
    """A folder of the user's cache (XDG_CACHE_HOME, else ~/.cache) for what any project may reuse;
    None when there is no home to put it in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        folder = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError:
        return None
    return folder / "factpress" / name


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """The version of factpress, the size and time of each of its files, and the versions of the
    libraries above: what a cache on disk must have been made with to be used. Computed once per
    process: it describes the code that runs, which does not change while it runs."""
    from factpress import __version__

    h = hashlib.sha256(f"{__version__}\0".encode())
    for lib, version in library_versions().items():
        h.update(f"{lib}={version}\0".encode())
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


def write_quietly(path: Path, data: bytes) -> str:
    """Replace a cache file whole (another process may read it meanwhile); failing is no error: '' or why not."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return exc.strerror or str(exc)
    return ""


def store_pickle(path: Path, fmt: str, data) -> str:
    """Replace the cache file at path; a cache that cannot be written is no error: '' or why not."""
    return write_quietly(path, pickle.dumps({"format": fmt, "code": code_fingerprint(), "data": data},
                                            protocol=pickle.HIGHEST_PROTOCOL))


CACHE_FOLDER = ".factpress-cache"
CACHE_WARNING = "cache-unwritable"  # the code of the warning; not a problem of the report, so --strict lets it pass


def cache_problem(root: Path) -> str:
    """Why the project's cache folder cannot be written ('' when it can): the build then goes on
    without it (every cache write is allowed to fail), and says so once."""
    folder = root / CACHE_FOLDER
    if folder.exists() and not folder.is_dir():
        return "it is a file, not a folder"
    probe = folder / f".probe-{os.getpid()}"
    try:
        folder.mkdir(exist_ok=True)
        probe.write_bytes(b"probe")
        probe.unlink()
    except OSError as exc:
        try:
            probe.unlink(missing_ok=True)
        except OSError:
            pass
        return exc.strerror or str(exc)
    return ""


def cache_warning(diags, why: str) -> None:
    """Say, once per build, that the cache could not be written and why."""
    from factpress.shared.diagnostics import SourceLocation

    if why and not any(d.code == CACHE_WARNING for d in diags.items):
        diags.warning(SourceLocation(CACHE_FOLDER), f"the cache folder cannot be written ({why}); "
                      "this build goes on without it", code=CACHE_WARNING)
