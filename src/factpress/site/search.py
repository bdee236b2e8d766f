"""Search: the Pagefind index of the report's pages (pagefind/), made from the rendered pages
before anything is written, so a failed index leaves no half a site; and the same text as a
script (assets/search-data.js) for a site read from disk, where browsers let a page load a
script but not fetch the index. Both are made again only when the text of a page changed.

Pagefind reads each page's <main> only, without the parts that repeat what the text says or
are not text (a chart's SVG and data table, its reuse panel, the page's contents list and the
pager); the report's language (<html lang>) chooses its stemming, and Chinese and Japanese are
split into words by the extended Pagefind program.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from factpress.shared.cache import BuildCache, load_pickle, store_pickle
from factpress.shared.diagnostics import Diagnostics, SourceLocation
from factpress.site.assemble import Site
from factpress.site.publish import page_paths
from factpress.site.search_text import IGNORED, sections

INDEX = "pagefind"
FALLBACK = "assets/search-data.js"
CACHE = Path(".factpress-cache") / "search.pickle"
CACHE_FORMAT = "1"  # (key, site files, sections of each page by digest)
FEED_MIN = 64  # pages: fewer are not worth a process to find their sections
TIMEOUT = 600  # seconds: Pagefind indexes thousands of pages a second; this only stops a hung program
# What the browser needs of Pagefind's output: its search library and worker, the index and the
# page fragments, and the WebAssembly of each language indexed; not its own UIs or playground.
NEEDED = re.compile(r"^(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[\w-]+\.pf_meta"
                    r"|index/[\w-]+\.pf_index|fragment/[\w-]+\.pf_fragment|filter/[\w-]+\.pf_filter)$")
MAIN_RE = re.compile(rb"<main\b[^>]*>(.*)</main>", re.S)
LANG_RE = re.compile(rb"<html\b[^>]*\blang=\"([^\"]*)\"")


def document(html: bytes) -> bytes:
    """What is indexed of a page: a small document with the page's language and its <main> (the
    whole body when a project's template has none), so the index, and the key it is kept under,
    change only when what a reader can find changes."""
    main = MAIN_RE.search(html)
    lang = LANG_RE.search(html)
    body = main.group(1) if main else html
    return (b'<!DOCTYPE html>\n<html lang="' + (lang.group(1) if lang else b"en") +
            b'">\n<head><meta charset="utf-8"><title></title></head>\n<body><main>' + body + b"</main></body>\n</html>\n")


def documents(site: Site, files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: document(files[name]) for name in page_paths(site) if name in files}


class SectionFeed:
    """A forked process that finds the sections of each page (for the disk fallback) while this
    process renders the others: rendering a site below RENDER_PARALLEL_MIN pages keeps one core
    busy, and the sections cost about as much as the rendering. put() is the output's early()
    hook; finish() gives the sections found, by document digest. Forked before the writer thread
    starts; on a system without fork there is no feed and the sections are found at the end."""

    def __init__(self, site: Site, early: Callable[[str, bytes], None] | None):
        import multiprocessing

        self.names, self.early = set(page_paths(site)), early
        ctx = multiprocessing.get_context("fork")
        self.todo, self.done = ctx.Queue(), ctx.Queue()  # a Queue's thread sends: put() never waits for the worker
        self.proc = ctx.Process(target=_find_sections, args=(self.todo, self.done), daemon=True)
        self.proc.start()

    def put(self, name: str, data: bytes) -> None:
        if self.early is not None:
            self.early(name, data)
        if name in self.names:
            self.todo.put(document(data))

    def finish(self) -> dict[str, list]:
        self.todo.put(None)
        try:
            found = self.done.get(timeout=TIMEOUT)
        except Exception:  # the worker died: the sections are found here instead
            found = {}
        self.close()
        return found

    def close(self) -> None:
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.is_alive():
            proc.kill()
        proc.join()
        self.todo.cancel_join_thread()
        self.todo.close()


def _find_sections(todo, done) -> None:
    found = {}
    while (doc := todo.get()) is not None:
        digest = hashlib.sha256(doc).hexdigest()
        if digest not in found:
            found[digest] = sections(doc.decode("utf-8", "replace"))
    done.put(found)


def section_feed(site: Site, early: Callable[[str, bytes], None] | None) -> SectionFeed | None:
    """A SectionFeed for a build that writes a searchable site of many pages, where fork is available."""
    from factpress.shared.workers import can_fork

    if not site.settings.search or early is None or len(site.pages) < FEED_MIN or not can_fork():
        return None
    return SectionFeed(site, early)


def _key(docs: dict[str, bytes], program: str | None) -> str:
    h = hashlib.sha256(json.dumps([CACHE_FORMAT, IGNORED, program]).encode())
    for name in sorted(docs):
        h.update(f"{name}\0".encode() + hashlib.sha256(docs[name]).digest())
    return h.hexdigest()


def add_search(site: Site, files: dict[str, bytes], root: Path, diags: Diagnostics, cache: BuildCache,
               first: bool, feed: SectionFeed | None = None) -> str:
    """Add the search index and the disk fallback to files; say how they were come by ('indexed',
    'cached', or '' when the report has no search or the index failed, with an error in diags).
    first: the first build with this cache, which may read the disk cache; feed: the sections of
    the pages rendered in this build, found while it rendered."""
    if not site.settings.search:
        return ""
    found = feed.finish() if feed is not None else {}
    docs = documents(site, files)
    program = pagefind_program()
    key = _key(docs, program)
    kept = cache.search
    if kept is None and first:
        loaded = load_pickle(root / CACHE, CACHE_FORMAT)
        kept = loaded if isinstance(loaded, tuple) and len(loaded) == 3 else None
    state = "cached"
    if kept is None or kept[0] != key:
        with Pagefind(program, docs, diags) as indexing:  # it runs while this process finds the pages' sections
            texts = _texts(docs, {**(kept[2] if kept else {}), **found})
            made = indexing.result()
        if made is None:
            return ""
        made[FALLBACK] = fallback_script(docs, texts)
        kept, state = (key, made, texts), "indexed"
        if cache.persisting(first):
            store_pickle(root / CACHE, CACHE_FORMAT, kept)
    cache.search = kept
    files.update(kept[1])
    return state


def _texts(docs: dict[str, bytes], last: dict[str, list]) -> dict[str, list]:
    """Each document's sections by its digest; those of unchanged pages from the last build's."""
    out = {}
    for doc in docs.values():
        digest = hashlib.sha256(doc).hexdigest()
        out[digest] = last.get(digest) or sections(doc.decode("utf-8", "replace"))
    return out


def pagefind_program() -> str | None:
    """The Pagefind program: PAGEFIND_BINARY_PATH, else the extended one of the pagefind package
    (it splits Chinese and Japanese into words; the plain one does not), else pagefind's own choice."""
    found = os.environ.get("PAGEFIND_BINARY_PATH")  # as the pagefind package looks for it, without importing
    if found is None:                                # its service (and asyncio with it)
        for package in ("pagefind_bin_extended", "pagefind_bin"):
            try:
                found = str(importlib.import_module(package).get_executable())
                break
            except ImportError:
                continue
        else:
            found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return found if found is not None and Path(found).exists() else None


class Pagefind:
    """Pagefind over the documents, in a private folder: started on entering, so the caller works
    while it indexes; result() waits for its output as site files (None, with an error in diags,
    when it failed). Leaving the block stops it if it still runs and removes the folder."""

    def __init__(self, program: str | None, docs: dict[str, bytes], diags: Diagnostics):
        self.program, self.docs, self.diags = program, docs, diags
        self.proc: subprocess.Popen | None = None
        self.tmp: tempfile.TemporaryDirectory | None = None
        self.failure, self.hint = "", ""

    def __enter__(self) -> "Pagefind":
        if self.program is None:
            return self
        try:
            self.tmp = tempfile.TemporaryDirectory(prefix="factpress-search-", dir=_scratch())
            source, self.out = Path(self.tmp.name) / "site", Path(self.tmp.name) / "out"
            _write_all(source, self.docs)
        except OSError as exc:  # a full or read-only scratch folder: no index, and the build says why
            self._cleanup()
            self.failure = f"search: cannot write the index's working files ({exc.strerror or exc})"
            self.hint = "free some space, or set 'search: false' in report.yaml"
            return self
        except BaseException:
            self._cleanup()
            raise
        command = [self.program, "--site", str(source), "--output-path", str(self.out), "--exclude-selectors",
                   ", ".join(IGNORED), "--silent"]
        try:
            self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        except OSError as exc:
            self.failure = f"search: Pagefind did not run: {exc}"
        return self

    def result(self) -> dict[str, bytes] | None:
        where = SourceLocation("content/report.yaml")
        if self.program is None:
            self.diags.error(where, "search: the Pagefind program is not installed", "pip install 'pagefind[extended]', "
                             "which factpress depends on; or set 'search: false' in report.yaml", code="search")
            return None
        if self.proc is None:
            self.diags.error(where, self.failure, self.hint, code="search")
            return None
        try:
            stdout, stderr = self.proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            self.diags.error(where, f"search: Pagefind did not run: {exc}", code="search")
            return None
        if self.proc.returncode != 0 or not (self.out / "pagefind-entry.json").is_file():
            said = (stderr or stdout).strip().splitlines()
            self.diags.error(where, f"search: Pagefind failed (exit status {self.proc.returncode})"
                             f"{': ' + said[-1] if said else ''}", code="search")
            return None
        return {f"{INDEX}/{rel}": (self.out / rel).read_bytes() for rel in _needed(self.out)}

    def __exit__(self, *exc) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._cleanup()

    def _cleanup(self) -> None:
        if self.tmp is not None:
            try:
                self.tmp.cleanup()
            except OSError:
                pass
            self.tmp = None


def _write_all(folder: Path, docs: dict[str, bytes]) -> None:
    made = set()
    for name, doc in docs.items():
        target = folder / name
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(doc)


def _scratch() -> str | None:
    """Where Pagefind reads and writes its thousands of small files: TMPDIR when set, else memory
    (/dev/shm) where the system has it, which spares the disk a quarter of the index's time."""
    if os.environ.get("TMPDIR"):
        return None
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _needed(out: Path) -> list[str]:
    """The files of Pagefind's output the browser uses: see NEEDED, and only the WebAssembly of
    the languages its entry file names ('unknown' for a language it has no stemmer for)."""
    entry = json.loads((out / "pagefind-entry.json").read_text("utf-8"))
    wasm = {f"wasm.{lang.get('wasm') or 'unknown'}.pagefind" for lang in entry.get("languages", {}).values()}
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    return [n for n in names if NEEDED.match(n) or n in wasm]


def fallback_script(docs: dict[str, bytes], texts: dict[str, list]) -> bytes:
    """The pages' text by section as a script that sets window.factpressSearch, for search.js
    to search where Pagefind cannot run (a page read from disk). texts: sections by digest."""
    pages = []
    for name, doc in docs.items():
        parts = texts[hashlib.sha256(doc).hexdigest()]
        if parts:
            pages.append({"u": name, "t": parts[0]["h"], "s": parts})
    text = json.dumps({"pages": pages}, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return ("/* The report's text for search.js, where the Pagefind index cannot be fetched. */\n"
            f"window.factpressSearch={text};\n").encode()
