"""Render: the assembled Site into output files (path -> bytes), through Jinja2 templates; no disk writes.

Rendered files are kept by a key of everything they were made from (site/render_keys.py): in the
BuildCache between the preview's builds, and on disk (RENDER_CACHE) for the next `factpress
build`; a rebuild renders only what an edit changed.
"""
from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from factpress import __version__
from factpress.charts.figure import CHARTS_JS, bundle_name, chart_files, chart_sources, locale_script, make_view
from factpress.facts.model import Fact
from factpress.pages.parse import Page
from factpress.pages.plugins import PLACEHOLDER_RE, TEXT_RE
from factpress.shared.cache import (BuildCache, cache_warning, code_fingerprint, load_pickle, store_pickle, user_cache,
                                    write_quietly)
from factpress.shared.deadline import Deadline
from factpress.shared.fonts import web_fonts
from factpress.shared.locale import long_date
from factpress.shared.diagnostics import Diagnostics, SourceLocation
from factpress.shared.workers import ForkedMap, can_fork
from factpress.site.assemble import Site
from factpress.site.downloads import facts_csv, facts_json, table_files
from factpress.site.publish import extra_files, template_globals
from factpress.site.render_keys import RenderKeys, _fp
from factpress.site.search import FALLBACK, INDEX
from factpress.site.tables import card_fit, fact_table, names_subject
from factpress.site.templates import THEME, environment, template_failure, template_texts

RENDER_CACHE = Path(".factpress-cache") / "rendered.pickle"
SEARCH_PAGE = "search.html"
SEARCH_JS = "assets/search.js"
RENDER_FORMAT = "1"
PARALLEL_MIN = 64  # fewer pages to render than this are rendered in this process: a pool costs more


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]
    made: int = 0  # pages (and other templated files) rendered by this build
    reused: int = 0  # taken from the last build's, their inputs unchanged


def source_anchor(source_id: str) -> str:
    return f"source-{source_id}"


def source_titles(fact: Fact, site: Site) -> str:
    found = [site.book.sources[s].title if s in site.book.sources else s for s in fact.sources]
    return "; ".join(found)


def fact_tooltip(fact: Fact, site: Site) -> str:
    """What a reader learns by pointing at a number: what it is, when, and where it comes from; for
    a derived fact its formula and inputs, for one drawn from a table the table and rows."""
    text = f"{fact.label}, {fact.period_text}."
    if fact.derivation is not None:
        d = fact.derivation
        inputs = "; ".join(f"{fid} is {shown}" for fid, shown in zip(d.inputs, d.shown))
        text += f" Derived: {d.formula}, where {inputs}."
    elif fact.drawn is not None:
        table = site.book.tables.get(fact.drawn.table)
        text += f" From the table {table.title if table and table.title else fact.drawn.table} ({fact.drawn.place})."
    plural = "Sources" if len(fact.sources) > 1 else "Source"
    return f"{text} {plural}: {source_titles(fact, site)}"


def fact_href(fact: Fact) -> str:
    """A derived fact links to its row on the Data page, which shows its inputs; others to their source."""
    if fact.derivation is not None or len(fact.sources) > 1:
        return f"data.html#fact-{fact.id}"
    return f"sources.html#{source_anchor(fact.source)}"


def fact_text(fact: Fact, field: str, site: Site) -> str:
    """A fact's field as plain words, for an alt text or the contents list."""
    if field == "value":
        return fact.value_text
    if field == "change":
        return fact.change.format() if fact.change is not None else ""
    return {"label": fact.label, "period": fact.period_text, "region": fact.subject,
            "source": source_titles(fact, site)}.get(field, "")


def fact_html(fact: Fact, field: str, site: Site, linked: bool = True) -> Markup:
    """One fact reference: machine-readable in a <data> element, linked to its source (not when
    it is part of a link's text already: a link cannot hold another)."""
    title, href = fact_tooltip(fact, site), fact_href(fact)
    if field == "value":
        inner = Markup('<data value="{}" data-fact="{}">{}</data>').format(fact.raw, fact.id, fact.value_text)
    elif field == "change" and fact.change is not None:
        inner = Markup('<data value="{}" data-fact="{}.change">{}</data>').format(
            format(fact.change.value, "f"), fact.id, fact.change_text)
    else:
        text = {"label": fact.label, "period": fact.period_text, "region": fact.subject,
                "source": source_titles(fact, site)}.get(field, "")
        return Markup('<span data-fact="{}.{}">{}</span>').format(fact.id, field, text)
    if not linked:
        return inner
    return Markup('<a class="fact" href="{}" title="{}">{}</a>').format(href, title, inner)


class Renderer:
    """Renders the site's templates. deadline: the time limit each template call renders under."""

    def __init__(self, site: Site, env: jinja2.Environment, diags: Diagnostics, assets: dict[str, str],
                 deadline: Deadline | None = None):
        self.site = site
        self.env = env
        self.diags = diags
        self.assets = assets  # logical name -> href with a content hash, for caching
        self.deadline = deadline
        self._facts: dict[tuple[str, str], Markup] = {}
        self._templates: dict[str, jinja2.Template] = {}  # by name: get_template would look at each file's time again

    def fact(self, fid: str, field: str = "value", inside: str = "") -> Markup:
        """A fact in a page; inside "link": without its own link, "text": as plain (escaped) words."""
        key = (fid, field, inside)
        html = self._facts.get(key)
        if html is None:
            fact = self.site.book.facts[fid]
            html = (escape(fact_text(fact, field, self.site)) if inside == "text"
                    else fact_html(fact, field, self.site, linked=inside != "link"))
            self._facts[key] = html
        return html

    def plain_facts(self, text: str) -> str:
        """Facts left as plain-text placeholders (a heading's entry in the contents) shown as words."""
        if "\x00" not in text:
            return text
        facts = self.site.book.facts
        return TEXT_RE.sub(lambda m: self.fact(m.group(1), m.group(2), "text") if m.group(1) in facts else "", text)

    def template(self, name: str, **context) -> str:
        with self.deadline.limit() if self.deadline is not None else contextlib.nullcontext():
            return self.plain_facts(self._render(name, context))

    def _render(self, name: str, context: dict) -> str:
        found = self._templates.get(name)
        if found is None:
            found = self._templates[name] = self.env.get_template(name)
        return found.render(
            site=self.site, settings=self.site.settings, book=self.site.book, asset=self.assets.get,
            fact=self.fact,
            chart_sources=lambda chart: chart_sources(self.site, chart),
            chart_view=lambda chart, options: make_view(self.site, chart, options),
            long_date=lambda iso: long_date(iso, self.site.settings.language),
            column_summary=lambda table, column: table.summary(column.name, self.site.settings.language), level=2, downloads=False,
            fact_table=lambda facts, key, caption="", cited=False: fact_table(self.site, facts, key, caption, cited),
            names_subject=names_subject, card_fit=card_fit,
            generator=f"factpress {__version__}", **context)

    def body(self, page: Page) -> Markup:
        def replace(m: re.Match) -> str:
            use = page.uses[int(m.group(2))]
            if use.kind == "fact":
                return self.fact(use.name, use.field, dict(use.options).get("in", ""))
            if use.kind == "table":
                opts = dict(use.options)
                facts = self.site.book.select(opts.get("tag", ""), opts.get("region", ""))
                return self.template("facts_table.html", facts=facts, caption=opts.get("caption", ""),
                                     table_key=f"facts-{m.group(2)}")
            return self.figure(use, page)

        return Markup(self.plain_facts(PLACEHOLDER_RE.sub(replace, page.body)))

    def figure(self, use, page: Page) -> str:
        """A {chart} in a page (the print document numbers them: print/book.py)."""
        return self.template("figure.html", chart=self.site.charts.outputs.get(use.name), use=use,
                             options=dict(use.options), page=page)


def static_assets(root: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """Theme and project static files; each gets a content-hashed href so browsers may cache it."""
    files: dict[str, bytes] = {}
    for path in sorted((THEME / "static").iterdir()):
        files[f"assets/{path.name}"] = path.read_bytes()
    files.update(web_fonts())  # the bundled typeface, which style.css names
    hrefs = {name: f"{name}?v={hashlib.sha256(data).hexdigest()[:10]}" for name, data in files.items()}
    return files, hrefs


class _PoolTemplateError(jinja2.TemplateError):
    """A template error met in a worker, with the location it was found at there."""

    def __init__(self, loc: SourceLocation, message: str):
        super().__init__(message)
        self.loc = loc


def _render_in_pool(pages: list, render, root: Path, jobs: int, seconds: float):
    """(index, bytes) of each page, rendered by forked workers that inherit the assembled site."""
    def job(i: int):
        try:
            return render(pages[i]).encode(), None
        except Exception as exc:
            failure = template_failure(exc, root, seconds)
            if failure is None:
                raise
            return b"", failure

    workers = ForkedMap(job, len(pages), jobs)
    try:
        errors = {}
        for i, (data, error) in workers:
            if error is not None:
                errors[i] = error
            elif not errors:
                yield i, data
        if errors:  # the first page in order, as one process rendering them in turn would report
            raise _PoolTemplateError(*errors[min(errors)])
    finally:
        workers.close()


class _Memo:
    """This build's rendered files by key, each taken from the last build's when its key is there."""

    def __init__(self, last: dict[str, bytes]):
        self.last = last
        self.now: dict[str, bytes] = {}
        self.made = 0

    def once(self, key: str, make) -> bytes:
        data = self.last.get(key)
        if data is None:
            data = make()
            data = data.encode() if isinstance(data, str) else data
            self.made += 1
        self.now[key] = data
        return data


def _load_rendered(root: Path) -> dict[str, bytes]:
    loaded = load_pickle(root / RENDER_CACHE, RENDER_FORMAT)
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, bytes)}


def _chart_script(site: Site, root: Path, files: dict[str, bytes], hrefs: dict[str, str]) -> dict[str, str] | None:
    """The site's own vega-embed, only for a report with charts: charts.js is small and loads the
    bundle only when a chart turns interactive."""
    bundle = site.charts.bundle
    if not site.charts.outputs or bundle is None:
        files.pop(CHARTS_JS, None)
        return None
    files[bundle_name(bundle)] = bundle
    script = {"src": hrefs[CHARTS_JS], "vega": bundle_name(bundle)}
    locale = locale_script(site.charts.outputs.values())
    if locale is not None:
        files[locale[0]] = locale[1]
        script["locale"] = locale[0]
    return script


class _SiteRender:
    """One build's rendering: every templated file into files, through the memo."""

    def __init__(self, site: Site, r: Renderer, keys: RenderKeys, memo: _Memo, files: dict[str, bytes], script,
                 root: Path, early: Callable[[str, bytes], None]):
        self.site, self.r, self.keys, self.memo, self.files = site, r, keys, memo, files
        self.script, self.root, self.early = script, root, early

    def put(self, name: str, key: str, make) -> None:
        """One templated file, handed to the output at once when it was made anew."""
        made = self.memo.made
        self.files[name] = self.memo.once(key, make)
        if self.memo.made > made:
            self.early(name, self.files[name])

    def scripts(self, page: Page | None) -> dict[str, str] | None:
        return self.script if page is not None and any(u.kind == "chart" for u in page.uses) else None

    def page(self, page: Page) -> str:
        prev, nxt = self.site.neighbours(page)
        return self.r.template("page.html", page=page, body=self.r.body(page), prev=prev, next=nxt, current=page.slug,
                               chart_script=self.scripts(page))

    def index(self) -> None:
        home, r = self.site.home, self.r
        key = self.keys.whole("index", home and (home.source_sha or home.body))
        self.put("index.html", key, lambda: r.template(
            "index.html", page=home, body=r.body(home) if home else "", current="index", chart_script=self.scripts(home)))

    def pages(self, jobs: int) -> None:
        site, memo = self.site, self.memo
        page_keys = [self.keys.page(page, *site.neighbours(page), site.book) for page in site.pages]
        todo = [i for i, key in enumerate(page_keys) if key not in memo.last]
        if jobs > 1 and len(todo) >= PARALLEL_MIN and can_fork():
            for i, data in _render_in_pool([site.pages[i] for i in todo], self.page, self.root, jobs,
                                           site.settings.template_timeout):
                memo.last[page_keys[todo[i]]] = data
                memo.made += 1
                self.early(site.pages[todo[i]].href, data)
        for page, key in zip(site.pages, page_keys):
            fresh = key not in memo.last
            self.files[page.href] = memo.once(key, lambda: self.page(page))
            if fresh:
                self.early(page.href, self.files[page.href])

    def chart_pages(self) -> None:
        for chart_id, page in self.site.chart_pages().items():
            chart = self.site.charts.outputs[chart_id]
            self.files.update(chart_files(self.site, chart))
            self.files[f"charts/{chart_id}.html"] = self.memo.once(self.keys.whole(f"embed {chart_id} {page.href}"),
                                                                   lambda: self.r.template(
                "embed.html", chart=chart, use=None, options={}, prefix="../", page_href=page.href,
                chart_script=self.script))

    def lists(self) -> None:
        r, keys = self.r, self.keys
        self.put("sources.html", keys.whole("sources"), lambda: r.template("sources.html", current="sources"))
        self.put("data.html", keys.whole("data"), lambda: r.template("data.html", current="data"))
        if self.site.settings.search:
            self.files[SEARCH_PAGE] = self.memo.once(keys.whole("search"), lambda: r.template(
                "search.html", current="search", search_script={"src": r.assets[SEARCH_JS], "index": f"{INDEX}/pagefind.js",
                                                                 "fallback": FALLBACK}))
        else:
            self.files.pop(SEARCH_JS, None)

    def downloads(self) -> None:
        site, keys, once = self.site, self.keys, self.memo.once
        self.files["facts.json"] = once(_fp(keys.book, "facts.json"), lambda: facts_json(site).decode())
        self.files["facts.csv"] = once(_fp(keys.book, "facts.csv"), lambda: facts_csv(site).decode())
        self.files.update(table_files(site))
        self.files.update(extra_files(site, lambda name, make: once(_fp(keys.settings, name),
                                                                    lambda: _user_cached(_fp(keys.settings, name), make))))


def _user_cached(key: str, make) -> bytes:
    """An image drawn with Pillow, kept in the user's cache under its key and the libraries'
    versions, so a build that draws the same image (a new checkout, a cold build) need not
    import Pillow; a cache that cannot be read or written only costs the drawing."""
    folder = user_cache("images")
    path = folder / f"{hashlib.sha256(f'{code_fingerprint()} {key}'.encode()).hexdigest()}.bin" if folder else None
    try:
        if path is not None:
            return path.read_bytes()
    except OSError:
        pass
    data = make()
    if path is not None:
        write_quietly(path, data)
    return data


def _template_bytecode(env: jinja2.Environment) -> None:
    """Compiled templates kept in the user's cache (by Jinja2's version, the environment's kind and
    each template's text), as Python keeps compiled modules: compiling the theme's templates is
    most of rendering a small site. And no look at a template file's time each time a page
    includes or extends it: an environment is made for the templates' texts (site/templates.py),
    so a changed template gets a new one."""
    env.auto_reload = False
    if env.bytecode_cache is not None:
        return
    folder = user_cache(f"jinja2-{jinja2.__version__}-{type(env).__name__}")
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def render_site(site: Site, root: Path, diags: Diagnostics, extra_static: dict[str, bytes] | None = None,
                jobs: int = 1, early: Callable[[str, bytes], None] | None = None,
                cache: BuildCache | None = None) -> Rendered:
    """jobs: processes that may render pages when many changed (fork only; the preview uses 1).
    early: called with each page's file name and bytes as soon as it is rendered (the output
    starts writing them while the rest renders); the returned files are still the whole site.
    cache: the last build's rendered files; a first build reads the disk cache when it persists."""
    cache = cache or BuildCache(persist=False)
    first = not cache.rendered
    persist = cache.persisting(first)
    memo = _Memo(_load_rendered(root) if persist and first else cache.rendered)
    before = len(memo.last)
    templates = template_texts(root)
    env = environment(root, templates, cache)
    _template_bytecode(env)
    env.globals.update(template_globals(site))  # canonical URLs and schema.org data for the head
    files, hrefs = static_assets(root)
    files.update(extra_static or {})
    script = _chart_script(site, root, files, hrefs)
    keys = RenderKeys(site, templates, hrefs, script, extra_static or {}, cache.fact_fps)
    deadline = Deadline(site.settings.template_timeout)
    run = _SiteRender(site, Renderer(site, env, diags, hrefs, deadline), keys, memo, files, script, root,
                      early or (lambda name, data: None))
    try:
        run.index()
        run.pages(jobs)
        run.chart_pages()
        run.lists()
    except _PoolTemplateError as exc:
        diags.error(exc.loc, exc.message, code="template")
        return Rendered({})
    except Exception as exc:
        failure = template_failure(exc, root, site.settings.template_timeout)
        if failure is None:
            raise
        diags.error(*failure, code="template")
        return Rendered({})
    finally:
        deadline.close()
    run.downloads()
    if persist and (memo.made or len(memo.now) != before):
        cache_warning(diags, store_pickle(root / RENDER_CACHE, RENDER_FORMAT, memo.now))
    cache.rendered = memo.now
    cache.fact_fps = keys.fact_fps
    return Rendered(files, memo.made, len(memo.now) - memo.made)
