"""Assemble and validate: the whole report in memory, and every problem found in it."""
from __future__ import annotations

from dataclasses import dataclass, field

from factpress.charts.model import Charts
from factpress.facts.model import FactBook
from factpress.pages.parse import Page
from factpress.pages.plugins import FACT_FIELDS
from factpress.project.fields import did_you_mean
from factpress.project.settings import Settings
from factpress.shared.diagnostics import Diagnostics

TABLE_OPTIONS = {"tag", "region", "caption"}
GENERATED_PAGES = {"sources": "the Sources page", "data": "the Data page", "404": "the page for a missing address",
                   "search": "the search page"}
CHART_OPTIONS = {"caption", "alt", "description", "width", "height"}


@dataclass
class Site:
    settings: Settings
    book: FactBook
    pages: list[Page]  # in reading order, the home page's intro excluded
    home: Page | None
    charts: Charts
    cited_by: dict[str, list[Page]] = field(default_factory=dict)  # fact id -> pages citing it
    static: dict[str, bytes] = field(default_factory=dict)  # static/'s files by their name in the site
    _index: dict[int, int] | None = field(default=None, repr=False, compare=False)

    def chart_pages(self) -> dict:
        """Each chart in the report and the first page that shows it, in chart id order."""
        found = {}
        for page in ([self.home] if self.home else []) + self.pages:
            for use in page.uses:
                if use.kind == "chart" and use.name in self.charts.outputs:
                    found.setdefault(use.name, page)
        return dict(sorted(found.items()))

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        if self._index is None:
            self._index = {id(p): i for i, p in enumerate(self.pages)}
        i = self._index[id(page)]
        return (self.pages[i - 1] if i > 0 else None, self.pages[i + 1] if i + 1 < len(self.pages) else None)


def order_pages(pages: list[Page], settings: Settings, diags: Diagnostics,
                unreadable: frozenset[str] = frozenset()) -> tuple[list[Page], Page | None]:
    home = next((p for p in pages if p.slug == "index"), None)
    rest = [p for p in pages if p.slug != "index"]
    by_slug = {p.slug: p for p in rest}
    for i, slug in enumerate(settings.pages):
        if slug not in by_slug and f"content/{slug}.md" not in unreadable:
            renamed = next((p for p in rest if p.rel == f"content/{slug}.md"), None)
            if renamed is not None:  # the file is there, under the name its front matter gives it
                diags.error(settings.at("pages"), f"settings: 'pages' lists '{slug}', but content/{slug}.md sets "
                            f"'slug: {renamed.slug}'", f"list it as '{renamed.slug}'")
                continue
            diags.error(settings.at("pages"), f"settings: 'pages' lists '{slug}', but there is no content/{slug}.md",
                        did_you_mean(slug, by_slug))
    listed = {slug: i for i, slug in enumerate(settings.pages)}
    rest.sort(key=lambda p: (listed.get(p.slug, len(listed)), p.order, p.slug))
    return rest, home


def _seen(pages: list[Page], diags: Diagnostics) -> None:
    slugs: dict[str, Page] = {}
    for page in pages:
        for line, col, severity, message in page.problems:
            (diags.error if severity == "error" else diags.warning)(page.loc(line, col), message)
        if page.slug in GENERATED_PAGES:
            diags.error(page.loc(1), f"page name '{page.slug}' is taken by {GENERATED_PAGES[page.slug]} "
                                     f"({page.slug}.html); rename the file or set 'slug:' in its front matter")
        elif page.slug == "index" and page.rel != "content/index.md":
            diags.error(page.loc(1), f"page name 'index' is the home page's (content/index.md); rename {page.rel} "
                                     "or set another 'slug:' in its front matter")
        for n in page.numbers:
            diags.warning(page.loc(n.line, n.col), f"number '{n.text}' typed in prose; cite it from a fact with "
                          "{fact}`id`", code="typed-number")
        if page.slug in slugs:
            diags.error(page.loc(1), f"two pages would both be {page.slug}.html (also {slugs[page.slug].rel})")
        slugs[page.slug] = page


def _check_options(page: Page, use, allowed: set[str], diags: Diagnostics) -> None:
    for key, _ in use.options:
        if key not in allowed:
            diags.error(page.loc(use.line, use.col), f"unknown option ':{key}:' for {{{use.kind if use.kind == 'chart' else 'facts'}}}",
                        did_you_mean(key, allowed))


def assemble(settings: Settings, book: FactBook, pages: list[Page], charts: Charts, diags: Diagnostics,
             unreadable: frozenset[str] = frozenset(), charts_incomplete: bool = False) -> Site:
    """unreadable: pages that could not be read, charts_incomplete: a chart file failed (both already reported);
    what they would have defined or cited is unknown."""
    _seen(pages, diags)
    ordered, home = order_pages(pages, settings, diags, unreadable)
    site = Site(settings, book, ordered, home, charts)
    for page in ([home] if home else []) + ordered:
        for use in page.uses:
            if use.kind == "fact":
                _check_fact(site, page, use, diags)
            elif use.kind == "table":
                _check_table(site, page, use, diags)
            elif use.kind == "chart":
                _check_chart(site, page, use, diags, charts_incomplete)
    for fid in settings.key_figures:
        if fid not in book.facts and not book.reported(fid):
            diags.error(settings.at("key_figures"), f"settings: key figure '{fid}' is not a fact", book.suggest(fid),
                        code="unknown-fact", fact=fid)
    if not unreadable:
        _unused(site, diags)
    return site


def _cite(site: Site, fact_id: str, page: Page) -> None:
    cited = site.cited_by.setdefault(fact_id, [])
    if page not in cited:
        cited.append(page)


def _check_fact(site: Site, page: Page, use, diags: Diagnostics) -> None:
    loc, book = page.loc(use.line, use.col), site.book
    if use.name not in book.facts:
        if not book.reported(use.name):
            diags.error(loc, f"unknown fact '{use.name}'", book.suggest(use.name), code="unknown-fact", fact=use.name)
    elif use.field not in FACT_FIELDS:
        diags.error(loc, f"fact '{use.name}': unknown field '.{use.field}'", did_you_mean(use.field, FACT_FIELDS),
                    code="unknown-field", fact=use.name)
    else:
        _cite(site, use.name, page)
        if use.field == "change" and book.facts[use.name].change is None:
            diags.error(loc, f"fact '{use.name}' has no change to show", code="no-change", fact=use.name)


def _check_table(site: Site, page: Page, use, diags: Diagnostics) -> None:
    _check_options(page, use, TABLE_OPTIONS, diags)
    opts = dict(use.options)
    selected = site.book.select(opts.get("tag", ""), opts.get("region", ""))
    if not selected:
        diags.warning(page.loc(use.line, use.col), "this {facts} table selects no facts", code="empty-table")
    for fact in selected:
        _cite(site, fact.id, page)


def _check_chart(site: Site, page: Page, use, diags: Diagnostics, charts_incomplete: bool) -> None:
    loc, charts = page.loc(use.line, use.col), site.charts
    _check_options(page, use, CHART_OPTIONS, diags)
    for key, value in use.options:
        if key in ("width", "height") and not value.isdigit():
            diags.error(loc, f"chart '{use.name}': :{key}: must be a number of pixels, not '{value}'",
                        code="chart-option", chart=use.name)
    if use.name not in charts.known and not charts_incomplete:
        diags.error(loc, f"unknown chart '{use.name}'", did_you_mean(use.name, charts.known), code="unknown-chart",
                    chart=use.name)


def _unused(site: Site, diags: Diagnostics) -> None:
    """Facts no page, chart, key figure or derived fact uses (a data-only fact is published on the Data
    page by intent), and sources no fact or table cites."""
    book = site.book
    used = set(site.cited_by) | set(site.settings.key_figures) | site.charts.facts_read | book.inputs
    for fact in book.facts.values():
        if fact.id not in used and not fact.data_only:
            diags.warning(fact.loc, f"fact '{fact.id}' is not used on any page or chart", "mark it 'data_only: true' to "
                          "publish it on the Data page alone", code="unused-fact", fact=fact.id)
    cited_sources = {s for f in book.facts.values() for s in f.sources} | {s for t in book.tables.values() for s in t.sources}
    for source in site.book.sources.values():
        if source.id not in cited_sources:
            diags.warning(source.loc, f"source '{source.id}' is not cited by any fact", code="unused-source")
