"""The print document: the whole report as one HTML file for the PDF, from the site's own rendered pages.

Each page's body comes from the same Renderer as the site; only its links and ids are
rewritten, because the site's files become chapters of a single document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from factpress.shared.diagnostics import Diagnostics
from factpress.pages.parse import Page
from factpress.site.render import Renderer
from factpress.shared.deadline import Deadline
from factpress.site.templates import THEME, make_environment, template_failure
from factpress.site.assemble import Site

ATTR_RE = re.compile(r'(?<=\s)(id|href|xlink:href)="([^"]*)"')
SVG_URL_RE = re.compile(r'url\(#([^)"\']+)\)')
HREF_RE = re.compile(r'(?<=\s)(href|xlink:href)="#([^"]*)"')
ID_RE = re.compile(r'(?<=\s)id="([^"]*)"')
SCHEME_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
FOOTNOTE_CALL_RE = re.compile(r'(<sup class="footnote-ref"><a [^>]*>)\[(\d+(?::\d+)?)\](</a></sup>)')


@dataclass(frozen=True)
class PrintOptions:
    paper: str | None = None  # None: the report's setting
    appendix: bool = True


@dataclass(frozen=True)
class Chapter:
    anchor: str
    page: Page
    body: Markup


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
    # On paper, [n] is a source citation; the author's footnote calls become plain superscripts.
    body = FOOTNOTE_CALL_RE.sub(r"\1\2\3", body)
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
    pages = ([site.home] if site.home else []) + list(site.pages)
    return [Chapter(chapter_anchor(p.slug), p, Markup(scope_ids(str(renderer.body(p)), p.slug))) for p in pages]


def print_css() -> str:
    """The print stylesheet, after the bundled typeface's @font-face rules (the full fonts, which
    WeasyPrint embeds subset)."""
    from factpress.shared.fonts import print_font_face_css

    return print_font_face_css() + (THEME / "static" / "print.css").read_text("utf-8")


def print_html(site: Site, root: Path, diags: Diagnostics, options: PrintOptions, date: str) -> str | None:
    """The report as one HTML document for WeasyPrint; None (with a diagnostic) on a template error."""
    deadline = Deadline(site.settings.template_timeout)
    renderer = Renderer(site, make_environment(root / "templates"), diags, {}, deadline)
    try:
        html = renderer.template("print.html", chapters=chapters(site, renderer), appendix=options.appendix,
                                 paper=options.paper or site.settings.paper, print_css=Markup(print_css()), date=date)
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
