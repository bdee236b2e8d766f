"""Render: the assembled Site into output files (path -> bytes), through Jinja2 templates; no disk writes."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from factpress import __version__
from factpress.chartsite import CHARTS_JS, bundle_name, chart_files, chart_sources, make_view, vega_bundle
from factpress.errors import Diagnostics, SourceLocation
from factpress.facts import Fact
from factpress.markdown import Page
from factpress.memo import code_fingerprint, load_pickle, store_pickle
from factpress.mdplugins import PLACEHOLDER_RE
from factpress.publish import extra_files, template_globals
from factpress.site import Site
from factpress.workers import ForkedMap, can_fork

THEME = Path(__file__).parent / "theme"


@dataclass(frozen=True)
class Rendered:
    files: dict[str, bytes]
    made: int = 0  # pages (and other templated files) rendered by this build
    reused: int = 0  # taken from the last build's, their inputs unchanged


def make_environment(project_templates: Path) -> jinja2.Environment:
    loaders = []
    if project_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(str(project_templates)))
    theme = jinja2.FileSystemLoader(str(THEME / "templates"))
    # "theme/NAME" always names the built-in template, so an override can extend the one it replaces.
    loaders += [theme, jinja2.PrefixLoader({"theme": theme})]
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["period"] = lambda fact: fact.period_text
    return env


def source_anchor(source_id: str) -> str:
    return f"source-{source_id}"


def fact_html(fact: Fact, field: str, site: Site) -> Markup:
    """One fact reference: machine-readable in a <data> element, linked to its source."""
    source = site.book.sources.get(fact.source)
    title = f"{fact.label}, {fact.period_text}. Source: {source.title if source else fact.source}"
    href = f"sources.html#{source_anchor(fact.source)}"
    if field == "value":
        inner = Markup('<data value="{}" data-fact="{}">{}</data>').format(fact.raw, fact.id, fact.value_text)
    elif field == "change" and fact.change is not None:
        inner = Markup('<data value="{}" data-fact="{}.change">{}</data>').format(
            format(fact.change.value, "f"), fact.id, fact.change.format())
    else:
        text = {"label": fact.label, "period": fact.period_text, "region": fact.subject,
                "source": source.title if source else fact.source}.get(field, "")
        return Markup('<span data-fact="{}.{}">{}</span>').format(fact.id, field, text)
    return Markup('<a class="fact" href="{}" title="{}">{}</a>').format(href, title, inner)


# Rendered pages of the last build, by a key of everything they were made from, so a rebuild
# re-renders only what an edit changed. Kept in memory between the preview's builds, and on disk
# (RENDER_CACHE) for the next `factpress build`; bytes shared with the output.
_memo: dict[str, bytes] = {}
RENDER_CACHE = Path(".factpress-cache") / "rendered.pickle"
RENDER_FORMAT = "1"
_fact_fps: dict[int, tuple[object, str]] = {}


def _fp(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _template_text(root: Path) -> list[tuple[str, str]]:
    out = []
    for base in (root / "templates", THEME / "templates"):
        if base.is_dir():
            for path in sorted(base.rglob("*")):
                if path.is_file():
                    out.append((path.as_posix(), path.read_text("utf-8", errors="replace")))
    return out


def _reads_everything(template: str) -> bool:
    """Whether a template may show any fact or page: it names the site, the fact book or fact().
    A template that does not parse counts as one that does (its error is reported when it renders)."""
    from jinja2 import meta

    try:
        names = meta.find_undeclared_variables(jinja2.Environment().parse(template))
    except jinja2.TemplateSyntaxError:
        return True
    return bool(names & {"site", "book", "fact"})


class RenderKeys:
    """What each output page depends on, as short digests. Everything that any page may show from
    elsewhere (settings, templates, assets, charts, every page's title and summary, the sources) is
    in the common part; a page adds its own parsed text, neighbours and the facts it cites. When the
    project's own templates read the site or the fact book directly, every fact joins the common part."""

    def __init__(self, site: Site, templates: list[tuple[str, str]], hrefs: dict[str, str], script,
                 extra: dict[str, bytes]):
        self._facts: dict[str, str] = {}
        self.fact_fps: dict[int, tuple[object, str]] = {}
        own = [text for path, text in templates if not path.startswith((THEME / "templates").as_posix())]
        self.book = _fp(list(site.book.facts.values()), list(site.book.sources.values()))
        self.settings = _fp(code_fingerprint(), site.settings)
        nav = [(p.slug, p.title, p.summary, p.order, p.rel) for p in ([site.home] if site.home else []) + site.pages]
        broad = any(_reads_everything(text) for text in own)
        self.common = _fp(code_fingerprint(), site.settings, templates, hrefs, script, nav,
                          sorted((k, hashlib.sha256(v).hexdigest()) for k, v in extra.items()),
                          sorted((cid, out.title, out.description, out.spec, out.svg, out.facts_read, out.table_sources)
                                 for cid, out in site.charts.outputs.items()),
                          [site.book.facts.get(fid) for fid in sorted(site.charts.facts_read)],
                          list(site.book.sources.values()), self.book if broad else "")

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
            hit = _fact_fps.get(id(fact))  # facts are kept across builds while their file is unchanged
            fp = hit[1] if hit is not None and hit[0] is fact else _fp(fact)
            self._facts[fid] = fp
            self.fact_fps[id(fact)] = (fact, fp)
        return fp

    def whole(self, name: str, *more) -> str:
        """A file that may show any fact: the index, sources, data and chart pages."""
        return _fp(self.common, name, self.book, *more)


class Renderer:
    def __init__(self, site: Site, env: jinja2.Environment, diags: Diagnostics, assets: dict[str, str]):
        self.site = site
        self.env = env
        self.diags = diags
        self.assets = assets  # logical name -> href with a content hash, for caching
        self._facts: dict[tuple[str, str], Markup] = {}

    def fact(self, fid: str, field: str = "value") -> Markup:
        key = (fid, field)
        html = self._facts.get(key)
        if html is None:
            html = self._facts[key] = fact_html(self.site.book.facts[fid], field, self.site)
        return html

    def template(self, name: str, **context) -> str:
        return self.env.get_template(name).render(
            site=self.site, settings=self.site.settings, book=self.site.book, asset=self.assets.get,
            fact=self.fact,
            chart_sources=lambda chart: chart_sources(self.site, chart),
            chart_view=lambda chart, options: make_view(self.site, chart, options),
            generator=f"factpress {__version__}", **context)

    def body(self, page: Page) -> Markup:
        def replace(m: re.Match) -> str:
            use = page.uses[int(m.group(2))]
            if use.kind == "fact":
                return self.fact(use.name, use.field)
            if use.kind == "table":
                opts = dict(use.options)
                facts = self.site.book.select(opts.get("tag", ""), opts.get("region", ""))
                return self.template("facts_table.html", facts=facts, caption=opts.get("caption", ""))
            return self.template("figure.html", chart=self.site.charts.outputs.get(use.name), use=use,
                                 options=dict(use.options), page=page)

        return Markup(PLACEHOLDER_RE.sub(replace, page.body))


def written(value) -> str:
    """A fact's value as the author wrote it: 244.16, 358000 or 1/3."""
    return str(value) if isinstance(value, Fraction) else format(value, "f")


def _num(text: str) -> str:
    """Mark exact decimal text so it lands in JSON as a bare number, digit for digit."""
    return f"\x00NUM:{text}\x00" if re.fullmatch(r"-?\d+(\.\d+)?", text) else text


def facts_json(site: Site) -> bytes:
    facts = []
    for f in site.book.facts.values():
        q, c = f.quantity, f.change
        facts.append({
            "id": f.id, "label": f.label, "value": _num(written(q.value)), "scale": q.scale, "unit": q.unit,
            "base_value": _num(f.raw), "text": f.value_text, "period": f.period, "region": f.region,
            "entity": f.entity, "approx": q.approx,
            "change": None if c is None else {"value": _num(written(c.value)), "unit": c.unit, "basis": c.basis},
            "source": f.source, "note": f.note, "tags": list(f.tags),
        })
    sources = [{"id": s.id, "title": s.title, "publisher": s.publisher, "date": s.date, "url": s.url, "note": s.note}
               for s in site.book.sources.values()]
    text = json.dumps({"facts": facts, "sources": sources}, indent=2, ensure_ascii=False)
    text = re.sub(r'"\\u0000NUM:([^"\\]+)\\u0000"', r"\1", text)
    return (text + "\n").encode()


CSV_COLUMNS = ["id", "label", "value", "scale", "unit", "base_value", "text", "period", "region", "entity",
               "change_value", "change_unit", "change_basis", "source", "source_title", "note", "tags"]


def facts_csv(site: Site) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for f in site.book.facts.values():
        c = f.change
        src = site.book.sources.get(f.source)
        w.writerow([f.id, f.label, written(f.quantity.value), f.quantity.scale, f.unit, f.raw, f.value_text,
                    f.period, f.region, f.entity, "" if c is None else written(c.value), "" if c is None else c.unit,
                    "" if c is None else c.basis, f.source, src.title if src else "", f.note, ";".join(f.tags)])
    return out.getvalue().encode()


def static_assets(root: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """Theme and project static files; each gets a content-hashed href so browsers may cache it."""
    files: dict[str, bytes] = {}
    for path in sorted((THEME / "static").iterdir()):
        files[f"assets/{path.name}"] = path.read_bytes()
    hrefs = {name: f"{name}?v={hashlib.sha256(data).hexdigest()[:10]}" for name, data in files.items()}
    return files, hrefs


_envs: dict[str, jinja2.Environment] = {}  # the last build's environment, by the templates' text


def environment(root: Path, templates: list[tuple[str, str]]) -> jinja2.Environment:
    """A Jinja2 environment for the project; reused (its compiled templates with it) while no template changes."""
    global _envs
    key = _fp(root.resolve().as_posix(), templates)
    env = _envs.get(key) or make_environment(root / "templates")
    _envs = {key: env}
    return env


PARALLEL_MIN = 64  # fewer pages to render than this are rendered in this process: a pool costs more


class _PoolTemplateError(jinja2.TemplateError):
    """A template error met in a worker, with the location it was found at there."""

    def __init__(self, loc: SourceLocation, message: str):
        super().__init__(message)
        self.loc = loc


def _render_in_pool(pages: list, render, root: Path, jobs: int):
    """(index, bytes) of each page, rendered by forked workers that inherit the assembled site."""
    def job(i: int):
        try:
            return render(pages[i]).encode(), None
        except jinja2.TemplateError as exc:
            return b"", (template_location(exc, root), exc.message or type(exc).__name__)

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


def render_site(site: Site, root: Path, diags: Diagnostics, extra_static: dict[str, bytes] | None = None,
                jobs: int = 1, early: Callable[[str, bytes], None] | None = None,
                persist: bool | None = False) -> Rendered:
    """jobs: processes that may render pages when many changed (fork only; the preview uses 1).
    early: called with each page's file name and bytes as soon as it is rendered (the output
    starts writing them while the rest renders); the returned files are still the whole site.
    persist: read and write the rendered files' cache in the project; None: the first build in
    this process reads and writes it, later ones keep it in memory only."""
    global _memo
    early = early or (lambda name, data: None)
    first = not _memo
    if persist is None:
        persist = first
    if persist and first:
        loaded = load_pickle(root / RENDER_CACHE, RENDER_FORMAT)
        if isinstance(loaded, dict):
            _memo = {k: v for k, v in loaded.items() if isinstance(k, str) and isinstance(v, bytes)}
    before = len(_memo)
    templates = _template_text(root)
    env = environment(root, templates)
    env.globals.update(template_globals(site))  # canonical URLs and schema.org data for the head
    files, hrefs = static_assets(root)
    for name, data in (extra_static or {}).items():
        files[name] = data
    script: dict[str, str] | None = None
    if site.charts.outputs:  # the site's own vega-embed, only for a report with charts
        bundle = vega_bundle(root)
        files[bundle_name(bundle)] = bundle
        # charts.js is small and loads the vega-embed bundle only when a chart turns interactive
        script = {"src": hrefs[CHARTS_JS], "vega": bundle_name(bundle)}
    else:
        files.pop(CHARTS_JS, None)

    def page_scripts(page) -> dict[str, str] | None:
        return script if page is not None and any(u.kind == "chart" for u in page.uses) else None

    r = Renderer(site, env, diags, hrefs)
    keys = RenderKeys(site, templates, hrefs, script, extra_static or {})
    memo: dict[str, bytes] = {}
    made = 0

    def once(key: str, make) -> bytes:
        nonlocal made
        data = _memo.get(key)
        if data is None:
            data = make()
            data = data.encode() if isinstance(data, str) else data
            made += 1
        memo[key] = data
        return data

    try:
        home = site.home
        files["index.html"] = once(keys.whole("index", home and (home.source_sha or home.body)), lambda: r.template(
            "index.html", page=site.home, body=r.body(site.home) if site.home else "", current="index",
            chart_script=page_scripts(site.home)))
        def render_page(page) -> str:
            prev, nxt = site.neighbours(page)
            return r.template("page.html", page=page, body=r.body(page), prev=prev, next=nxt, current=page.slug,
                              chart_script=page_scripts(page))

        page_keys = [keys.page(page, *site.neighbours(page), site.book) for page in site.pages]
        todo = [i for i, key in enumerate(page_keys) if key not in _memo]
        if jobs > 1 and len(todo) >= PARALLEL_MIN and can_fork():
            for i, data in _render_in_pool([site.pages[i] for i in todo], render_page, root, jobs):
                _memo[page_keys[todo[i]]] = data
                made += 1
                early(site.pages[todo[i]].href, data)
        for page, key in zip(site.pages, page_keys):
            fresh = key not in _memo
            files[page.href] = once(key, lambda: render_page(page))
            if fresh:
                early(page.href, files[page.href])
        for chart_id, page in site.chart_pages().items():
            chart = site.charts.outputs[chart_id]
            files.update(chart_files(site, chart))
            files[f"charts/{chart_id}.html"] = once(keys.whole(f"embed {chart_id} {page.href}"), lambda: r.template(
                "embed.html", chart=chart, use=None, options={}, prefix="../", page_href=page.href,
                chart_script=script))
        files["sources.html"] = once(keys.whole("sources"), lambda: r.template("sources.html", current="sources"))
        files["data.html"] = once(keys.whole("data"), lambda: r.template("data.html", current="data"))
    except _PoolTemplateError as exc:
        diags.error(exc.loc, f"template error: {exc.message}")
        return Rendered({})
    except jinja2.TemplateError as exc:
        diags.error(template_location(exc, root), f"template error: {exc.message or type(exc).__name__}")
        return Rendered({})
    files["facts.json"] = once(_fp(keys.book, "facts.json"), lambda: facts_json(site).decode())
    files["facts.csv"] = once(_fp(keys.book, "facts.csv"), lambda: facts_csv(site).decode())
    files.update(extra_files(site, lambda name, make: once(_fp(keys.settings, name), make)))
    if persist and (made or len(memo) != before):
        store_pickle(root / RENDER_CACHE, RENDER_FORMAT, memo)
    _memo = memo
    global _fact_fps
    _fact_fps = keys.fact_fps
    return Rendered(files, made, len(memo) - made)


def template_location(exc: Exception, root: Path) -> SourceLocation:
    """file:line of a template error, from the exception or the innermost template frame."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    line = getattr(exc, "lineno", 0) or 0
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".html") or filename.endswith(".xml"):
            name, line = filename, tb.tb_lineno
        tb = tb.tb_next
    if not name:
        return SourceLocation("templates")
    path = Path(name)
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        rel = f"(built-in theme) {path.name}"
    return SourceLocation(rel, line)
