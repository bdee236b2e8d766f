"""The data downloads: every fact as facts.json and facts.csv, values exactly as written."""
from __future__ import annotations

import csv
import io
import json
import re
from fractions import Fraction

from factpress.site.assemble import Site


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
