"""The data downloads: every fact as facts.json and facts.csv, values exactly as written, with the
unit as written, the value in base units and the base unit's name, and how a derived or drawn
fact was made; each data table as published (data/NAME.csv) with its Table Schema, and all of
them described in a Frictionless Data Package (datapackage.json)."""
from __future__ import annotations

import csv
import io
import json
import re
from fractions import Fraction

from factpress.facts.quantities import plain, to_decimal
from factpress.site.assemble import Site

CSV_COLUMNS = ["id", "label", "value", "scale", "unit", "base_value", "base_unit", "text", "period", "region", "entity",
               "change_value", "change_unit", "change_basis", "source", "source_title", "note", "tags", "noun",
               "derived_from", "drawn_from", "data_only"]


def written(value) -> str:
    """A fact's value as the author wrote it: 244.16, 358000 or 1/3."""
    return str(value) if isinstance(value, Fraction) else format(value, "f")


def _value(f) -> str:
    """As written; a derived or converted value, exact when it terminates."""
    q = f.quantity
    if isinstance(q.value, Fraction) and not q.written_fraction:  # in the fact's scale, as "scale" says
        return plain(to_decimal(q.value, otherwise=12))
    return written(q.value)


def _num(text: str) -> str:
    """Mark exact decimal text so it lands in JSON as a bare number, digit for digit."""
    return f"\x00NUM:{text}\x00" if re.fullmatch(r"-?\d+(\.\d+)?", text) else text


def _bare_numbers(data) -> bytes:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    text = re.sub(r'"\\u0000NUM:([^"\\]+)\\u0000"', r"\1", text)
    return (text + "\n").encode()


def _provenance(f) -> tuple[dict | None, dict | None]:
    d, t = f.derivation, f.drawn
    derived = None if d is None else {"formula": d.formula, "inputs": list(d.inputs)}
    drawn = None if t is None else {"table": t.table, "path": t.path, "column": t.column, "lines": list(t.lines),
                                    "aggregate": t.aggregate or None}
    return derived, drawn


def facts_json(site: Site) -> bytes:
    facts = []
    for f in site.book.facts.values():
        q, c = f.quantity, f.change
        derived, drawn = _provenance(f)
        facts.append({
            "id": f.id, "label": f.label, "value": _num(_value(f)), "scale": q.scale, "unit": q.unit,
            "base_value": _num(q.si_text()), "base_unit": q.unit_spec.base, "text": f.value_text, "period": f.period,
            "region": f.region, "entity": f.entity, "approx": q.approx,
            "change": None if c is None else {"value": _num(written(c.value)), "unit": c.unit, "basis": c.basis},
            "source": f.source, "sources": list(f.sources), "note": f.note, "tags": list(f.tags),
            "noun": q.noun or q.unit_spec.noun, "derived_from": derived, "drawn_from": drawn, "data_only": f.data_only,
        })
    sources = [{"id": s.id, "title": s.title, "publisher": s.publisher, "date": s.date, "url": s.url, "note": s.note}
               for s in site.book.sources.values()]
    tables = [{"name": t.name, "title": t.title, "path": f"data/{t.name}.csv", "sources": list(t.sources)}
              for t in site.book.tables.values()]
    return _bare_numbers({"facts": facts, "sources": sources, "tables": tables})


def facts_csv(site: Site) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    book = site.book
    for f in book.facts.values():
        c, q = f.change, f.quantity
        titles = "; ".join(book.sources[s].title for s in f.sources if s in book.sources)
        drawn = "" if f.drawn is None else f.drawn.place
        w.writerow([f.id, f.label, _value(f), q.scale, f.unit, q.si_text(), q.unit_spec.base, f.value_text,
                    f.period, f.region, f.entity, "" if c is None else written(c.value), "" if c is None else c.unit,
                    "" if c is None else c.basis, ";".join(f.sources), titles, f.note, ";".join(f.tags),
                    q.noun or q.unit_spec.noun, f.derivation.formula if f.derivation else "", drawn,
                    "true" if f.data_only else ""])
    return out.getvalue().encode()


FIELD_TYPES = {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean", "date": "date",
               "year": "year", "yearmonth": "yearmonth", "any": "any"}


def table_schema(table) -> dict:
    """A Frictionless Table Schema of one table, with each field's unit and scale as properties of its own."""
    fields = []
    for f in table.fields:
        entry = {"name": f.name, "title": f.title, "type": FIELD_TYPES.get(f.type, "any")}
        if f.description:
            entry["description"] = f.description
        if f.unit:
            entry["unit"] = f.unit
        if f.scale != "none":
            entry["scale"] = f.scale
        fields.append(entry)
    return {"fields": fields, "missingValues": [""]}


def _resource(site: Site, table) -> dict:
    book = site.book
    resource = {"name": re.sub(r"[^a-z0-9._-]", "-", table.name.lower()), "path": f"data/{table.name}.csv",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "schema": table_schema(table)}
    if table.title:
        resource["title"] = table.title
    if table.description:
        resource["description"] = table.description
    if table.license is not None:
        resource["licenses"] = [{k: v for k, v in (("name", table.license.name), ("title", table.license.title),
                                                    ("path", table.license.path)) if v}]
    resource["sources"] = [{k: v for k, v in (("title", book.sources[s].title), ("path", book.sources[s].url)) if v}
                           for s in table.sources if s in book.sources]
    return resource


def data_package(site: Site) -> bytes:
    """datapackage.json: the facts and every table, as a Frictionless Data Package."""
    s = site.settings
    name = re.sub(r"[^a-z0-9]+", "-", s.title.lower()).strip("-") or "report"
    facts = {"name": "facts", "path": "facts.csv", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
             "title": f"Facts of {s.title}",
             "schema": {"fields": [{"name": c, "type": "number" if c == "base_value" else "string"} for c in CSV_COLUMNS]}}
    package = {"name": name, "title": s.title, "resources": [facts] + [_resource(site, t) for t in site.book.tables.values()]}
    if s.base_url:
        package["homepage"] = s.base_url
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode()


def table_files(site: Site) -> dict[str, bytes]:
    """Each table as published and its schema; with the data package when there are tables."""
    files = {}
    for t in site.book.tables.values():
        files[f"data/{t.name}.csv"] = t.data
        files[f"data/{t.name}.schema.json"] = (json.dumps(table_schema(t), indent=2, ensure_ascii=False) + "\n").encode()
    if files:
        files["datapackage.json"] = data_package(site)
    return files
