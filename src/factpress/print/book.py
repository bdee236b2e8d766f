"""The site's pages made into a book's chapters: footnotes at the foot of their page, figures
numbered (a figure shown again is a cross-reference), and source citations once per source per
paragraph, or once for the chapter when all its figures come from one source.

Each step reads the HTML the theme and the Markdown renderer write (the footnote plugin's markup,
fact links, figures); nothing here knows the report's content.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup

from factpress.facts.model import Source
from factpress.pages.parse import Page
from factpress.site.render import Renderer
from factpress.site.assemble import Site

FOOTNOTES_RE = re.compile(r'<hr class="footnotes-sep"\s*/?>\s*<section class="footnotes">(.*?)</section>\s*', re.S)
FOOTNOTE_ITEM_RE = re.compile(r'<li id="(fn\d+)" class="footnote-item">(.*?)</li>\s*(?=<li id="fn|</ol>)', re.S)
BACKREF_RE = re.compile(r'\s*<a href="#fnref[^"]*" class="footnote-backref">[^<]*</a>')
CALL_RE = re.compile(r'<sup class="footnote-ref"><a href="#(fn\d+)" id="fnref[^"]*">\[[^\]]*\]</a></sup>')
FACT_LINK_RE = re.compile(r'<a class="fact" href="sources\.html#source-([^"]+)"')
# Where a run of text that takes one citation per source ends: any block-level tag.
BLOCK_RE = re.compile(r"</?(?:p|li|ul|ol|h[1-6]|table|thead|tbody|tr|td|th|caption|figure|figcaption|blockquote|div|"
                      r"section|dl|dt|dd|pre|hr|details)\b[^>]*>")
TABLE_RE = re.compile(r"<table\b.*?</table>", re.S)


@dataclass
class Figure:
    number: int
    title: str
    anchor: str  # the figure's id in the print document
    href: str  # the same as a link between the site's pages, which the print document resolves


@dataclass
class Numbering:
    """Figures across the whole book, in reading order."""
    figures: list[Figure] = field(default_factory=list)
    first: dict[str, Figure] = field(default_factory=dict)  # chart id -> where it was first shown


class BookRenderer(Renderer):
    """The site's Renderer, numbering the figures it renders; a chart shown a second time becomes a
    reference to its first showing ("Figure 1, page 3"), as a book would not print it twice."""

    def __init__(self, *args, numbering: Numbering, **kwargs):
        super().__init__(*args, **kwargs)
        self.numbering = numbering

    def figure(self, use, page: Page) -> str:
        chart = self.site.charts.outputs.get(use.name)
        if chart is None:
            return super().figure(use, page)
        shown = self.numbering.first.get(use.name)
        if shown is not None:
            return self.template("figure_ref.html", figure=shown)
        figure = Figure(len(self.numbering.figures) + 1, chart.title, f"{page.slug}--chart-{chart.id}",
                        f"{page.href}#chart-{chart.id}")
        self.numbering.figures.append(figure)
        self.numbering.first[use.name] = figure
        return self.template("figure.html", chart=chart, use=use, options=dict(use.options), page=page,
                             figure_number=figure.number)


def footnotes_at_foot(body: str) -> str:
    """The author's footnotes moved from the end of the text to their calls, as elements that
    float to the foot of the page (print.css: float: footnote), without the web's back-links. A
    note called again shows its number only."""
    found = FOOTNOTES_RE.search(body)
    if not found:
        return body
    notes = {}
    for m in FOOTNOTE_ITEM_RE.finditer(found.group(1)):
        inner = BACKREF_RE.sub("", m.group(2)).strip()
        inner = re.sub(r"<p>(.*?)</p>", r'<span class="fn-p">\1</span>', inner, flags=re.S)
        notes[m.group(1)] = inner
    body = body[:found.start()] + body[found.end():]
    numbers: dict[str, int] = {}

    def call(m: re.Match) -> str:
        note = m.group(1)
        if note in numbers:
            return f'<sup class="footnote-again">{numbers[note]}</sup>'
        numbers[note] = len(numbers) + 1
        return f'<span class="footnote">{notes.get(note, "")}</span>'

    return CALL_RE.sub(call, body)


def chapter_sources(body: str, site: Site, page: Page) -> list[Source | str]:
    """The sources of every figure a chapter shows, in the order it first shows them: its facts in
    the text and tables, and its charts' sources."""
    ids = dict.fromkeys(FACT_LINK_RE.findall(body))
    for use in page.uses:
        chart = site.charts.outputs.get(use.name) if use.kind == "chart" else None
        if chart is not None:
            ids.update(dict.fromkeys(site.book.facts[f].source for f in chart.facts_read if f in site.book.facts))
            ids.update(dict.fromkeys(chart.table_sources))
    return [site.book.sources.get(s, s) for s in ids]


def cite_once(body: str) -> str:
    """Mark the last fact of each source in each run of text (a paragraph, a list item) as the one
    that carries the citation (print.css puts "[n]" after a.fact.cite only). Tables name their source
    under them, so facts in tables carry none."""
    tables = [(m.start(), m.end()) for m in TABLE_RE.finditer(body)]
    last: dict[tuple[int, str], int] = {}  # (run, source) -> where its last fact link starts
    boundaries = [m.start() for m in BLOCK_RE.finditer(body)]
    run, b = 0, 0
    for m in FACT_LINK_RE.finditer(body):
        while b < len(boundaries) and boundaries[b] < m.start():
            run, b = run + 1, b + 1
        if any(start <= m.start() < end for start, end in tables):
            continue
        last[(run, m.group(1))] = m.start()
    out, at = [], 0
    for pos in sorted(last.values()):
        out.append(body[at:pos])
        out.append('<a class="fact cite"')
        at = pos + len('<a class="fact"')
    out.append(body[at:])
    return "".join(out)


def book_body(html: str, one_source: bool) -> Markup:
    """A chapter's body for the book: footnotes at the foot, and citation marks once per source per
    run of text, or none when the chapter's source note names its one source."""
    html = footnotes_at_foot(html)
    return Markup(html if one_source else cite_once(html))
