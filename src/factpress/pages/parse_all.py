"""Parse every page, reusing what is known: a page whose text did not change since the last build is
not parsed again, and many pages to parse are shared among worker processes.

A parsed page depends only on its own text, its path, the raw-HTML setting and the code that
parsed it (see markdown.Page): the file's key holds the first three, and a cache file made by
other code (factpress or a library in another version) is not read. Entries live in memory for the life of
the process (the preview server keeps them warm) and on disk in one file,
PROJECT/.factpress-cache/pages.pickle (one file reads and writes several times faster than a file
per page), holding exactly the pages of the last build, each pickled on its own: a page parsed in
a worker is pickled there once, and an unchanged page is written back as the bytes it was read
as. The file is written only when a page changed. A cache file that cannot be read is a miss,
never an error.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from factpress.pages.parse import Page, parse_page
from factpress.project.files import SourceFile
from factpress.shared.cache import BuildCache, cache_warning, load_pickle, store_pickle
from factpress.shared.deadline import Deadline, TimeLimit
from factpress.shared.diagnostics import Diagnostic, Diagnostics, SourceLocation
from factpress.shared.workers import ForkedMap, can_fork

CACHE_FORMAT = "5"  # a dict of page key -> pickled (Page, problems)
CACHE_FILE = Path(".factpress-cache") / "pages.pickle"
PARSE_TIMEOUT = 20.0  # seconds for one page: real pages take milliseconds
PARALLEL_MIN = 64  # fewer pages than this to parse are parsed in this process: a pool costs more
Parsed = tuple[Page | None, tuple[Diagnostic, ...]]


@dataclass
class PageStats:
    parsed: int = 0  # pages parsed in this build
    cached: int = 0  # pages taken from the cache
    jobs: int = 1  # processes that parsed them


def page_key(file: SourceFile, raw_html: bool) -> str:
    return hashlib.sha256(f"{CACHE_FORMAT}\0{raw_html}\0{file.rel}\0{file.sha}".encode()).hexdigest()


def parse_one(file: SourceFile, raw_html: bool, deadline: Deadline | None = None) -> Parsed:
    """One page and the problems found in it, kept apart from the build's other diagnostics.
    deadline: the time limit of the page (Markdown such as a page of a million '[' takes
    markdown-it minutes)."""
    diags = Diagnostics()
    try:
        with deadline.limit() if deadline is not None else contextlib.nullcontext():
            page = parse_page(file, raw_html, diags)
    except TimeLimit:
        diags.items.clear()
        diags.error(SourceLocation(file.rel, 1), f"the page takes more than {PARSE_TIMEOUT:g} s to parse",
                    "Markdown this slow is usually a run of thousands of unclosed brackets or emphasis marks; "
                    "remove them or split the page", code="page-timeout")
        page = None
    return page, tuple(diags.items)


def parse_pickled(file: SourceFile, raw_html: bool, deadline: Deadline | None = None) -> bytes:
    """parse_one in a worker, pickled there once: the parent unpickles it to use it and writes the
    same bytes into the cache file, rather than pickling every page again."""
    return pickle.dumps(parse_one(file, raw_html, deadline), protocol=pickle.HIGHEST_PROTOCOL)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class PageParsing:
    """Parsing pages, begun at once: with many pages to parse, worker processes start on them while
    this process goes on (reading facts), and finish() collects them.

    jobs None: as many processes as cores when there are many pages to parse; 1: in this process.
    Problems go to diags in file order, whichever process found them. The pages of the last build
    made with the same cache are reused from memory; a first build reads the disk cache, and
    cache.persist says when it is written."""

    def __init__(self, files: list[SourceFile], raw_html: bool, root: Path | None, jobs: int | None = None,
                 cache: BuildCache | None = None):
        self.files, self.raw_html = files, raw_html
        self.cache = cache or BuildCache()
        self.stats = PageStats()
        self.cache_file = root / CACHE_FILE if root is not None else None
        self.keys = [page_key(f, raw_html) for f in files]
        self.results: list[Parsed | None] = [None] * len(files)
        self.missing: list[int] = []
        self.failed: frozenset[str] = frozenset()  # pages that could not be parsed
        self.persist = self.cache.persisting(first=not self.cache.pages)
        self.known = self.cache.pages
        self.blobs: dict[str, bytes] = {}  # page key -> the pickled page, as the cache file holds it
        if self.cache_file is not None and not self.known:  # the first build in this process; later, misses are edits
            self.known, self.blobs = _read(self.cache_file)
        for i, key in enumerate(self.keys):
            hit = self.known.get(key)
            if hit is None:
                self.missing.append(i)
            else:
                self.results[i] = hit
        self.stats.cached = len(files) - len(self.missing)
        self.stats.parsed = len(self.missing)
        self.deadline = Deadline(PARSE_TIMEOUT)
        jobs = default_jobs() if jobs is None else max(1, jobs)
        self.pool: ForkedMap | None = None
        if jobs > 1 and len(self.missing) >= PARALLEL_MIN and can_fork():
            self.stats.jobs = min(jobs, len(self.missing))
            todo = [files[i] for i in self.missing]
            self.pool = ForkedMap(lambda i: parse_pickled(todo[i], raw_html, self.deadline), len(todo), jobs)

    def finish(self, diags: Diagnostics, progress=None) -> tuple[list[Page], PageStats]:
        if progress is not None:
            progress.stage("pages", len(self.files), done=self.stats.cached)
        if self.pool is not None:
            try:
                for i, blob in self.pool:
                    self.results[self.missing[i]] = pickle.loads(blob)
                    self.blobs[self.keys[self.missing[i]]] = blob
                    if progress is not None:
                        progress.advance()
            finally:
                self.cancel()
        else:
            for i in self.missing:
                self.results[i] = parse_one(self.files[i], self.raw_html, self.deadline)
                if progress is not None:
                    progress.advance()
        # a page over its time limit is not kept: on a less busy machine it may parse in time
        current = {key: parsed for key, parsed in zip(self.keys, self.results)
                   if not any(d.code == "page-timeout" for d in parsed[1])}
        if self.persist and self.cache_file is not None and (self.missing or len(self.known) != len(current)):
            blobs = {key: self.blobs.get(key) or pickle.dumps(parsed, protocol=pickle.HIGHEST_PROTOCOL)
                     for key, parsed in current.items()}
            cache_warning(diags, _store(self.cache_file, blobs))
        self.cache.pages = current  # type: ignore[assignment]
        self.failed = frozenset(f.rel for f, (page, _) in zip(self.files, self.results) if page is None)  # type: ignore[misc]
        pages = []
        for page, problems in self.results:  # type: ignore[misc]
            diags.items.extend(problems)
            if page is not None:
                pages.append(page)
        return pages, self.stats

    def cancel(self) -> None:
        """Stop the workers (after finish, or when the build failed before it)."""
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        self.deadline.close()


def _read(path: Path) -> tuple[dict[str, Parsed], dict[str, bytes]]:
    """The pages of the cache file, and each one's bytes there (written again as they are)."""
    blobs = load_pickle(path, CACHE_FORMAT)
    if not isinstance(blobs, dict):
        return {}, {}
    pages, kept = {}, {}
    for key, blob in blobs.items():
        try:
            parsed = pickle.loads(blob)
        except Exception:  # a damaged entry is a miss
            continue
        if isinstance(parsed, tuple) and len(parsed) == 2 and (parsed[0] is None or isinstance(parsed[0], Page)):
            pages[key], kept[key] = parsed, blob
    return pages, kept


def _store(path: Path, blobs: dict[str, bytes]) -> str:
    return store_pickle(path, CACHE_FORMAT, blobs)
