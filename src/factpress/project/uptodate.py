"""The up-to-date check: `factpress build` skips all work when the project's inputs are byte for
byte those of the last good build into the same folder and that folder is as the build left it.

Inputs are hashed by content (content/, charts/, templates/, static/), together with the build's
options (--pdf, --base-url), SOURCE_DATE_EPOCH and PAGEFIND_BINARY_PATH, the versions of the
libraries that shape the output and the files of factpress itself; the output folder is
compared by each file's size, modification time and inode. A skipped build prints the warnings
of the build it stands for.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path

from factpress.shared.cache import code_fingerprint, walk

STAMP = Path(".factpress-cache") / "uptodate.json"
INPUT_FOLDERS = ("content", "charts", "templates", "static")


def _inputs(root: Path, dest: Path, pdf: bool, base_url: str | None) -> str | None:
    h = hashlib.sha256()
    h.update(json.dumps([code_fingerprint(), str(dest.resolve()), pdf, base_url,
                         os.environ.get("SOURCE_DATE_EPOCH"), os.environ.get("PAGEFIND_BINARY_PATH")]).encode())
    for top in INPUT_FOLDERS:
        for rel, path in walk(root / top):
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return None  # links, FIFOs and devices are checked by the full build
            h.update(f"{top}/{rel}\0".encode())
            with open(path, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def _outputs(dest: Path) -> str:
    h = hashlib.sha256()
    for rel, path in walk(dest):
        st = os.lstat(path)
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\0".encode())
    return h.hexdigest()


def inputs_key(root: Path, dest: Path, pdf: bool, base_url: str | None = None) -> str | None:
    """The key of this build's inputs, taken before the build reads them (None: no shortcut);
    base_url: the one given on the command line, if any."""
    try:
        return _inputs(root, dest, pdf, base_url)
    except OSError:
        return None


def current(root: Path, dest: Path, inputs: str | None) -> tuple[int, list[str]] | None:
    """The number of files in dest and the last build's warnings when nothing needs building, else None."""
    if inputs is None:
        return None
    try:
        stamp = json.loads((root / STAMP).read_text(encoding="utf-8"))
        if not dest.is_dir() or stamp.get("dest") != str(dest.resolve()):
            return None
        if stamp.get("inputs") != inputs or stamp.get("outputs") != _outputs(dest):
            return None
        return int(stamp["files"]), [str(w) for w in stamp.get("warnings", [])]
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return None


def record(root: Path, dest: Path, inputs: str | None, files: int, warnings: list[str]) -> None:
    """Remember a good build under the inputs key taken before it (a file saved mid-build then
    makes the next build run); a failure to write only costs the next build its shortcut."""
    if inputs is None:
        return
    try:
        outputs = _outputs(dest)
        path = root / STAMP
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"dest": str(dest.resolve()), "inputs": inputs, "outputs": outputs, "files": files,
                                   "warnings": warnings}))
        os.replace(tmp, path)
    except OSError:
        pass
