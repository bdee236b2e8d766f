"""Build charts: run each chart file in a child process (with a timeout), theme and validate
its spec, render it to SVG and PNG, and cache all of it by content.

Two cache levels under PROJECT/.factpress-cache/charts/: a chart file whose text, facts read
and tool versions are unchanged is not even executed (Altair is not imported); a spec already
rendered by this vl-convert version and theme is not rendered again.
"""
from __future__ import annotations

import hashlib
import json
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from factpress import __version__
from factpress.charttheme import THEME_VERSION
from factpress.errors import Diagnostics, SourceLocation
from factpress.facts import FactBook
from factpress.sources import SourceFile, Sources

PARALLEL_RENDER_MIN = 8  # below this, starting render processes costs more than it saves


@dataclass(frozen=True)
class ChartOutput:
    id: str
    title: str
    description: str  # the author's, may be empty
    spec: str  # themed Vega-Lite JSON, canonical
    svg: str
    png: bytes
    facts_read: tuple[str, ...]
    table_sources: tuple[str, ...]
    loc: SourceLocation

    @property
    def spec_dict(self) -> dict:
        return json.loads(self.spec)


@dataclass
class Charts:
    locs: dict[str, SourceLocation] = field(default_factory=dict)
    outputs: dict[str, ChartOutput] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)  # chart id -> rendered | cached | failed

    @property
    def known(self) -> set[str]:
        return set(self.locs)

    @property
    def facts_read(self) -> set[str]:
        return {fid for out in self.outputs.values() for fid in out.facts_read}

    def count(self, state: str) -> int:
        return sum(1 for s in self.status.values() if s == state)


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "none"


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
        self.renderer = f"vl-convert {_version('vl-convert-python')} theme {THEME_VERSION}"

    @property
    def bundle(self) -> Path:
        """vega-embed with Vega and Vega-Lite as one script, made by this vl-convert version."""
        import re

        return self.dir / f"vega-bundle-{re.sub(r'[^0-9A-Za-z.]+', '-', self.renderer)}.js"

    def bundle_ok(self) -> bool:
        """The bundle is on disk and matches the digest written beside it (a damaged one is made again)."""
        try:
            data = self.bundle.read_bytes()
            digest = self.bundle.with_suffix(".sha256").read_text(encoding="ascii")
        except (OSError, ValueError):
            return False
        return hashlib.sha256(data).hexdigest() == digest

    def file_key(self, file: SourceFile) -> str:
        return _sha(file.rel, file.text, __version__, _version("altair"), self.renderer)

    def out_key(self, spec: str) -> str:
        return _sha(spec, self.renderer)

    def _read_json(self, path: Path):
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def fresh_records(self, file: SourceFile, book: FactBook) -> list[dict] | None:
        """The file's chart records if nothing it depends on changed, else None."""
        manifest = self._read_json(self.dir / "files" / f"{self.file_key(file)}.json")
        if manifest is None:
            return None
        for rec in manifest["charts"]:
            if rec["facts"] != facts_key(book, rec) or not self.has(rec["out"]):
                return None
            for name, digest in rec["tables"].items():
                path = self.data_dir / f"{name}.csv"
                if not path.is_file() or _sha(path.read_text(encoding="utf-8")) != digest:
                    return None
        return manifest["charts"]

    def out(self, key: str, ext: str) -> Path:
        return self.dir / "out" / f"{key}.{ext}"

    def has(self, key: str) -> bool:
        """True when the rendered outputs for key are on disk and whole (a damaged entry is rendered again)."""
        try:
            svg = self.out(key, "svg").read_bytes()
            png = self.out(key, "png").read_bytes()
            json.loads(self.out(key, "json").read_bytes())
        except (OSError, ValueError):
            return False
        return svg.startswith(b"<svg") and svg.rstrip().endswith(b"</svg>") and png.startswith(b"\x89PNG\r\n\x1a\n")

    def put(self, key: str, spec: str, svg: str, png: bytes) -> None:
        for ext, data in (("json", spec.encode()), ("svg", svg.encode()), ("png", png)):
            _write(self.out(key, ext), data)

    def prune(self, file_keys: set[str], out_keys: set[str]) -> None:
        """Forget what no chart of this build uses, so the cache does not grow with every edit."""
        for folder, keep in (("files", file_keys), ("out", out_keys)):
            for path in (self.dir / folder).glob("*.*") if (self.dir / folder).is_dir() else []:
                if path.name.split(".")[0] not in keep:
                    path.unlink(missing_ok=True)

    def put_file(self, file: SourceFile, records: list[dict]) -> None:
        _write(self.dir / "files" / f"{self.file_key(file)}.json", json.dumps({"charts": records}, sort_keys=True).encode())


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def run_file(file: SourceFile, book: FactBook, data_dir: Path, timeout: float) -> tuple[list, list[dict], list]:
    """Run a chart file's charts in a child process: (defs, chart records, errors).

    A chart that runs past the timeout is reported and its process killed; the file's other
    charts then run in a fresh process, so every chart's error shows in the same run."""
    import multiprocessing

    from factpress.chartrun import child

    ctx = multiprocessing.get_context("fork")
    defs, records, errors, skip = [], [], [], set()
    while True:
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=child, args=(sender, file.path, file.text, book, data_dir, skip), daemon=True)
        proc.start()
        sender.close()
        current, restart = None, False
        try:
            while True:
                if not receiver.poll(timeout):
                    if current is None:
                        errors.append((file.rel, 0, 0, f"chart file timed out after {timeout:g}s", ""))
                    else:
                        line = next(d[3] for d in defs if d[0] == current)
                        errors.append((file.rel, line, 0, f"chart '{current}' timed out after {timeout:g}s", ""))
                        skip.add(current)
                        restart = True
                    break
                msg = receiver.recv()
                if msg[0] == "file-error":
                    errors.append((file.rel, msg[1], msg[2], msg[3], ""))
                    break
                if msg[0] == "defs":
                    defs = msg[1]
                elif msg[0] == "start":
                    current = msg[1]
                elif msg[0] == "done":
                    current = None
                    skip.add(msg[1])
                    records.append({"id": msg[1], **msg[2]})
                elif msg[0] == "end":
                    break
        except EOFError:
            errors.append((file.rel, 0, 0, f"chart '{current or file.rel}' stopped its process", ""))
        finally:
            proc.kill()
            proc.join()
            receiver.close()
        if not restart:
            return defs, records, errors


def render_all(specs: list[str], bundle: Path | None = None) -> list[tuple[str, bytes]]:
    """Render specs to (SVG, PNG) in forked worker processes, several when there are many
    (vl-convert is not thread-parallel); with bundle, also write the vega-embed bundle there.

    vl-convert runs only in child processes, never in this one, so forking stays safe however
    long this process lives (the preview server)."""
    import multiprocessing

    from factpress.chartrun import javascript_bundle, render_spec

    if not specs and bundle is None:
        return []
    workers = 1 if len(specs) < PARALLEL_RENDER_MIN else min(os.cpu_count() or 1, len(specs) // 4)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        out = list(pool.map(render_spec, specs, chunksize=max(1, len(specs) // (workers * 4))))
        if bundle is not None:  # after the charts: side by side, the two slow each other down
            data = pool.submit(javascript_bundle).result().encode()
            _write(bundle, data)
            _write(bundle.with_suffix(".sha256"), hashlib.sha256(data).hexdigest().encode())
    return out


def build_charts(sources: Sources, book: FactBook, root: Path, timeout: float, diags: Diagnostics) -> Charts:
    cache = ChartCache(root)
    files = sources.of_kind("chart")
    per_file: dict[str, list[dict]] = {}
    stale = []
    for file in files:
        records = cache.fresh_records(file, book)
        if records is None:
            stale.append(file)
        else:
            per_file[file.rel] = [{**r, "state": "cached"} for r in records]
    if stale:
        import altair  # noqa: F401  imported once here, so every child process starts with it loaded

        with ThreadPoolExecutor(min(len(stale), os.cpu_count() or 1)) as pool:
            runs = list(pool.map(lambda f: run_file(f, book, cache.data_dir, timeout), stale))
        _collect(stale, runs, per_file, cache, book, diags)
    if not diags.errors:
        cache.prune({cache.file_key(f) for f in files}, {r["out"] for recs in per_file.values() for r in recs if "out" in r})
    return _outputs(files, per_file, cache, diags)


def _collect(stale, runs, per_file, cache: ChartCache, book: FactBook, diags: Diagnostics) -> None:
    """Turn child results into chart records; render what is not cached yet; remember good files."""
    to_render: dict[str, str] = {}
    complete = []
    for file, (defs, records, errors) in zip(stale, runs):
        for path, line, col, message, hint in errors:
            diags.error(SourceLocation(path or file.rel, line, col), message, hint)
        done = {rec["id"]: rec for rec in records}
        entries, failed = [], bool(errors)
        for chart_id, title, description, line in defs:
            rec = done.get(chart_id)
            if rec is None or "error" in rec:
                if rec is not None:
                    path, eline, message, hint = rec["error"]
                    diags.error(SourceLocation(path or file.rel, eline), message, hint)
                entries.append({"id": chart_id, "line": line, "state": "failed"})
                failed = True
                continue
            key = cache.out_key(rec["spec"])
            state = "cached" if cache.has(key) or key in to_render else "rendered"
            if not cache.has(key):
                to_render[key] = rec["spec"]
            entry = {"id": chart_id, "title": title, "description": description, "line": line, "out": key,
                     "facts_read": rec["facts_read"], "selected": rec["selected"], "tables": tables_key(rec["tables"]),
                     "table_sources": rec["table_sources"], "state": state}
            entry["facts"] = facts_key(book, entry)
            entries.append(entry)
        per_file[file.rel] = entries
        if not failed:
            complete.append(file)
    keys = sorted(to_render)
    bundle = None if cache.bundle_ok() else cache.bundle
    for key, (svg, png) in zip(keys, render_all([to_render[k] for k in keys], bundle)):
        cache.put(key, to_render[key], svg, png)
    for file in complete:
        cache.put_file(file, [{k: v for k, v in r.items() if k != "state"} for r in per_file[file.rel]])


def _outputs(files, per_file, cache: ChartCache, diags: Diagnostics) -> Charts:
    charts = Charts()
    for file in files:
        for rec in per_file.get(file.rel, []):
            loc = SourceLocation(file.rel, rec["line"])
            if rec["id"] in charts.locs:
                diags.error(loc, f"duplicate chart '{rec['id']}' (first defined at {charts.locs[rec['id']]})")
                continue
            charts.locs[rec["id"]] = loc
            charts.status[rec["id"]] = rec["state"]
            if rec["state"] == "failed":
                continue
            spec = cache.out(rec["out"], "json").read_text(encoding="utf-8")
            title = rec["title"] or _spec_title(json.loads(spec)) or rec["id"]
            charts.outputs[rec["id"]] = ChartOutput(
                rec["id"], title, rec["description"], spec, cache.out(rec["out"], "svg").read_text(encoding="utf-8"),
                cache.out(rec["out"], "png").read_bytes(), tuple(rec["facts_read"]), tuple(rec["table_sources"]), loc)
    return charts


def _spec_title(spec: dict) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title or "")
