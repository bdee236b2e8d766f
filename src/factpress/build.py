"""Orchestrate: one call per stage, from the author's files to a written site."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from factpress.charts import build_charts, load_chart_defs
from factpress.config import load_settings
from factpress.errors import BuildFailed, Diagnostics
from factpress.facts import load_facts
from factpress.markdown import parse_page
from factpress.output import FolderOutput, MemoryOutput, WriteReport
from factpress.render import Rendered, render_site
from factpress.site import Site, assemble
from factpress.sources import discover


@dataclass
class BuildResult:
    site: Site | None
    rendered: Rendered | None
    diagnostics: Diagnostics
    report: WriteReport | None = None


def load_site(root: Path, diags: Diagnostics) -> Site:
    """Read everything and assemble the report in memory; problems go to diags."""
    sources = discover(root, diags)
    settings = load_settings(sources, diags)
    book = load_facts(sources, diags)
    charts = build_charts(load_chart_defs(sources, diags), book, diags)
    pages = [p for p in (parse_page(f, settings.raw_html, diags) for f in sources.of_kind("page")) if p]
    return assemble(settings, book, pages, charts, diags)


def run_build(root: Path, output: FolderOutput | MemoryOutput | None, strict: bool = False) -> BuildResult:
    """The whole pipeline. With output None nothing is written (check)."""
    diags = Diagnostics()
    site = load_site(root, diags)
    failed = bool(diags.errors) or (strict and diags.warnings)
    rendered = None if failed else render_site(site, root, diags)
    if diags.errors or (strict and diags.warnings):
        count = len(diags.errors) + (len(diags.warnings) if strict else 0)
        raise BuildFailed(f"build failed: {count} problem{'s' if count != 1 else ''}; nothing was written",
                          diags.sorted() if strict else diags.sorted())
    report = output.commit(rendered.files) if output is not None else None
    return BuildResult(site, rendered, diags, report)
