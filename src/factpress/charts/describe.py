"""What a reader gets from a chart besides the picture: its plotted rows as a table and a CSV
(headed by the titles the chart gives its fields, numbers written as the site writes them), a
description in words made from the encodings and the data, and the SVG made accessible."""
from __future__ import annotations

import csv
import io
import math
import re
from decimal import Decimal, InvalidOperation

from markupsafe import Markup, escape

from factpress.charts.plotted import Column, Plotted

MARK_NAMES = {"bar": "Bar chart", "line": "Line chart", "area": "Area chart", "point": "Dot chart",
              "circle": "Dot chart", "square": "Dot chart", "tick": "Strip chart", "rect": "Tile chart",
              "arc": "Pie chart", "rule": "Chart", "trail": "Line chart"}
POSITION = ("x", "y", "theta")


def number_text(value, language: str = "en") -> str:
    """A number as the site writes it: digits grouped, every decimal the data has, never in exponent form."""
    from babel.numbers import format_decimal

    from factpress.shared.locale import babel_locale

    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    return format_decimal(exact, locale=babel_locale(language), decimal_quantization=False)


def date_style(values) -> str:
    """How precisely a column's dates are worth writing: 'year' when all fall on 1 January,
    'month' when all on a first of the month, else 'day'."""
    days = [v for v in values if isinstance(v, str) and len(v) == 10]
    if days and all(v.endswith("-01-01") for v in days):
        return "year"
    if days and all(v.endswith("-01") for v in days):
        return "month"
    return "day"


def cell_text(value, column: Column, language: str = "en", style: str = "day") -> str:
    from factpress.shared.locale import long_date, month_year

    if value is None:
        return ""
    if column.kind == "date" and isinstance(value, str) and len(value) == 10:
        if style == "year":
            return value[:4]
        return month_year(value, language) if style == "month" else long_date(value, language)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and column.kind == "number":
        return number_text(value, language)
    return raw_text(value)


def raw_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def table_csv(table: Plotted) -> bytes:
    """The plotted rows with raw values, headed by the fields' titles (which carry their units)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow([c.title for c in table.columns])
    for row in table.rows:
        w.writerow([raw_text(v) for v in row])
    return out.getvalue().encode()


def _views(spec: dict):
    """(mark type, encoding) of every unit view in the spec, layers' shared encodings included."""
    shared = spec.get("encoding") or {}
    if "mark" in spec:
        mark = spec["mark"]
        yield (mark.get("type") if isinstance(mark, dict) else mark), {**shared, **(spec.get("encoding") or {})}
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key) or []:
            yield from _views({**sub, "encoding": {**shared, **(sub.get("encoding") or {})}} if key == "layer" else sub)
    if isinstance(spec.get("spec"), dict):
        yield from _views(spec["spec"])


def _field(enc) -> str:
    return enc.get("field", "") if isinstance(enc, dict) else ""


def _value_text(value: float, column: Column, facts_read, book, language: str) -> str:
    """A value as the site shows it: the fact's own text when a fact read by the chart carries it."""
    from factpress.charts.summary import unit_of

    for fid in facts_read:
        fact = book.facts.get(fid)
        if fact is None:
            continue
        if fact.change is not None and float(fact.change.value) == value:
            return fact.change_text
        base = float(fact.quantity.base)
        if float(fact.quantity.value) == value or any(math.isclose(value * 10 ** k, base) for k in (0, 2, 3, 6, 9, 12)):
            return fact.value_text
    unit = unit_of(column)
    return number_text(value, language) + ("%" if unit == "%" else f" {unit}" if unit else "")


SERIES_CHANNELS = ("color", "detail", "strokeDash", "shape")


def _facet_fields(spec) -> list[str]:
    """The fields a spec facets by (row, column, facet: of a facet operator or an encoding)."""
    from factpress.charts.plotted import FACET_CHANNELS

    out: list[str] = []
    if isinstance(spec, list):
        return [f for item in spec for f in _facet_fields(item)]
    if not isinstance(spec, dict):
        return out
    facet = spec.get("facet")
    blocks = [{"facet": facet}] if isinstance(facet, dict) and "field" in facet else [facet]
    for block in blocks + [spec.get("encoding")]:
        if isinstance(block, dict):
            out.extend(_field(block.get(c)) for c in FACET_CHANNELS if _field(block.get(c)))
    for key in ("spec", "layer", "hconcat", "vconcat", "concat"):
        out.extend(_facet_fields(spec.get(key)))
    return out


def _plots(spec: dict, index: dict[str, int]):
    """The Plot of each view that plots a number against a category or a time: the series it
    draws are its colour, detail, dash and shape fields and the fields the chart facets by."""
    from factpress.charts.summary import Plot

    facets = [f for f in dict.fromkeys(_facet_fields(spec)) if f in index]
    for mark, enc in _views(spec):
        if mark in ("text", "rule"):
            continue
        quant = [c for c in POSITION if isinstance(enc.get(c), dict) and enc[c].get("type") == "quantitative"
                 and _field(enc[c]) in index]
        dims = [c for c in ("x", "y", "color") if isinstance(enc.get(c), dict)
                and enc[c].get("type") in ("nominal", "ordinal", "temporal") and _field(enc[c]) in index]
        if not quant or not dims:
            continue
        measure, dim = _field(enc[quant[0]]), _field(enc[dims[0]])
        series = [f for f in dict.fromkeys(
            [_field(enc.get(c)) for c in SERIES_CHANNELS if isinstance(enc.get(c), dict)
             and enc[c].get("type") in ("nominal", "ordinal")] + facets) if f in index and f not in (measure, dim)]
        temporal = enc[dims[0]].get("type") == "temporal" or (mark in ("line", "area", "trail") and dims[0] == "x")
        yield Plot(index[measure], index[dim], [index[f] for f in series], temporal)


def describe(chart, book, language: str = "en") -> str:
    """A generated text description: the kind of chart, what it measures by what, the period, and
    for a time series its start, end, peak and trend (per series, for a chart of several), for
    categories the highest and lowest."""
    from factpress.charts.summary import Summary

    spec, table = chart.spec_dict, chart.plotted
    index = {c.field: i for i, c in enumerate(table.columns)}
    kinds = [MARK_NAMES.get(m, "Chart") for m, _ in _views(spec) if m not in ("text", "rule")] or ["Chart"]
    parts = [f"{kinds[0]}: {chart.title}."]
    seen = set()
    for plot in _plots(spec, index):
        if plot.measure in seen:
            continue
        seen.add(plot.measure)
        measure, dim = table.columns[plot.measure], table.columns[plot.dim]
        style = date_style([r[plot.dim] for r in table.rows])

        def show(v, measure=measure):
            return _value_text(v, measure, chart.facts_read, book, language)

        def where(d, dim=dim, style=style):
            return cell_text(d, dim, language, style)

        summary = Summary(table, plot, show, where, language).text()
        if summary:
            parts.append(summary)
    periods = list(dict.fromkeys(book.facts[f].period_text for f in chart.facts_read if f in book.facts))
    if periods:
        parts.append(f"Period: {', '.join(periods)}.")
    return " ".join(parts)


ID_RE = re.compile(r'\bid="([^"]+)"')
URL_RE = re.compile(r'url\(#([^)]+)\)')


def accessible_svg(svg: str, prefix: str, label_id: str, desc_id: str, title: str, desc: str) -> Markup:
    """The rendered SVG as an image with a name and a description; its ids made unique with prefix."""
    svg = ID_RE.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = URL_RE.sub(lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#', f'href="#{prefix}', svg)
    head_end = svg.index(">") + 1
    head = svg[:head_end].replace("<svg ", f'<svg role="img" aria-labelledby="{label_id}" aria-describedby="{desc_id}" ', 1)
    inner = f'<title id="{label_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
    return Markup(head + inner + svg[head_end:])
