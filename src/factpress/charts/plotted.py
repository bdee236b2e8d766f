"""The rows a chart plots, as Vega itself computes them: after every transform (filters,
aggregates, stacks, folds), for layered, concatenated and faceted charts alike.

The chart is compiled to Vega; for each mark that draws data, the fields it encodes and their
titles are read from the description Vega-Lite gives every mark (the text screen readers hear),
and a probe mark added beside it carries each row's values out through the scenegraph. Runs
where vl-convert runs (a chart worker); no other library needed.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

SEP = "\u241f"  # printable (the scenegraph is XML-checked), and not found in real data
_DATUM_RE = re.compile(r'datum\[("(?:[^"\\]|\\.)*")\]')


@dataclass
class Column:
    field: str  # the data field
    title: str  # as the chart's axes, legends and tooltips name it
    kind: str  # number | date | text


@dataclass
class Plotted:
    columns: list[Column] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)  # values by column: float, int, str, None; dates as ISO text

    def to_json(self) -> dict:
        return {"columns": [c.__dict__ for c in self.columns], "rows": self.rows}

    @classmethod
    def from_json(cls, data: dict) -> "Plotted":
        return cls([Column(**c) for c in data.get("columns", [])], [list(r) for r in data.get("rows", [])])


def _tokens(signal: str):
    """String literals and parenthesised groups of a Vega-Lite description signal, in order."""
    i, n = 0, len(signal)
    while i < n:
        c = signal[i]
        if c in "\"'":
            j = i + 1
            while j < n and signal[j] != c:
                j += 2 if signal[j] == "\\" else 1
            yield "text", signal[i:j + 1]
            i = j + 1
        elif c == "(":
            depth, j = 0, i
            while j < n:
                if signal[j] in "\"'":
                    q = signal[j]
                    j += 1
                    while j < n and signal[j] != q:
                        j += 2 if signal[j] == "\\" else 1
                elif signal[j] == "(":
                    depth += 1
                elif signal[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            yield "expr", signal[i:j + 1]
            i = j + 1
        else:
            i += 1


def described_fields(signal: str) -> list[Column]:
    """(field, title, kind) of each encoding a mark's description names: '"Title: " + (format(datum["f"]...))'."""
    out, title = [], None
    for kind, token in _tokens(signal):
        if kind == "text":
            text = json.loads(token) if token.startswith('"') else token[1:-1]
            title = text.removeprefix("; ").removesuffix(": ")
        elif title is not None:
            m = _DATUM_RE.search(token)
            if m:
                name = json.loads(m.group(1))
                what = "date" if "timeFormat(" in token or "utcFormat(" in token else (
                    "number" if "format(" in token else "text")
                out.append(Column(name, title, what))
            title = None
    return out


def _marks(node: dict, facets: dict[str, str], groups: list[str]):
    """(data name, description signal, mark) of every mark that draws data, facet names resolved to
    their source; the fields facets split the data by are added to groups."""
    for mark in node.get("marks", []):
        source = mark.get("from") or {}
        if mark.get("type") == "group":
            inner = dict(facets)
            facet = source.get("facet")
            if facet:
                inner[facet["name"]] = facets.get(facet["data"], facet["data"])
                by = facet.get("groupby") or []
                groups.extend(g for g in ([by] if isinstance(by, str) else by) if g not in groups)
            yield from _marks(mark, inner, groups)
            continue
        data = source.get("data")
        if not data:
            continue
        encode = mark.get("encode") or {}
        signal = ((encode.get("update") or {}).get("description") or (encode.get("enter") or {}).get("description")
                  or {}).get("signal", "")
        yield facets.get(data, data), signal, mark


def _fallback_fields(mark: dict) -> list[Column]:
    """Fields a mark encodes when it has no description (aria off): the encode block's field names."""
    found = []
    for block in (mark.get("encode") or {}).values():
        for channel, entry in (block or {}).items():
            for item in entry if isinstance(entry, list) else [entry]:
                name = item.get("field") if isinstance(item, dict) else None
                if isinstance(name, str) and not name.endswith(("_start", "_end")) and name not in (c.field for c in found):
                    found.append(Column(name, name, "number" if channel in ("x", "y", "x2", "y2", "size") else "text"))
    return found


def _probe_expr(fields: list[str]) -> str:
    parts = []
    for name in fields:
        a = f"datum[{json.dumps(name)}]"
        parts.append(f"(isDate({a}) ? 'd' + time({a}) : isNumber({a}) ? 'n' + {a} : isBoolean({a}) ? 'b' + {a} : "
                     f"isValid({a}) ? 's' + {a} : 'z')")
    return f" + '{SEP}' + ".join(parts)


def _decode(text: str):
    tag, value = text[:1], text[1:]
    if tag == "n":
        number = float(value)
        return int(number) if number.is_integer() and abs(number) < 2 ** 53 and "e" not in value else number
    if tag == "d":
        return _iso(float(value))
    if tag == "b":
        return value == "true"
    return None if tag == "z" else value


def _find(node, names: set[str], out: dict) -> dict:
    if isinstance(node, dict):
        if node.get("name") in names and "items" in node:
            out[node["name"]] = node["items"]
        for value in node.values():
            if isinstance(value, (dict, list)):
                _find(value, names, out)
    elif isinstance(node, list):
        for value in node:
            _find(value, names, out)
    return out


FACET_CHANNELS = ("row", "column", "facet")


def facet_titles(spec) -> dict[str, str]:
    """The titles a Vega-Lite spec gives the fields it facets by (the row, column and facet
    channels, of a facet operator or an encoding), which its headers show: {field: title}."""
    out: dict[str, str] = {}
    if isinstance(spec, list):
        for item in spec:
            out = {**facet_titles(item), **out}
        return out
    if not isinstance(spec, dict):
        return out
    facet, encoding = spec.get("facet"), spec.get("encoding")
    defs = [facet] if isinstance(facet, dict) and "field" in facet else []
    for block in (facet, encoding):
        if isinstance(block, dict):
            defs.extend(block.get(c) for c in FACET_CHANNELS if isinstance(block.get(c), dict))
    for d in defs:
        name, title = d.get("field"), d.get("title")
        if isinstance(name, str) and name not in out and title is not None:
            out[name] = " ".join(map(str, title)) if isinstance(title, list) else str(title)
    for key in ("spec", "layer", "hconcat", "vconcat", "concat"):
        out = {**facet_titles(spec.get(key)), **out}
    return out


def plotted(vega: dict, titles: dict[str, str] | None = None) -> Plotted:
    """The plotted rows of a compiled Vega spec; needs vl_convert (it evaluates the spec).
    titles: the titles of fields the chart facets by (facet_titles), which no mark describes."""
    import vl_convert

    probes, columns, datasets, groups = [], [], {}, []
    for data, signal, mark in _marks(vega, {}, groups):
        cols = described_fields(signal) if signal else _fallback_fields(mark)
        for col in cols:
            known = next((c for c in columns if c.field == col.field), None)
            if known is None:
                columns.append(col)
            elif known.title == known.field and col.title != col.field:
                known.title = col.title  # a field's own title beats its raw name (an axis without a title)
        datasets.setdefault(data, [])
    titles = titles or {}
    columns = [Column(g, titles.get(g, g), "text") for g in groups if g not in (c.field for c in columns)] + columns
    if not columns:
        return Plotted()
    fields = [c.field for c in columns]
    spec = dict(vega)
    spec["marks"] = list(vega.get("marks", []))
    for i, data in enumerate(datasets):
        name = f"factpress_probe_{i}"
        probes.append(name)
        spec["marks"].append({"type": "symbol", "name": name, "from": {"data": data}, "aria": False,
                              "encode": {"enter": {"description": {"signal": _probe_expr(fields)},
                                                   "opacity": {"value": 0}}}})
    found = _find(vl_convert.vega_to_scenegraph(spec), set(probes), {})
    rows, seen = [], set()
    for name in probes:
        for item in found.get(name, []):
            row = [_decode(part) for part in str(item.get("description", "")).split(SEP)]
            key = json.dumps(row)
            if len(row) == len(fields) and key not in seen:
                seen.add(key)
                rows.append(row)
    keep = [i for i in range(len(fields)) if any(r[i] is not None for r in rows)]
    for i in keep:
        if columns[i].kind == "date":
            for row in rows:
                row[i] = _iso(row[i])
    return Plotted([columns[i] for i in keep], [[r[i] for i in keep] for r in rows])


def _iso(value):
    """A time Vega gives as milliseconds since 1970 (UTC), as an ISO date (or date and time)."""
    if not isinstance(value, (int, float)):
        return value
    import datetime

    moment = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc) + datetime.timedelta(milliseconds=value)
    return moment.date().isoformat() if moment.time() == datetime.time(0) else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
