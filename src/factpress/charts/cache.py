"""The charts' cache on disk, under PROJECT/.factpress-cache/charts/: plain files, keyed by content.

Two levels: a chart file whose text, facts read and tool versions are unchanged is not even
executed (its manifest in files/ lists its charts); a spec already rendered by this vl-convert
version, theme and layout code is not rendered again (out/KEY.*, see OUTPUTS). The vega-embed bundle is kept
beside them and in the user's cache folder, checked by its digest. Only this process writes the
cache (the workers send their results here); what cannot be written (a read-only or full disk) is
kept in memory for the build, and `problem` says why.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from factpress import __version__
from factpress.charts.theme import THEME_VERSION
from factpress.facts.model import FactBook
from factpress.project.files import SourceFile


def _version(dist: str) -> str:
    from factpress.shared.cache import library_versions

    return library_versions((dist,))[dist] or "none"


def _sha(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()


def facts_key(book: FactBook, rec: dict) -> str:
    ids = sorted(book.facts) if rec.get("selected") else rec["facts_read"]
    return _sha(*(f"{i}={book.facts[i].fingerprint() if i in book.facts else '?'}" for i in ids))


def tables_key(tables: dict[str, str]) -> dict[str, str]:
    return {name: _sha(text) for name, text in tables.items()}


class ChartCache:
    def __init__(self, root: Path):
        self.dir = root / ".factpress-cache" / "charts"
        self.data_dir = root / "content" / "data"
        self.bundle_version = f"vl-convert {_version('vl-convert-python')}"
        self.renderer = f"vl-convert {_version('vl-convert-python')} theme {THEME_VERSION} layout {_layout_code()}"
        self.memory: dict[Path, bytes] = {}  # what could not be written to disk, for this build
        self.problem = ""  # why not (the first error met)

    def _store(self, path: Path, data: bytes) -> None:
        try:
            _write(path, data)
        except OSError as exc:
            self.memory[path] = data
            self.problem = self.problem or (exc.strerror or str(exc))

    def _load(self, path: Path) -> bytes:
        data = self.memory.get(path)
        return data if data is not None else path.read_bytes()

    def read(self, key: str, name: str) -> bytes:
        """A rendered output, one of OUTPUTS."""
        return self._load(self.out(key, name))

    @property
    def bundle(self) -> Path:
        """vega-embed with Vega and Vega-Lite as one script, made by this vl-convert version."""
        import re

        return self.dir / f"vega-bundle-{re.sub(r'[^0-9A-Za-z.]+', '-', self.bundle_version)}.js"

    @property
    def shared_bundle(self) -> Path | None:
        """The same bundle in the user's cache folder, so a new project need not make it again:
        it depends only on the vl-convert version, which its name carries."""
        base = os.environ.get("XDG_CACHE_HOME", "")
        try:
            folder = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
        except RuntimeError:  # no home folder
            return None
        return folder / "factpress" / self.bundle.name

    def bundle_ok(self) -> bool:
        """The bundle is on disk and matches the digest written beside it (a damaged one is made
        again); one from the user's cache is checked the same way and copied into the project."""
        if self._read_checked(self.bundle) is not None:
            return True
        shared = self.shared_bundle
        data = self._read_checked(shared) if shared is not None else None
        if data is None:
            return False
        self._write_checked(self.bundle, data)
        return True

    def bundle_bytes(self) -> bytes | None:
        """The bundle when it is on disk (or in memory) and whole, else None."""
        return self._read_checked(self.bundle)

    def store_bundle(self, data: bytes) -> None:
        self._write_checked(self.bundle, data)
        if self.shared_bundle is not None:
            try:
                _write_checked(self.shared_bundle, data)
            except OSError:  # a read-only or missing home: the project's copy is enough
                pass

    def _read_checked(self, path: Path) -> bytes | None:
        try:
            data = self._load(path)
            digest = self._load(path.with_suffix(".sha256")).decode("ascii")
        except (OSError, ValueError):
            return None
        return data if hashlib.sha256(data).hexdigest() == digest else None

    def _write_checked(self, path: Path, data: bytes) -> None:
        self._store(path, data)
        self._store(path.with_suffix(".sha256"), hashlib.sha256(data).hexdigest().encode())

    def file_key(self, file: SourceFile) -> str:
        return _sha(file.rel, file.text, __version__, _version("altair"), self.renderer)

    def out_key(self, payload: str) -> str:
        return _sha(payload, self.renderer)

    def _read_json(self, path: Path):
        try:
            return json.loads(self._load(path).decode("utf-8"))
        except (OSError, ValueError):
            return None

    def fresh_records(self, file: SourceFile, book: FactBook, payload) -> list[dict] | None:
        """The file's chart records if nothing it depends on changed, else None. payload(record):
        what rendering the chart takes now (a new report title or source changes its export)."""
        manifest = self._read_json(self.dir / "files" / f"{self.file_key(file)}.json")
        if manifest is None:
            return None
        for rec in manifest["charts"]:
            if rec["facts"] != facts_key(book, rec) or rec["out"] != self.out_key(payload(rec)) or not self.has(rec["out"]):
                return None
            for name, digest in rec["tables"].items():
                table = book.tables.get(name)
                if table is None or _sha(table.digest) != digest:
                    return None
        return manifest["charts"]

    def out(self, key: str, ext: str) -> Path:
        return self.dir / "out" / f"{key}.{ext}"

    def has(self, key: str) -> bool:
        """True when the rendered outputs for key are on disk and whole (a damaged entry is rendered again)."""
        try:
            for name in OUTPUTS:
                data = self.read(key, name)
                if name.endswith(".svg") and not (data.startswith(b"<svg") and data.rstrip().endswith(b"</svg>")):
                    return False
                if name.endswith(".png") and not data.startswith(b"\x89PNG\r\n\x1a\n"):
                    return False
                if name.endswith(".json"):
                    json.loads(data)
        except (OSError, ValueError):
            return False
        return True

    def put(self, key: str, outputs: dict) -> None:
        for name in OUTPUTS:
            data = outputs[name]
            self._store(self.out(key, name), data.encode() if isinstance(data, str) else data)

    def prune(self, file_keys: set[str], out_keys: set[str]) -> None:
        """Forget what no chart of this build uses, so the cache does not grow with every edit."""
        for folder, keep in (("files", file_keys), ("out", out_keys)):
            for path in (self.dir / folder).glob("*.*") if (self.dir / folder).is_dir() else []:
                if path.name.split(".")[0] not in keep:
                    try:
                        path.unlink(missing_ok=True)
                    except OSError:  # a read-only cache: forgetting is only tidiness
                        return

    def put_file(self, file: SourceFile, records: list[dict]) -> None:
        self._store(self.dir / "files" / f"{self.file_key(file)}.json", json.dumps({"charts": records}, sort_keys=True).encode())


# What the render step writes for each chart (charts/worker.render_chart).
OUTPUTS = ("wide.svg", "narrow.svg", "wide.json", "narrow.json", "export.svg", "export.png", "table.json",
           "problems.json", "payload.json", "locale.json")
# The code and fonts that lay charts out: a change to any of them renders every chart again.
_LAYOUT_FILES = ("charts/worker.py", "charts/responsive.py", "charts/layout.py", "charts/export.py",
                 "charts/plotted.py", "charts/theme.py", "shared/fonts.py")


def _layout_code() -> str:
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for rel in _LAYOUT_FILES:
        h.update(rel.encode() + b"\0" + (package / rel).read_bytes())
    for font in sorted((package / "fonts").glob("*.otf")):
        h.update(font.name.encode() + b"\0" + str(font.stat().st_size).encode())
    return h.hexdigest()[:16]


def _write_checked(path: Path, data: bytes) -> None:
    _write(path, data)
    _write(path.with_suffix(".sha256"), hashlib.sha256(data).hexdigest().encode())


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
