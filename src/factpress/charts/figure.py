"""A chart's place in the site: the figure's parts, the per-chart downloads and embed page,
and the site's own copy of vega-embed (written only when the report has charts)."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from markupsafe import Markup

from factpress.charts.model import ChartOutput
from factpress.charts.describe import accessible_svg, cell, columns, describe, plotted_rows, rows_csv

CHARTS_JS = "assets/charts.js"


@dataclass
class ChartView:
    svg: Markup
    spec_json: Markup
    sources: list
    rows: list[dict]
    columns: list[str]
    description: str
    style: str
    caption_id: str
    label_id: str
    desc_id: str
    iframe: str
    citation: str
    cell = staticmethod(cell)


def chart_sources(site, chart: ChartOutput) -> list:
    """The sources of the facts and table rows a chart read, in the order it read them."""
    book = site.book
    ids = dict.fromkeys([book.facts[f].source for f in chart.facts_read if f in book.facts] + list(chart.table_sources))
    return [book.sources[s] for s in ids if s in book.sources]


def page_spec(chart: ChartOutput) -> Markup:
    """The spec for the page's script element: no schema URL (the mode is given), markup characters escaped so nothing in it can end the script or read as markup."""
    spec = {k: v for k, v in chart.spec_dict.items() if k != "$schema"}
    text = json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _svg_height(svg: str) -> int:
    m = re.search(r'height="(\d+(?:\.\d+)?)"', svg)
    return int(float(m.group(1))) if m else 400


def make_view(site, chart: ChartOutput, options: dict) -> ChartView:
    spec = chart.spec_dict
    rows = plotted_rows(spec)
    description = options.get("description") or chart.description or describe(chart, site.book)
    label_id, desc_id = f"chart-{chart.id}-name", f"chart-{chart.id}-desc"
    svg = accessible_svg(chart.svg, chart.id, label_id, desc_id, options.get("alt") or chart.title, description)
    style = ";".join(f"max-{k}:{options[k]}px" for k in ("width", "height") if options.get(k))
    sources = chart_sources(site, chart)
    base = site.settings.base_url
    url = f"{base}charts/{chart.id}.html"
    iframe = (f'<iframe src="{url}" title="{chart.title}" width="100%" height="{_svg_height(chart.svg) + 160}" '
              f'style="border:0" loading="lazy"></iframe>')
    source_text = "; ".join(f"{s.publisher + ', ' if s.publisher else ''}{s.title}" for s in sources)
    citation = f"{site.settings.title}, “{chart.title}”. Source: {source_text or 'see the report'}. {url}"
    return ChartView(svg, page_spec(chart), sources, rows, columns(rows), description, style,
                     f"chart-{chart.id}-caption", label_id, desc_id, iframe, citation)


def bundle_name(data: bytes) -> str:
    return f"assets/vega-{hashlib.sha256(data).hexdigest()[:12]}.js"


def chart_files(site, chart: ChartOutput) -> dict[str, bytes]:
    """The reuse downloads of one chart: exactly the plotted data, the images and the spec."""
    return {
        f"charts/{chart.id}.csv": rows_csv(plotted_rows(chart.spec_dict)),
        f"charts/{chart.id}.svg": chart.svg.encode(),
        f"charts/{chart.id}.png": chart.png,
        f"charts/{chart.id}.vl.json": (json.dumps(chart.spec_dict, indent=2, ensure_ascii=False) + "\n").encode(),
    }
