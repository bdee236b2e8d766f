"""Orchestrate: one call per stage, from the author's files to a written site.

    project/  find files, settings       -> Sources, Settings
    facts/    the facts and sources      -> FactBook
    pages/    Markdown into page bodies  -> Pages (parsed in workers while the facts load)
    charts/   chart files to SVG         -> Charts
    site/     assemble, render, index, write -> Site -> Rendered (+ search index) -> site/
    print/    the Site as a PDF          -> report.pdf
"""
from __future__ import annotations

import contextlib
import gc
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from factpress.charts.model import Charts
from factpress.facts.load import load_facts
from factpress.facts.model import FactBook
from factpress.pages.parse_all import PageParsing, PageStats, default_jobs
from factpress.project.files import Sources, discover
from factpress.project.settings import BaseUrl, load_settings
from factpress.shared.cache import CACHE_FOLDER, CACHE_WARNING, BuildCache, cache_problem, cache_warning
from factpress.shared.diagnostics import BuildFailed, Diagnostics, FactpressError, relpath
from factpress.shared.progress import Progress
from factpress.site.assemble import Site, assemble
from factpress.site.output import FolderOutput, MemoryOutput, WriteReport
from factpress.site.links import check_links
from factpress.site.publish import publish_static
from factpress.site.render import Rendered, render_site
from factpress.site.search import add_search, section_feed

if TYPE_CHECKING:
    from factpress.print.document import PrintOptions

PDF_NAME = "report.pdf"
RENDER_PARALLEL_MIN = 2000  # pages: below this, rendering in worker processes saves no time by default


@dataclass
class BuildResult:
    site: Site | None
    rendered: Rendered | None
    diagnostics: Diagnostics
    report: WriteReport | None = None
    pages: PageStats | None = None
    search: str = ""  # how the search index came: indexed, cached, or '' (no search)


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off while a build makes its many short-lived objects (tokens,
    template contexts): it would scan the parsed pages again and again, about a tenth of the
    build's time. Whatever cycles the build made are left to the collector's next run."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def load_site(root: Path, diags: Diagnostics, jobs: int | None = None, progress: Progress | None = None,
              stats: PageStats | None = None, cache: BuildCache | None = None, base_url: BaseUrl | None = None,
              checking: bool = False) -> Site:
    """Read everything and assemble the report in memory; problems go to diags.
    jobs: processes for parsing pages (None: one per core when many pages changed); base_url: the
    address given for this build, over report.yaml's; checking: for `check`, which says more."""
    progress = progress or Progress()
    cache = cache or BuildCache()
    progress.stage("reading")
    cache_warning(diags, cache_problem(root))
    sources = discover(root, diags, cache)
    settings = load_settings(sources, diags, base_url, checking)
    parsing = PageParsing(sources.of_kind("page"), settings.raw_html, root, jobs, cache)  # workers start now
    try:
        book = load_facts(sources, diags, cache, settings)
        page_diags = Diagnostics()
        pages, page_stats = parsing.finish(page_diags, progress)
    finally:
        parsing.cancel()
    mark = len(diags.items)
    progress.stage("charts")
    if sources.of_kind("chart") or (root / CACHE_FOLDER / "charts").is_dir():  # a report without charts imports none of it
        from factpress.charts.build import build_charts

        charts = build_charts(sources, book, root, settings, diags)
    else:
        charts = Charts()
    charts_incomplete = _chart_consequences(diags, mark, book, sources)
    # after the charts' problems, as when pages were parsed last; the cache's problem is told once
    warned = any(d.code == CACHE_WARNING for d in diags.items)
    diags.items.extend(d for d in page_diags.items if not (warned and d.code == CACHE_WARNING))
    if stats is not None:
        stats.__dict__.update(page_stats.__dict__)
    unreadable = frozenset(rel for rel in sources.failed if rel.endswith(".md")) | parsing.failed
    site = assemble(settings, book, pages, charts, diags, unreadable, charts_incomplete)
    site.static = {f.rel[len("static/"):]: f.data for f in sources.of_kind("static")}
    return site


def _chart_consequences(diags: Diagnostics, mark: int, book: FactBook, sources: Sources) -> bool:
    """Drop chart errors that follow from a fact error already reported; True when a chart file failed whole
    (any chart id may have been in it, so pages citing unknown charts are not reported)."""
    diags.items[mark:] = [d for d in diags.items[mark:]
                          if not (d.severity == "error" and d.code == "unknown-fact" and book.reported(d.fact))]
    return sources.failed_under("charts/") or any(d.severity == "error" and d.code == "chart-file"
                                                  for d in diags.items[mark:])


def run_build(root: Path, output: FolderOutput | MemoryOutput | None, strict: bool = False,
              pdf: bool = False, jobs: int | None = None, progress: Progress | None = None,
              cache: BuildCache | None = None, base_url: BaseUrl | None = None) -> BuildResult:
    """The whole pipeline. With output None nothing is written (check). pdf adds the report as PDF.
    jobs: processes for parsing pages; progress: where a terminal sees how far the build is;
    cache: what the last build kept for this one (the preview passes the same one every time);
    base_url: where the site is published, when given for this build (--base-url)."""
    progress = progress or Progress()
    cache = cache or BuildCache()
    diags = Diagnostics()
    stats = PageStats()
    searched = ""
    feed = None
    try:
        with collector_paused():  # not around the PDF: WeasyPrint's layout is better off with it
            site = load_site(root, diags, jobs, progress, stats, cache, base_url, checking=output is None)
            if pdf:
                site.settings = replace(site.settings, pdf=True)  # the site links to the PDF only when it has one
            failed = bool(diags.errors)  # a strict check still renders: the links' warnings come from there
            if not failed:
                progress.stage("rendering")
            early = getattr(output, "early", None)
            feed = None if failed else section_feed(site, early)  # finds the search sections while pages render
            if feed is not None:
                early = feed.put
            rendered = None if failed else render_site(site, root, diags, jobs=_render_jobs(jobs, len(site.pages)),
                                                       early=early, cache=cache)
        if rendered is not None and not diags.errors:
            publish_static(site, rendered.files, diags)
            check_links(site, rendered.files, diags)
        if strict and any(w.code != CACHE_WARNING for w in diags.warnings):
            fail_if_errors(diags, strict, what="check" if output is None else "build")
        if rendered is not None and output is not None and not diags.errors:
            progress.stage("search")
            searched = add_search(site, rendered.files, root, diags, cache, first=cache.search is None, feed=feed)
        if rendered is not None and site.settings.pdf and not diags.errors:
            progress.stage("pdf")
            rendered_pdf(site, root, diags, rendered, checking=output is None)
        fail_if_errors(diags, strict, what="check" if output is None else "build")
        if output is not None:
            progress.stage("writing")
        report = _commit(output, rendered.files, root) if output is not None else None
    finally:
        if feed is not None:
            feed.close()
        if isinstance(output, FolderOutput):
            output.discard()  # what was written early for a build that then failed (no-op after commit)
        progress.close()
        cache.end_build()
    return BuildResult(site, rendered, diags, report, stats, searched)


def _commit(output, files: dict[str, bytes], root: Path) -> WriteReport:
    """Write the site; a disk that is full or read-only is the user's problem to fix, in one line."""
    try:
        return output.commit(files)
    except OSError as exc:
        where = relpath(output.dest, root) if isinstance(output, FolderOutput) else "site"
        raise FactpressError(f"{where}: error: cannot write the site ({exc.strerror or exc}); "
                             "the site as it was is kept") from None


def _render_jobs(jobs: int | None, pages: int) -> int:
    """Processes for rendering: as asked with -j; by default one per core only for a large site
    (a page renders in about 0.2 ms, so at 1000 pages forking and sending the pages back cost
    what a second core saves; at 5000 it saves 13-30% on two cores)."""
    if jobs is not None:
        return jobs
    return default_jobs() if pages >= RENDER_PARALLEL_MIN else 1


def rendered_pdf(site: Site, root: Path, diags: Diagnostics, rendered: Rendered, checking: bool) -> None:
    """Add report.pdf to the site; a check only renders the print document, to catch template errors."""
    from factpress.print.document import PrintOptions, print_html
    from factpress.print.pdf import document_date, make_pdf

    if checking:
        print_html(site, root, diags, PrintOptions(), document_date(site.settings.date))
        return
    made = make_pdf(site, root, diags)
    if made is not None:
        rendered.files[PDF_NAME] = made.data


def fail_if_errors(diags: Diagnostics, strict: bool = False, what: str = "build") -> None:
    warnings = [w for w in diags.warnings if w.code != CACHE_WARNING]  # about the machine, not the report
    if diags.errors or (strict and warnings):
        count = sum(1 for d in diags.sorted() if d.severity == "error" or (strict and d.code != CACHE_WARNING))
        raise BuildFailed(f"{what} failed: {count} problem{'s' if count != 1 else ''}; nothing was written",
                          diags.sorted())


@dataclass
class PdfBuild:
    site: Site
    diagnostics: Diagnostics
    pages: int
    written: bool
    cached: bool
    size: int


def run_pdf(root: Path, dest: Path, options: PrintOptions, progress: Progress | None = None,
            cache: BuildCache | None = None, base_url: BaseUrl | None = None) -> PdfBuild:
    """The report as one PDF file at dest; the file is left alone when its bytes would not change."""
    from factpress.print.pdf import make_pdf
    from factpress.site.output import write_file_atomic

    progress = progress or Progress()
    cache = cache or BuildCache()
    diags = Diagnostics()
    try:
        with collector_paused():
            site = load_site(root, diags, progress=progress, cache=cache, base_url=base_url)
        fail_if_errors(diags, what="pdf")
        progress.stage("pdf")
        made = make_pdf(site, root, diags, options)
        fail_if_errors(diags, what="pdf")
        progress.stage("writing")
        try:
            written = write_file_atomic(dest, made.data)
        except OSError as exc:
            raise FactpressError(f"{relpath(dest, root)}: error: cannot write the PDF ({exc.strerror or exc})") from None
    finally:
        progress.close()
        cache.end_build()
    return PdfBuild(site, diags, made.pages, written, made.cached, len(made.data))
