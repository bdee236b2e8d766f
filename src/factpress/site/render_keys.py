"""Render keys: what each output file depends on, as short digests, so a rebuild renders only
what an edit changed and a cache may save work but never change a byte."""
from __future__ import annotations

import hashlib

import jinja2

from factpress.pages.parse import Page
from factpress.shared.cache import code_fingerprint
from factpress.site.assemble import Site
from factpress.site.templates import THEME, ReportEnvironment


def _fp(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _reads_everything(template: str) -> bool:
    """Whether a template may show any fact or page: it names the site, the fact book or fact().
    A template that does not parse counts as one that does (its error is reported when it renders)."""
    from jinja2 import meta

    try:
        names = meta.find_undeclared_variables(ReportEnvironment().parse(template))  # sandboxed: folds no huge constant
    except jinja2.TemplateSyntaxError:
        return True
    return bool(names & {"site", "book", "fact"})


class RenderKeys:
    """What each output page depends on, as short digests. Everything that any page may show from
    elsewhere (settings, templates, assets, charts, every page's title and summary, the sources) is
    in the common part; a page adds its own parsed text, neighbours and the facts it cites. When the
    project's own templates read the site or the fact book directly, every fact joins the common part."""

    def __init__(self, site: Site, templates: list[tuple[str, str]], hrefs: dict[str, str], script,
                 extra: dict[str, bytes], known_facts: dict | None = None):
        self._facts: dict[str, str] = {}
        self.known = known_facts or {}  # the last build's fact fingerprints, by id(Fact)
        self.fact_fps: dict[int, tuple[object, str]] = {}
        own = [text for path, text in templates if not path.startswith((THEME / "templates").as_posix())]
        self.book = _fp(list(site.book.facts.values()), list(site.book.sources.values()),
                        [(t.name, t.digest, t.sources) for t in site.book.tables.values()])
        self.settings = _fp(code_fingerprint(), site.settings)
        nav = [(p.slug, p.title, p.summary, p.order, p.rel) for p in ([site.home] if site.home else []) + site.pages]
        broad = any(_reads_everything(text) for text in own)
        self.common = _fp(code_fingerprint(), site.settings, templates, hrefs, script, nav,
                          sorted((k, hashlib.sha256(v).hexdigest()) for k, v in extra.items()),
                          sorted((cid, out.title, out.description, out.spec, out.svg, out.facts_read, out.table_sources)
                                 for cid, out in site.charts.outputs.items()),
                          [site.book.facts.get(fid) for fid in sorted(site.charts.facts_read)],
                          list(site.book.sources.values()), [(t.name, t.title) for t in site.book.tables.values()],
                          self.book if broad else "")

    def page(self, page: Page, prev: Page | None, nxt: Page | None, book) -> str:
        cited = []
        for use in page.uses:
            if use.kind == "fact":
                cited.append(self._fact(book, use.name))
            elif use.kind == "table":
                cited.append(self.book)
        own = page.source_sha or _fp(page.body, page.title, page.summary, page.headings, page.uses)
        parts = [self.common, "page", page.rel, own, prev.href if prev else "", nxt.href if nxt else "", *cited]
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def _fact(self, book, fid: str) -> str:
        fp = self._facts.get(fid)
        if fp is None:
            fact = book.facts.get(fid)
            hit = self.known.get(id(fact))  # facts are kept across builds while their file is unchanged
            fp = hit[1] if hit is not None and hit[0] is fact else _fp(fact)
            self._facts[fid] = fp
            self.fact_fps[id(fact)] = (fact, fp)
        return fp

    def whole(self, name: str, *more) -> str:
        """A file that may show any fact: the index, sources, data and chart pages."""
        return _fp(self.common, name, self.book, *more)
