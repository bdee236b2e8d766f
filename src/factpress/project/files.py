"""Discover: every input file of a project, classified, read once and content-hashed."""
from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from factpress.shared.cache import BuildCache
from factpress.shared.diagnostics import Diagnostics, SourceLocation

MAX_FILE_BYTES = 10 * 1024 * 1024  # a content file larger than this is refused, unread


@dataclass(frozen=True)
class SourceFile:
    kind: str  # settings | sources | facts | page | data | table-schema | chart | template | static
    path: Path
    rel: str  # as the user knows it, relative to the project
    text: str
    sha: str
    data: bytes = b""  # raw bytes, kept for static files only


@dataclass
class Sources:
    root: Path
    files: list[SourceFile] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # files found but not read (their errors are reported)

    def failed_under(self, folder: str) -> bool:
        return any(rel.startswith(folder) for rel in self.failed)

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]

    def one(self, kind: str) -> SourceFile | None:
        found = self.of_kind(kind)
        return found[0] if found else None


def _classify(rel: str) -> str | None:
    parts = rel.split("/")
    name = parts[-1]
    if name.startswith(".") or name.endswith("~") or name.startswith("#"):
        return None  # editor backups and swap files
    if parts[0] == "content":
        if rel == "content/report.yaml":
            return "settings"
        if rel == "content/sources.yaml" or (len(parts) == 3 and parts[1] == "sources" and name.endswith(".yaml")):
            return "sources"
        if len(parts) == 3 and parts[1] == "facts" and name.endswith((".yaml", ".yml")):
            return "facts"
        if len(parts) == 3 and parts[1] == "data" and name.endswith(".csv"):
            return "data"
        if len(parts) == 3 and parts[1] == "data" and name.endswith((".yaml", ".yml")):
            return "table-schema"  # the sidecar of NAME.csv: its fields, title, license and source
        if len(parts) == 2 and name.endswith(".md"):
            return "page"
        return None
    if parts[0] == "charts" and len(parts) == 2 and name.endswith(".py") and not name.startswith("_"):
        return "chart"
    if parts[0] == "templates" and name.endswith((".html", ".css", ".xml", ".txt")):
        return "template"
    if parts[0] == "static":
        return "static"
    return None


def _looks_like_input(rel: str) -> bool:
    """A file under content/ that an author meant factpress to read (not a backup or an image)."""
    name = rel.rsplit("/", 1)[-1]
    return not name.startswith((".", "#")) and not name.endswith("~") and \
        name.lower().endswith((".md", ".markdown", ".yaml", ".yml", ".csv"))


def _inside(path: Path, root: Path) -> bool:
    """Whether a path, its links followed, stays in the project (a link loop does not)."""
    real = Path(os.path.realpath(path))
    return real.is_relative_to(Path(os.path.realpath(root)))


def _walk(root: Path, top: str, outside: list[Path]):
    base = root / top
    if not base.is_dir():
        return
    if base.is_symlink() and not _inside(base, root):
        outside.append(base)
        return
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "__")))
        for d in dirnames:  # never followed; one leading out of the project is reported
            link = Path(dirpath) / d
            if link.is_symlink() and not _inside(link, root):
                outside.append(link)
        for name in sorted(filenames):
            yield Path(dirpath) / name


def read_file(path: Path, rel: str, root: Path, diags: Diagnostics, binary: bool = False):
    """Read one input file, or say exactly why not (outside the project, vanished, too big, not UTF-8)."""
    loc = SourceLocation(rel, 1)
    try:
        if path.is_symlink() and not _inside(path, root):
            diags.error(loc, "symbolic link leads outside the project; refused")
            return None
        data = _read_regular(path, loc, diags)
        if data is None:
            return None
    except FileNotFoundError:
        diags.error(loc, "file vanished while it was being read (saved again mid-build?)")
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            diags.error(loc, "symbolic link loop (the link leads back to itself); refused")
        else:
            diags.error(loc, f"cannot read file: {exc.strerror}")
        return None
    if binary:
        return data
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        diags.error(SourceLocation(rel, line), "binary file (NUL byte) where text was expected")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(SourceLocation(rel, line, col), f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_regular(path: Path, loc: SourceLocation, diags: Diagnostics) -> bytes | None:
    """The bytes of a regular file; a FIFO, device or socket is refused without waiting on it
    (opened non-blocking, checked, and only then read)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = "a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else "a device or socket"
            diags.error(loc, f"{kind}, not a regular file; refused")
            return None
        if st.st_size > MAX_FILE_BYTES:
            diags.error(loc, f"file is {st.st_size // (1024 * 1024)} MB; the limit for a content file is "
                             f"{MAX_FILE_BYTES // (1024 * 1024)} MB")
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(MAX_FILE_BYTES + 1)
    finally:
        os.close(fd)


def _signature(path: Path) -> tuple[int, int, int, int] | None:
    """Size, modification and change times (ns) and inode; None for a symbolic link (checked each time)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    if stat.S_ISLNK(st.st_mode):
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def discover(root: Path, diags: Diagnostics, cache: BuildCache | None = None) -> Sources:
    """Every input file of the project. With a cache that keeps inputs, a file whose size, times
    and inode are as the last build saw them is not read again (the preview rescans on every edit)."""
    cache = cache or BuildCache()
    sources = Sources(root=root)
    outside: list[Path] = []
    for top in ("content", "charts", "templates", "static"):
        for path in _walk(root, top, outside):
            rel = path.relative_to(root).as_posix()
            kind = _classify(rel)
            if kind is not None:
                _add(sources, path, rel, kind, diags, cache)
            elif top == "content" and _looks_like_input(rel):
                diags.warning(SourceLocation(rel), "not read: pages are content/NAME.md, facts "
                              "content/facts/NAME.yaml, tables content/data/NAME.csv (no subfolders, lower-case "
                              "extensions)", code="not-read")
    for link in outside:
        rel = link.relative_to(root).as_posix()
        diags.error(SourceLocation(rel, 1), "symbolic link to a folder outside the project; refused")
        sources.failed.append(rel + "/")
    if not (root / "content").is_dir():
        diags.error(SourceLocation(str(root)), "no content/ folder here; is this a factpress project? (factpress new DIR makes one)")
    return sources


def _add(sources: Sources, path: Path, rel: str, kind: str, diags: Diagnostics, cache: BuildCache) -> None:
    sig = _signature(path)
    hit = cache.files.get(str(path)) if sig is not None and cache.keep else None
    if hit is not None and hit[0] == sig and hit[1].kind == kind:
        sources.files.append(hit[1])
        return
    binary = kind == "static"
    content = read_file(path, rel, sources.root, diags, binary=binary)
    if content is None:
        sources.failed.append(rel)
        return
    raw = content if binary else content.encode("utf-8")
    file = SourceFile(kind, path, rel, "" if binary else content, hashlib.sha256(raw).hexdigest(), raw if binary else b"")
    sources.files.append(file)
    if cache.keep and sig is not None and sig == _signature(path):  # unchanged while it was read
        cache.files.put(str(path), (sig, file))
