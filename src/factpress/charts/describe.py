"""What a reader gets from a chart besides the picture: its plotted data as rows and CSV, a
text description generated from data and facts, and the SVG made accessible."""
from __future__ import annotations

import csv
import io
import math
import re
from decimal import Decimal

from markupsafe import Markup, escape

from factpress.facts.quantities import group

MARK_NAMES = {"bar": "Bar chart", "line": "Line chart", "area": "Area chart", "point": "Dot chart",
              "circle": "Dot chart", "rect": "Tile diagram", "arc": "Pie chart", "text": "Text chart"}


def plotted_rows(spec: dict) -> list[dict]:
    """Exactly the data the chart plots: its inline datasets, in order."""
    rows: list[dict] = []
    for values in (spec.get("datasets") or {}).values():
        rows.extend(values)
    if not rows:
        data = spec.get("data") or {}
        rows.extend(data.get("values") or [])
    return rows


def columns(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(k for row in rows for k in row))


def cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def rows_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    cols = columns(rows)
    w = csv.writer(out, lineterminator="\n")
    w.writerow(cols)
    for row in rows:
        w.writerow([cell(row.get(c)) for c in cols])
    return out.getvalue().encode()


def _encodings(spec: dict):
    """(mark, encoding) of every unit view in the spec."""
    if "mark" in spec:
        mark = spec["mark"]
        yield (mark.get("type") if isinstance(mark, dict) else mark), spec.get("encoding") or {}
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key) or []:
            yield from _encodings(sub)
    if "spec" in spec:
        yield from _encodings(spec["spec"])


def _number_text(value: float, facts_read, book) -> str:
    """A number as the site shows it: the fact's own text when a fact carries that value."""
    for fid in facts_read:
        fact = book.facts.get(fid)
        if fact is None:
            continue
        if fact.change is not None and float(fact.change.value) == value:
            return fact.change.format()
        base = float(fact.quantity.base)
        if float(fact.quantity.value) == value or any(math.isclose(value * 10 ** k, base) for k in (0, 3, 6, 9, 12)):
            return fact.value_text
    text = format(Decimal(repr(value)).normalize(), "f")
    whole, _, frac = text.partition(".")
    return group(whole) + (f".{frac}" if frac else "")


def describe(chart, book) -> str:
    """A generated text description: kind, what is measured, period, extremes with their values."""
    spec = chart.spec_dict
    rows = plotted_rows(spec)
    views = list(_encodings(spec))
    kinds = [MARK_NAMES.get(m, "Chart") for m, _ in views if m != "text"] or ["Chart"]
    parts = [f"{kinds[0]}: {chart.title}."]
    seen = set()
    for mark, enc in views:
        quant = [e for ch, e in enc.items() if ch in ("x", "y", "theta", "size") and isinstance(e, dict)
                 and e.get("type") == "quantitative" and e.get("field")]
        label = next((e for ch, e in enc.items() if ch in ("x", "y", "color") and isinstance(e, dict)
                      and e.get("type") in ("nominal", "ordinal") and e.get("field")), None)
        if mark == "text" or not quant or label is None or quant[0]["field"] in seen:
            continue
        field, name = quant[0]["field"], label["field"]
        seen.add(field)
        values = [(r[field], r.get(name)) for r in rows if isinstance(r.get(field), (int, float))]
        if not values:
            continue
        hi, lo = max(values, key=lambda v: v[0]), min(values, key=lambda v: v[0])
        text = f"It shows {quant[0].get('title') or field} for {len(values)} {'items' if len(values) != 1 else 'item'}"
        text += f": highest {hi[1]}, {_number_text(hi[0], chart.facts_read, book)}"
        if len(values) > 1:
            text += f"; lowest {lo[1]}, {_number_text(lo[0], chart.facts_read, book)}"
        parts.append(text + ".")
    if len(parts) == 1 and rows:
        names = [r.get(columns(rows)[0]) for r in rows][:8]
        parts.append(f"It shows {', '.join(str(n) for n in names)}.")
    periods = list(dict.fromkeys(book.facts[f].period_text for f in chart.facts_read if f in book.facts))
    if periods:
        parts.append(f"Period: {', '.join(periods)}.")
    return " ".join(parts)


ID_RE = re.compile(r'\bid="([^"]+)"')
URL_RE = re.compile(r'url\(#([^)]+)\)')


def accessible_svg(svg: str, chart_id: str, label_id: str, desc_id: str, title: str, desc: str) -> Markup:
    """The rendered SVG as an image with a name and a description; its ids made unique to the chart."""
    prefix = f"chart-{chart_id}--"
    svg = ID_RE.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = URL_RE.sub(lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#', f'href="#{prefix}', svg)
    head_end = svg.index(">") + 1
    head = svg[:head_end].replace("<svg ", f'<svg role="img" aria-labelledby="{label_id}" aria-describedby="{desc_id}" ', 1)
    inner = f'<title id="{label_id}">{escape(title)}</title><desc id="{desc_id}">{escape(desc)}</desc>'
    return Markup(head + inner + svg[head_end:])
