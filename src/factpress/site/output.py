"""Write: rendered files to an output folder, all at once or not at all; unchanged files kept as they were."""
from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".factpress-manifest.json"
INPUT_FOLDERS = ("content", "charts", "templates", "static", ".factpress-cache")


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class MemoryOutput:
    """Keeps the site in memory: for tests and for preview."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def commit(self, files: dict[str, bytes]) -> WriteReport:
        report = WriteReport()
        for name, data in files.items():
            (report.unchanged if self.files.get(name) == data else report.written).append(name)
        report.removed = sorted(set(self.files) - set(files))
        self.files = dict(files)
        return report


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(dest: Path) -> dict[str, str]:
    try:
        data = json.loads((dest / MANIFEST).read_text("utf-8"))
        return {str(k): str(v) for k, v in data.get("files", {}).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def output_refusal(dest: Path, project: Path) -> str:
    """Why building into dest could harm the author's files ('' when it is safe)."""
    out, root = dest.resolve(), project.resolve()
    if out == root:
        return "is the project folder itself"
    if root.is_relative_to(out):
        return "holds the project (it is above it)"
    for folder in INPUT_FOLDERS:
        if out.is_relative_to(root / folder):
            return f"is inside {folder}/, which the build reads"
    if not dest.exists():
        return ""
    if not dest.is_dir():
        return "is a file, not a folder"
    if (dest / "content").exists():
        return "holds a content/ folder"
    known = set(read_manifest(dest)) | {MANIFEST}
    foreign = [name for name in _files_under(dest) if name not in known]
    if foreign:
        more = f" and {len(foreign) - 1} more" if len(foreign) > 1 else ""
        return f"holds files factpress did not write ({foreign[0]}{more})"
    return ""


def unsafe_name(name: str) -> str:
    """Why a file name could leave the output folder or not work on a web host ('' when it is fine):
    a relative path of plain parts. Names come from checked ids and slugs, and static/'s files."""
    parts = name.split("/")
    if not name or name.startswith("/") or any(part in ("", ".", "..") for part in parts):
        return "it is not a plain relative path"
    if "\\" in name or any(not c.isprintable() for c in name):
        return "it holds a backslash or a control character"
    return ""


def check_name(name: str) -> None:
    """The last guard before writing: a bug elsewhere cannot write outside the output folder."""
    why = unsafe_name(name)
    if why:
        raise ValueError(f"refusing to write a file named {name!r}: {why}")


def pdf_refusal(dest: Path, project: Path) -> str:
    """Why writing the PDF at dest could harm the author's files ('' when it is safe)."""
    out, root = dest.resolve(), project.resolve()
    for folder in INPUT_FOLDERS:
        if out.is_relative_to(root / folder):
            return f"is inside {folder}/, which the build reads"
    if dest.is_dir():
        return "is a folder"
    try:
        if dest.exists() and not dest.is_file():  # a device, a FIFO, a socket: never opened, never replaced
            return "is not an ordinary file"
        with open(dest, "rb") as f:
            head = f.read(5)
    except FileNotFoundError:
        return ""
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    return "" if head in (b"", b"%PDF-") else "holds a file that is not a PDF"


class FolderOutput:
    """Builds the new site in a sibling temporary folder, then swaps it in whole.

    A file whose bytes did not change is hard-linked from the old site, so it keeps its
    inode and modification time: servers, rsync and browsers see it as untouched.

    With keep_foreign (the --force of a folder that holds other files), files are replaced one
    by one in place instead: only files listed in the previous manifest are ever removed.
    """

    def __init__(self, dest: Path, keep_foreign: bool = False):
        self.dest = dest
        self.keep_foreign = keep_foreign
        self._early: _EarlyWriter | None = None

    def _in_place(self) -> bool:
        return self.keep_foreign and self.dest.is_dir()

    def early(self, name: str, data: bytes) -> None:
        """Hand over one file before the build is done: a thread writes it into the new site's
        temporary folder while the build renders the rest (writing a file costs about as much as
        rendering a page). Nothing reaches dest before commit; discard() throws it all away."""
        if self._in_place():
            return
        if self._early is None:
            self._early = _EarlyWriter(self._tmp(), self.dest)
        self._early.put(name, data)

    def discard(self) -> None:
        """Forget what early() wrote: the build failed, or was never committed."""
        early, self._early = self._early, None
        if early is not None:
            early.abandon()

    def _tmp(self) -> Path:
        return self.dest.parent / f".{self.dest.name}.tmp-{os.getpid()}"

    def commit(self, files: dict[str, bytes]) -> WriteReport:
        for name in files:
            check_name(name)
        if self._in_place():
            return self._commit_in_place(files)
        return self._commit_swap(files)

    def _commit_in_place(self, files: dict[str, bytes]) -> WriteReport:
        dest = self.dest
        old = read_manifest(dest)
        report = WriteReport()
        digests = {}
        for name in sorted(files):
            digests[name] = _digest(files[name])
            (report.written if write_file_atomic(dest / name, files[name]) else report.unchanged).append(name)
        for name in sorted(set(old) - set(files)):
            stale = dest / name
            if stale.is_file() and _digest(stale.read_bytes()) == old[name]:  # still what factpress wrote
                stale.unlink()
                report.removed.append(name)
        write_file_atomic(dest / MANIFEST, (json.dumps({"generator": "factpress", "files": digests}, indent=0,
                                                       sort_keys=True) + "\n").encode())
        return report

    def _commit_swap(self, files: dict[str, bytes]) -> WriteReport:
        dest = self.dest
        early, self._early = self._early, None
        tmp = self._tmp()
        trash = dest.parent / f".{dest.name}.old-{os.getpid()}"
        try:
            done = early.finish() if early is not None else {}
            dest.parent.mkdir(parents=True, exist_ok=True)
            old = early.old if early is not None else read_manifest(dest) if dest.is_dir() else {}
            digests = {name: done[name][0] for name in files if name in done and done[name][1] is files[name]}
            if old and _up_to_date(dest, files, old, digests):
                shutil.rmtree(tmp, ignore_errors=True)
                return WriteReport(unchanged=sorted(files))  # nothing to do: not even the manifest is rewritten
            if early is None:
                for stale in (tmp, trash):
                    if stale.exists():
                        shutil.rmtree(stale)
                tmp.mkdir()
            elif trash.exists():
                shutil.rmtree(trash)
            writer = _FileWriter(tmp, dest, old)
            for name in done:
                if name not in digests:  # handed over early, then replaced or dropped by the build
                    (tmp / name).unlink(missing_ok=True)
                else:
                    writer.kept[name] = done[name][2]
            for name in sorted(files):
                if name not in digests:
                    digests[name] = writer.write(name, files[name])
            report = WriteReport(written=sorted(n for n, same in writer.kept.items() if not same),
                                 unchanged=sorted(n for n, same in writer.kept.items() if same))
            (tmp / MANIFEST).write_text(json.dumps({"generator": "factpress", "files": digests}, indent=0, sort_keys=True) + "\n")
            report.removed = sorted(set(old) - set(files))
            if dest.exists():
                os.rename(dest, trash)
            os.rename(tmp, dest)
        except BaseException:
            if early is not None:
                early.abandon()
            shutil.rmtree(tmp, ignore_errors=True)
            if trash.exists() and not dest.exists():
                os.rename(trash, dest)
            raise
        shutil.rmtree(trash, ignore_errors=True)
        _sweep(dest)
        return report


def _sweep(dest: Path) -> None:
    """Remove what builds that were killed left beside dest (.site.tmp-PID, .site.old-PID of a
    process that no longer runs); a build still running keeps its folder."""
    for stale in dest.parent.glob(f".{dest.name}.*-*"):
        kind, _, pid = stale.name[len(dest.name) + 2:].partition("-")
        if kind not in ("tmp", "old") or not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
            continue  # that build is still running
        except ProcessLookupError:
            shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            continue  # someone else's process: leave it


class _FileWriter:
    """Writes files into the new site's folder; a file the old site holds with the same bytes is
    hard-linked from it instead, so it keeps its inode and modification time."""

    def __init__(self, tmp: Path, dest: Path, old: dict[str, str]):
        self.tmp, self.dest, self.old = tmp, dest, old
        self.made_dirs = {tmp}
        self.kept: dict[str, bool] = {}  # name: True when linked from the old site

    def write(self, name: str, data: bytes) -> str:
        digest = _digest(data)
        target = self.tmp / name
        if target.parent not in self.made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.made_dirs.add(target.parent)
        previous = self.dest / name
        target.unlink(missing_ok=True)  # never write through a link into the old site
        if self.old.get(name) == digest and _holds(previous, data):
            try:
                os.link(previous, target)
                self.kept[name] = True
                return digest
            except OSError:
                pass
        target.write_bytes(data)
        self.kept[name] = False
        return digest


class _EarlyWriter:
    """A thread that writes handed-over files into the new site's temporary folder. The first
    error stops it; finish() raises it, so the build fails as if commit had met it."""

    def __init__(self, tmp: Path, dest: Path):
        self.tmp = tmp
        self.old = read_manifest(dest) if dest.is_dir() else {}
        self.writer = _FileWriter(tmp, dest, self.old)
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.done: dict[str, tuple[str, bytes, bool]] = {}  # name: (digest, data, linked from the old site)
        self.error: BaseException | None = None
        self.stopping = False  # set when the build failed: what is still queued is not written
        self.thread = threading.Thread(target=self._run, name="factpress-writer", daemon=True)
        self.thread.start()

    def put(self, name: str, data: bytes) -> None:
        self.queue.put((name, data))

    def _run(self) -> None:
        try:
            if self.tmp.exists():
                shutil.rmtree(self.tmp)
            self.tmp.parent.mkdir(parents=True, exist_ok=True)
            self.tmp.mkdir()
        except BaseException as exc:
            self.error = exc
        while (item := self.queue.get()) is not None:
            if self.error is not None or self.stopping:
                continue  # drain the queue; finish() reports the error
            name, data = item
            try:
                digest = self.writer.write(name, data)
                self.done[name] = (digest, data, self.writer.kept[name])
            except BaseException as exc:
                self.error = exc

    def finish(self) -> dict[str, tuple[str, bytes, bool]]:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.done

    def abandon(self) -> None:
        """Stop writing and remove the folder (the build failed or was interrupted)."""
        self.stopping = True
        self.queue.put(None)
        try:
            self.thread.join()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def _up_to_date(dest: Path, files: dict[str, bytes], old: dict[str, str], digests: dict[str, str]) -> bool:
    """True when the folder already holds exactly these files: the manifest lists them with these
    digests and each file on disk holds these very bytes (a hand edit of the same size is seen);
    digests: those already known."""
    if set(old) != set(files):
        return False
    return all(old[name] == (digests.get(name) or _digest(data)) and _holds(dest / name, data)
               for name, data in files.items())


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file holds exactly these bytes (its size first, so a changed file costs a stat)."""
    try:
        if path.stat().st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False


def write_file_atomic(path: Path, data: bytes) -> bool:
    """One file, replaced whole; False (and untouched) when it already holds these bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
