"""A chart's place in the site: the figure's parts (both layouts, the table, the description, the
embed code and the citation), the per-chart downloads, and the site's own copy of vega-embed
(written only when the report has charts)."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from markupsafe import Markup

from factpress.charts.model import WIDE_WIDTH, ChartOutput

# What describes and lays out charts (the font's metrics, an XML parser) is imported by the
# functions that use it: a report without charts renders without it.

CHARTS_JS = "assets/charts.js"


@dataclass
class ChartView:
    id: str
    title: str
    subtitle: str
    note: str
    source_line: str
    sources: list
    wide: Markup
    narrow: Markup
    spec_wide: Markup
    spec_narrow: Markup
    columns: list[str]
    numeric: list[bool]
    rows: list[list[str]]
    description: str
    title_id: str
    desc_id: str
    style: str
    iframe: str
    citation: str
    accessed: str
    url: str


def chart_sources(site, chart: ChartOutput) -> list:
    """The sources of the facts and table rows a chart read, in the order it read them."""
    book = site.book
    ids = dict.fromkeys([s for f in chart.facts_read if f in book.facts for s in book.facts[f].sources]
                        + list(chart.table_sources))
    return [book.sources[s] for s in ids if s in book.sources]


def script_json(spec: str) -> Markup:
    """A spec for a page's script element: no schema URL (the mode is given), markup characters
    escaped so nothing in it can end the script or read as markup."""
    data = {k: v for k, v in json.loads(spec).items() if k != "$schema"}
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _svg_height(svg: str) -> int:
    m = re.search(r'height="(\d+(?:\.\d+)?)"', svg)
    return int(float(m.group(1))) if m else 400


def citation(site, chart: ChartOutput, url: str, accessed: str) -> str:
    """The chart cited as APA does a figure in a report: authors (year). Title [Chart]. In report. Publisher. URL."""
    s = site.settings
    authors = ", ".join(s.authors) or s.title
    year = s.date[:4] if s.date else "n.d."
    parts = [f"{authors} ({year}). {chart.title} [Chart]. In {s.title}."]
    publisher = getattr(s, "publisher", "")
    if publisher and publisher != authors:
        parts.append(f"{publisher}.")
    if url:
        parts.append(f"Retrieved {accessed}, from {url}")
    return " ".join(parts)


def make_view(site, chart: ChartOutput, options: dict, accessed: str = "") -> ChartView:
    from factpress.charts.describe import accessible_svg, cell_text, date_style, describe
    from factpress.shared.locale import long_date

    language = site.settings.language
    table = chart.plotted
    description = options.get("description") or chart.description or describe(chart, site.book, language)
    cid = chart.id
    name = options.get("alt") or chart.title
    wide = accessible_svg(chart.svg, f"chart-{cid}-w-", f"chart-{cid}-w-name", f"chart-{cid}-w-desc", name, description)
    narrow = accessible_svg(chart.svg_narrow, f"chart-{cid}-n-", f"chart-{cid}-n-name", f"chart-{cid}-n-desc", name,
                            description)
    style = ";".join(f"max-{k}:{options[k]}px" for k in ("width", "height") if options.get(k))
    # The full address comes from base_url; without one the embed code holds the chart page's path
    # from the site's top and the citation none, and charts.js fills in the address the page was read at.
    base = site.settings.base_url
    url = f"{base}charts/{cid}.html" if base else ""
    iframe = (f'<iframe src="{url or f"charts/{cid}.html"}" title="{chart.title}" width="100%" '
              f'height="{_svg_height(chart.svg) + 200}" style="border:0" loading="lazy"></iframe>')
    accessed = accessed or long_date(site.settings.date, language)
    styles = [date_style([r[i] for r in table.rows]) for i in range(len(table.columns))]
    rows = [[cell_text(v, c, language, s) for v, c, s in zip(row, table.columns, styles)] for row in table.rows]
    numeric = [c.kind == "number" for c in table.columns]
    return ChartView(cid, chart.title, chart.subtitle, chart.note, chart.source_line, chart_sources(site, chart),
                     wide, narrow, script_json(chart.spec), script_json(chart.spec_narrow or chart.spec),
                     [c.title for c in table.columns], numeric, rows, description, f"chart-{cid}-title",
                     f"chart-{cid}-w-desc", style, iframe, citation(site, chart, url, accessed), accessed, url)


def bundle_name(data: bytes) -> str:
    return f"assets/vega-{hashlib.sha256(data).hexdigest()[:12]}.js"


def locale_script(outputs) -> tuple[str, bytes] | None:
    """The number and time locales the charts were drawn with, as a script charts.js loads with
    vega-embed so the interactive chart writes "1.000" and "Mär" as the static one does (a file of
    the site's own: the pages' Content-Security-Policy runs no inline script). None when they are
    en-US, Vega's own default."""
    from factpress.charts.locale import DEFAULT

    found = [json.loads(out.locale) for out in outputs if out.locale]
    if not found or found[0].get("names") == [DEFAULT, DEFAULT]:
        return None
    data = json.dumps({"number": found[0]["number"], "time": found[0]["time"]}, ensure_ascii=False, sort_keys=True)
    text = f"window.factpressChartLocale = {data};\n".encode()
    return f"assets/chart-locale-{hashlib.sha256(text).hexdigest()[:12]}.js", text


def chart_files(site, chart: ChartOutput) -> dict[str, bytes]:
    """The reuse downloads of one chart: exactly the plotted data, the images that stand alone, the spec."""
    from factpress.charts.describe import table_csv

    return {
        f"charts/{chart.id}.csv": table_csv(chart.plotted),
        f"charts/{chart.id}.svg": chart.export_svg.encode(),
        f"charts/{chart.id}.png": chart.png,
        f"charts/{chart.id}.vl.json": (json.dumps(chart.spec_dict, indent=2, ensure_ascii=False) + "\n").encode(),
    }


WIDE_MIN = WIDE_WIDTH + 16  # the figure's width from which the wide layout shows (the chart plus its card's padding)
