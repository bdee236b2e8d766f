"""Build charts: run the chart files in a few forked worker processes (with a per-chart timeout),
theme and validate each spec, render it to SVG and PNG in the same workers, and cache all of it
by content.

Two cache levels under PROJECT/.factpress-cache/charts/: a chart file whose text, facts read
and tool versions are unchanged is not even executed (Altair is not imported); a spec already
rendered by this vl-convert version and theme is not rendered again.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from factpress import __version__
from factpress.charttheme import THEME_VERSION
from factpress.errors import Diagnostics, SourceLocation
from factpress.facts import FactBook
from factpress.sources import SourceFile, Sources

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
    from importlib import metadata  # only a project with charts pays for importing it

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
        if _read_checked(self.bundle) is not None:
            return True
        shared = self.shared_bundle
        data = _read_checked(shared) if shared is not None else None
        if data is None:
            return False
        _write_checked(self.bundle, data)
        return True

    def store_bundle(self, data: bytes) -> None:
        _write_checked(self.bundle, data)
        if self.shared_bundle is not None:
            try:
                _write_checked(self.shared_bundle, data)
            except OSError:  # a read-only or missing home: the project's copy is enough
                pass

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


def _read_checked(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
        digest = path.with_suffix(".sha256").read_text(encoding="ascii")
    except (OSError, ValueError):
        return None
    return data if hashlib.sha256(data).hexdigest() == digest else None


def _write_checked(path: Path, data: bytes) -> None:
    _write(path, data)
    _write(path.with_suffix(".sha256"), hashlib.sha256(data).hexdigest().encode())


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@dataclass
class _FileRun:
    defs: list = field(default_factory=list)
    records: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    skip: set = field(default_factory=set)


class _Worker:
    def __init__(self, ctx, target, args):
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child_conn, *args), daemon=True)
        self.proc.start()
        child_conn.close()
        self.task = None  # what it is doing: ("file", index) | ("render", key) | ("bundle",)
        self.current = None  # the chart it is running
        self.deadline = None

    def stop(self, kill: bool) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.proc.kill()
        self.proc.join()
        self.conn.close()


def run_charts(stale: list[SourceFile], book: FactBook, cache: ChartCache, timeout: float,
               bundle: bool) -> tuple[list[_FileRun], set[str], list]:
    """Run the stale chart files and render every spec not cached yet, in a few long-lived forked
    workers (one per core); with bundle, one of them also makes the vega-embed bundle.

    Returns each file's run, the out keys rendered and render errors. A chart that runs past the
    timeout is reported and its worker killed; a fresh worker then runs the file's other charts,
    so every chart's error shows in the same build. vl-convert runs only in the workers, never
    in this process, so forking stays safe however long this process lives (the preview server)."""
    import multiprocessing
    from collections import deque
    import time
    from multiprocessing.connection import wait

    from factpress.chartrun import worker

    ctx = multiprocessing.get_context("fork")
    runs = [_FileRun() for _ in stale]
    queue: deque = deque([("bundle",)] if bundle else [])  # the longest task first, so no core idles at the end
    queue.extend(("file", i) for i in range(len(stale)))
    rendering: dict[str, tuple[str, tuple[SourceLocation, str]]] = {}  # out key -> (spec, (place, id) of its first chart)
    render_errors: list = []
    size = min(os.cpu_count() or 1, 2 * len(stale) + bundle)
    args = (stale, book, cache.data_dir, cache.put, cache.store_bundle)
    workers = [_Worker(ctx, worker, args) for _ in range(size)]

    def dispatch(w: _Worker) -> None:
        task = queue.popleft()
        if task[0] == "file":
            w.task, w.current, w.deadline = task, None, time.monotonic() + timeout
            w.conn.send(("file", task[1], set(runs[task[1]].skip)))
        elif task[0] == "render":
            w.task, w.deadline = task, None
            w.conn.send(("render", task[1], rendering[task[1]][0]))
        else:
            w.task, w.deadline = task, None
            w.conn.send(task)

    def replace(w: _Worker) -> _Worker:
        w.stop(kill=True)
        return _Worker(ctx, worker, args)

    try:
        while True:
            for w in workers:
                if w.task is None and queue:
                    dispatch(w)
            busy = [w for w in workers if w.task is not None]
            if not busy:
                break
            deadlines = [w.deadline for w in busy if w.deadline is not None]
            ready = wait([w.conn for w in busy], None if not deadlines else max(0.0, min(deadlines) - time.monotonic()))
            now = time.monotonic()
            for i, w in enumerate(workers):
                if w.task is None:
                    continue
                if w.conn not in ready:
                    if w.deadline is not None and now >= w.deadline:
                        run, file = runs[w.task[1]], stale[w.task[1]]
                        if w.current is None:
                            run.errors.append((file.rel, 0, 0, f"chart file timed out after {timeout:g}s", ""))
                        else:
                            line = next(d[3] for d in run.defs if d[0] == w.current)
                            run.errors.append((file.rel, line, 0, f"chart '{w.current}' timed out after {timeout:g}s", ""))
                            run.skip.add(w.current)
                            queue.appendleft(w.task)  # the file's other charts, in a fresh worker
                        workers[i] = replace(w)
                    continue
                try:
                    msg = w.conn.recv()
                except EOFError:
                    if w.task[0] == "file":
                        run, file = runs[w.task[1]], stale[w.task[1]]
                        run.errors.append((file.rel, 0, 0, f"chart '{w.current or file.rel}' stopped its process", ""))
                    elif w.task[0] == "render":
                        loc, name = rendering[w.task[1]][1]
                        render_errors.append((loc, f"chart '{name}': rendering stopped its process"))
                    else:
                        render_errors.append((SourceLocation("charts"), "making the vega-embed bundle stopped its process"))
                    workers[i] = replace(w)
                    continue
                w.deadline = None if w.deadline is None else now + timeout
                if msg[0] in ("rendered", "bundle", "end"):
                    w.task = None
                elif msg[0] == "render-error":
                    loc, name = rendering[msg[1]][1]
                    render_errors.append((loc, f"chart '{name}' could not be rendered: {msg[2]}"))
                    w.task = None
                elif msg[0] == "file-error":
                    runs[w.task[1]].errors.append((stale[w.task[1]].rel, msg[1], msg[2], msg[3], ""))
                    w.task = None
                elif msg[0] == "defs":
                    runs[w.task[1]].defs = msg[1]
                elif msg[0] == "start":
                    w.current = msg[1]
                elif msg[0] == "done":
                    w.current = None
                    run = runs[w.task[1]]
                    run.skip.add(msg[1])
                    run.records.append({"id": msg[1], **msg[2]})
                    spec = msg[2].get("spec")
                    if spec is not None:
                        key = cache.out_key(spec)
                        if key not in rendering and not cache.has(key):
                            line = next((d[3] for d in run.defs if d[0] == msg[1]), 0)
                            rendering[key] = (spec, (SourceLocation(stale[w.task[1]].rel, line), msg[1]))
                            queue.append(("render", key))
    finally:
        for w in workers:
            w.stop(kill=w.task is not None)
    return runs, set(rendering), render_errors


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
        import altair  # noqa: F401  imported once here, so every worker starts with it loaded

        runs, rendered, render_errors = run_charts(stale, book, cache, timeout, bundle=not cache.bundle_ok())
        for loc, message in render_errors:
            diags.error(loc, message)
        _collect(stale, runs, rendered, per_file, cache, book, diags)
    if not diags.errors:
        cache.prune({cache.file_key(f) for f in files}, {r["out"] for recs in per_file.values() for r in recs if "out" in r})
    return _outputs(files, per_file, cache, diags)


def _collect(stale, runs, rendered: set[str], per_file, cache: ChartCache, book: FactBook, diags: Diagnostics) -> None:
    """Turn worker results into chart records; remember good files."""
    complete = []
    seen: set[str] = set()
    for file, run in zip(stale, runs):
        for path, line, col, message, hint in run.errors:
            diags.error(SourceLocation(path or file.rel, line, col), message, hint)
        done = {rec["id"]: rec for rec in run.records}
        entries, failed = [], bool(run.errors)
        for chart_id, title, description, line in run.defs:
            rec = done.get(chart_id)
            if rec is None or "error" in rec:
                if rec is not None:
                    path, eline, message, hint = rec["error"]
                    diags.error(SourceLocation(path or file.rel, eline), message, hint)
                entries.append({"id": chart_id, "line": line, "state": "failed"})
                failed = True
                continue
            key = cache.out_key(rec["spec"])
            if not cache.has(key):  # its rendering failed (reported above)
                entries.append({"id": chart_id, "line": line, "state": "failed"})
                failed = True
                continue
            state = "rendered" if key in rendered and key not in seen else "cached"
            seen.add(key)
            entry = {"id": chart_id, "title": title, "description": description, "line": line, "out": key,
                     "facts_read": rec["facts_read"], "selected": rec["selected"], "tables": tables_key(rec["tables"]),
                     "table_sources": rec["table_sources"], "state": state}
            entry["facts"] = facts_key(book, entry)
            entries.append(entry)
        per_file[file.rel] = entries
        if not failed:
            complete.append(file)
    for file in complete:
        cache.put_file(file, [{k: v for k, v in r.items() if k != "state"} for r in per_file[file.rel]])


def write_bundle(cache: ChartCache) -> None:
    """Make the vega-embed bundle in a forked child (vl-convert never runs in this process)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from factpress.chartrun import javascript_bundle

    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=ctx) as pool:
        cache.store_bundle(pool.submit(javascript_bundle).result().encode())


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
