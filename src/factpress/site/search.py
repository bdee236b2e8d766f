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
import json
import os
import re
import subprocess
import tempfile
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
TIMEOUT = 600  # seconds: Pagefind indexes thousands of pages a second; this only stops a hung program
# What the browser needs of Pagefind's output: its search library and worker, the index and the
# page fragments, and the WebAssembly of each language indexed; not its own UIs or playground.
NEEDED = re.compile(r"^(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[\w-]+\.pf_meta"
                    r"|index/[\w-]+\.pf_index|fragment/[\w-]+\.pf_fragment|filter/[\w-]+\.pf_filter)$")
MAIN_RE = re.compile(rb"<main\b[^>]*>(.*)</main>", re.S)
LANG_RE = re.compile(rb"<html\b[^>]*\blang=\"([^\"]*)\"")


def documents(site: Site, files: dict[str, bytes]) -> dict[str, bytes]:
    """What is indexed of each page: a small document with the page's language and its <main>
    (the whole body when a project's template has none), so the index, and the key it is kept
    under, change only when what a reader can find changes."""
    docs = {}
    for name in page_paths(site):
        html = files.get(name)
        if html is None:
            continue
        main = MAIN_RE.search(html)
        lang = LANG_RE.search(html)
        body = main.group(1) if main else html
        docs[name] = (b'<!DOCTYPE html>\n<html lang="' + (lang.group(1) if lang else b"en") +
                      b'">\n<head><meta charset="utf-8"><title></title></head>\n<body><main>' + body +
                      b"</main></body>\n</html>\n")
    return docs


def _key(docs: dict[str, bytes], program: str | None) -> str:
    h = hashlib.sha256(json.dumps([CACHE_FORMAT, IGNORED, program]).encode())
    for name in sorted(docs):
        h.update(f"{name}\0".encode() + hashlib.sha256(docs[name]).digest())
    return h.hexdigest()


def add_search(site: Site, files: dict[str, bytes], root: Path, diags: Diagnostics, cache: BuildCache,
               first: bool) -> str:
    """Add the search index and the disk fallback to files; say how they were come by ('indexed',
    'cached', or '' when the report has no search or the index failed, with an error in diags).
    first: the first build with this cache, which may read the disk cache."""
    if not site.settings.search:
        return ""
    docs = documents(site, files)
    program = pagefind_program()
    key = _key(docs, program)
    kept = cache.search
    if kept is None and first:
        loaded = load_pickle(root / CACHE, CACHE_FORMAT)
        kept = loaded if isinstance(loaded, tuple) and len(loaded) == 3 else None
    state = "cached"
    if kept is None or kept[0] != key:
        made = run_pagefind(program, docs, diags)
        if made is None:
            return ""
        texts = _texts(docs, kept[2] if kept else {})
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
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    found = get_executable()
    return str(found) if found is not None and found.exists() else None


def run_pagefind(program: str | None, docs: dict[str, bytes], diags: Diagnostics) -> dict[str, bytes] | None:
    """Pagefind over the documents, written into a private folder; its output as site files."""
    where = SourceLocation("content/report.yaml")
    if program is None:
        diags.error(where, "search: the Pagefind program is not installed", "pip install 'pagefind[extended]', "
                    "which factpress depends on; or set 'search: false' in report.yaml", code="search")
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="factpress-search-", dir=_scratch()) as tmp:
            return _index(program, docs, Path(tmp), where, diags)
    except OSError as exc:  # a full or read-only scratch folder: no index, and the build says why
        diags.error(where, f"search: cannot write the index's working files ({exc.strerror or exc})",
                    "free some space, or set 'search: false' in report.yaml", code="search")
        return None


def _index(program: str, docs: dict[str, bytes], tmp: Path, where: SourceLocation,
           diags: Diagnostics) -> dict[str, bytes] | None:
    source, out = tmp / "site", tmp / "out"
    for name, doc in docs.items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(doc)
    command = [program, "--site", str(source), "--output-path", str(out), "--exclude-selectors",
               ", ".join(IGNORED), "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        diags.error(where, f"search: Pagefind did not run: {exc}", code="search")
        return None
    if done.returncode != 0 or not (out / "pagefind-entry.json").is_file():
        said = (done.stderr or done.stdout).strip().splitlines()
        diags.error(where, f"search: Pagefind failed (exit status {done.returncode})"
                    f"{': ' + said[-1] if said else ''}", code="search")
        return None
    return {f"{INDEX}/{rel}": (out / rel).read_bytes() for rel in _needed(out)}


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
