"""The print document: the whole report as one HTML file for the PDF, from the site's own rendered pages.

Each page's body comes from the same Renderer as the site, made into a book's chapter (book.py:
footnotes, numbered figures, citations); its links and ids are rewritten, because the site's files
become chapters of a single document. The home page's intro is the foreword.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from factpress.shared.diagnostics import Diagnostics
from factpress.pages.parse import Page
from factpress.print.book import BookRenderer, Numbering, book_body, chapter_sources
from factpress.site.render import Renderer
from factpress.shared.deadline import Deadline
from factpress.site.templates import THEME, make_environment, template_failure
from factpress.site.assemble import Site

ATTR_RE = re.compile(r'(?<=\s)(id|href|xlink:href)="([^"]*)"')
SVG_URL_RE = re.compile(r'url\(#([^)"\']+)\)')
HREF_RE = re.compile(r'(?<=\s)(href|xlink:href)="#([^"]*)"')
ID_RE = re.compile(r'(?<=\s)id="([^"]*)"')
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
TITLE_SIZES = ((30, 3), (24, 4), (20, 99))  # the title page's title: points, and the most lines at that size
TITLE_WIDTH = 162 / 25.4 * 96  # its measure in CSS pixels: A4 less the title page's margins (Letter is wider)


@dataclass(frozen=True)
class PrintOptions:
    paper: str | None = None  # None: the report's setting
    appendix: bool = True


@dataclass(frozen=True)
class Chapter:
    anchor: str
    page: Page
    body: Markup
    title: str  # as the book heads it: the home page's intro is the "Foreword" when it repeats the report's title
    sources: tuple = ()  # of every figure it shows; with one, a source note names it and the text carries no marks
    front: bool = False  # the foreword: before the chapters, unnumbered

    @property
    def one_source(self) -> bool:
        return len(self.sources) == 1


def chapter_anchor(slug: str) -> str:
    return f"chapter-{slug}"


def scope_ids(body: str, slug: str) -> str:
    """Prefix a chapter's ids (headings, footnotes, SVG clip paths) so chapters cannot collide."""
    def attr(m: re.Match) -> str:
        name, value = m.groups()
        if name == "id":
            return f'id="{slug}--{value}"'
        return f'{name}="#{slug}--{value[1:]}"' if value.startswith("#") else m.group(0)

    body = ATTR_RE.sub(attr, body)
    return SVG_URL_RE.sub(lambda m: f"url(#{slug}--{m.group(1)})", body)


def site_href(value: str, slugs: set[str], base_url: str) -> str:
    """Where a link between the site's files points inside the single print document."""
    if value.startswith("#") or SCHEME_RE.match(value):
        return value
    page, _, frag = value.partition("#")
    if page == "sources.html":
        return f"#{frag or 'sources'}"
    if page == "data.html":
        return f"#{frag or 'appendix'}"
    slug = page[:-5] if page.endswith(".html") else ""
    if slug == "index" and "index" not in slugs:
        return "#contents"
    if slug in slugs:
        return f"#{slug}--{frag}" if frag else f"#{chapter_anchor(slug)}"
    return base_url + value if base_url else value  # a data download: on the site, beside the PDF


def localize_links(html: str, slugs: set[str], base_url: str) -> str:
    html = ATTR_RE.sub(lambda m: m.group(0) if m.group(1) == "id"
                       else f'{m.group(1)}="{site_href(m.group(2), slugs, base_url)}"', html)
    # An internal link with no target (say, to the appendix when it is left out) would be dead: unlink it.
    ids = set(ID_RE.findall(html))
    return HREF_RE.sub(lambda m: m.group(0) if m.group(2) in ids or not m.group(2) else "", html)


def chapters(site: Site, renderer: Renderer) -> list[Chapter]:
    out = []
    for page in ([site.home] if site.home else []) + list(site.pages):
        html = str(renderer.body(page))
        sources = tuple(chapter_sources(html, site, page))
        body = book_body(html, one_source=len(sources) == 1)
        front = page is site.home
        title = "Foreword" if front and page.title.strip() == site.settings.title.strip() else page.title
        out.append(Chapter(chapter_anchor(page.slug), page, Markup(scope_ids(str(body), page.slug)), title, sources, front))
    return out


def title_lines(title: str) -> tuple[list[str], int]:
    """The title page's title broken into balanced lines at the largest size that keeps it short."""
    from factpress.shared.fonts import measure

    for points, most in TITLE_SIZES:
        lines = measure().balanced(title, points * 96 / 72, TITLE_WIDTH, bold=True)
        if len(lines) <= most:
            return lines, points
    return lines, points


def key_sources(site: Site) -> list:
    ids = dict.fromkeys(site.book.facts[f].source for f in site.settings.key_figures if f in site.book.facts)
    return [site.book.sources.get(s, s) for s in ids]


def print_css() -> str:
    """The print stylesheet, after the bundled typeface's @font-face rules (the full fonts, which
    WeasyPrint embeds subset)."""
    from factpress.shared.fonts import print_font_face_css

    return print_font_face_css() + (THEME / "static" / "print.css").read_text("utf-8")


def print_html(site: Site, root: Path, diags: Diagnostics, options: PrintOptions, date: str) -> str | None:
    """The report as one HTML document for WeasyPrint; None (with a diagnostic) on a template error."""
    deadline = Deadline(site.settings.template_timeout)
    numbering = Numbering()
    renderer = BookRenderer(site, make_environment(root / "templates"), diags, {}, deadline, numbering=numbering)
    lines, points = title_lines(site.settings.title)
    try:
        parts = chapters(site, renderer)
        html = renderer.template("print.html", chapters=[c for c in parts if not c.front],
                                 foreword=next((c for c in parts if c.front), None), figures=numbering.figures,
                                 appendix=options.appendix, paper=options.paper or site.settings.paper,
                                 print_css=Markup(print_css()), date=date, title_lines=lines, title_points=points,
                                 key_sources=key_sources(site))
    except Exception as exc:
        failure = template_failure(exc, root, site.settings.template_timeout)
        if failure is None:
            raise
        diags.error(*failure, code="template")
        return None
    finally:
        deadline.close()
    slugs = {p.slug for p in site.pages} | ({"index"} if site.home else set())
    return localize_links(html, slugs, site.settings.base_url)
