"""Data tables: content/data/NAME.csv, typed by an optional sidecar content/data/NAME.yaml in the
shape of a Frictionless Table Schema (fields with name, title, type, unit, scale) with the table's
title, description, license and source. Every cell is checked against its field's type at
NAME.csv:LINE; a table without a schema has its column types inferred and cites a source per row
in its `source` column."""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from factpress.facts.periods import days_in_month, period_text
from factpress.facts.quantities import SCALES, group, plain
from factpress.facts.units import UnitError, UnitSpec, UnitTable, pretty
from factpress.project.fields import Reader, did_you_mean
from factpress.project.strict_yaml import MAX_DIGITS, YList, YMap, parse_yaml_file, written_digits
from factpress.shared.diagnostics import Diagnostics, SourceLocation

TYPES = ("string", "number", "integer", "boolean", "date", "year", "yearmonth", "any")
TABLE_FIELDS = {"title", "description", "license", "source", "fields", "missingValues", "primaryKey"}
FIELD_FIELDS = {"name", "title", "description", "type", "unit", "noun", "scale"}
LICENSE_FIELDS = {"name", "title", "path"}
ROW_SOURCE = "source"  # without a table-level source, the column that names each row's source
TRUE, FALSE = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")
TYPE_WORDS = {"number": "a number", "integer": "a whole number", "boolean": "true or false",
              "date": "a date written YYYY-MM-DD", "year": "a year written YYYY", "yearmonth": "a month written YYYY-MM"}


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    type: str
    description: str = ""
    unit: str = ""
    spec: UnitSpec | None = None
    scale: str = "none"
    noun: str = ""
    loc: SourceLocation | None = None

    @property
    def unit_text(self) -> str:
        """The unit as readers see it, with the scale: "thousand MWh"; "" for none."""
        kind = self.spec.kind if self.spec is not None else ""
        unit = {"percent": "%", "fraction": "", "times": "times", "currency": self.spec.name if self.spec else "",
                "count": self.noun or (self.spec.noun if self.spec else ""), "measure": pretty(self.unit)}.get(kind, "")
        return " ".join(x for x in (self.scale if self.scale != "none" else "", unit) if x)

    @property
    def label(self) -> str:
        """The column's title with its unit, for an axis: "Net generation (thousand MWh)"."""
        return f"{self.title} ({self.unit_text})" if self.unit_text else self.title


@dataclass(frozen=True)
class License:
    name: str = ""
    title: str = ""
    path: str = ""

    @property
    def text(self) -> str:
        return self.title or self.name or self.path


@dataclass(frozen=True)
class Row:
    line: int
    cells: tuple  # typed: str, Decimal, int, bool, or None for a missing value
    source: str


@dataclass
class Table:
    name: str
    path: str  # content/data/NAME.csv
    schema_path: str = ""  # content/data/NAME.yaml, when it has one
    title: str = ""
    description: str = ""
    license: License | None = None
    source: str = ""  # the table's own source; "" when each row names one
    fields: list[Field] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    data: bytes = b""  # the CSV file as published
    digest: str = ""  # of the CSV and its schema: what a chart reading it depends on
    ok: bool = True  # no errors in it (a table with errors keeps the rows that could be read)
    loc: SourceLocation | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        return (self.source,) if self.source else tuple(dict.fromkeys(r.source for r in self.rows if r.source))

    def column(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def index(self, name: str) -> int:
        return next(i for i, f in enumerate(self.fields) if f.name == name)

    def values(self, name: str) -> list:
        i = self.index(name)
        return [row.cells[i] for row in self.rows]

    def summary(self, name: str, language: str = "en") -> str:
        """The values of a column in a few words, as the language writes numbers and dates:
        "1,437–42,750", "2001–2017", "January–December 2023", "3 values: A, B, C"."""
        f = self.column(name)
        values = [v for v in self.values(name) if v is not None]
        missing = len(self.rows) - len(values)
        gap = f"; {missing} missing" if missing else ""
        if not values:
            return "no values"
        if f.type in ("number", "integer"):
            low, high = min(values), max(values)
            dash = " – " if low < 0 else "–"  # "-0.8 – 20.5": the dash apart from a minus sign
            text = group(plain(Decimal(low)), language) + (
                "" if low == high else f"{dash}{group(plain(Decimal(high)), language)}")
            return text + gap
        if f.type in ("date", "year", "yearmonth"):
            low, high = str(min(values)), str(max(values))
            return period_text(low if low == high else f"{low}/{high}", language) + gap
        distinct = sorted({str(v) for v in values})
        shown = ", ".join(distinct[:5]) + (", …" if len(distinct) > 5 else "")
        return f"{len(distinct)} value{'s' if len(distinct) != 1 else ''}: {shown}{gap}"


class CellOutOfRange(ValueError):
    """A number too long to keep exact, as a typed value would be refused."""


def _bounded(value: Decimal) -> None:
    """The rule of typed values (project/strict_yaml.py): at most MAX_DIGITS digits written out."""
    digits = written_digits(value)
    if digits > MAX_DIGITS:
        raise CellOutOfRange(f"is out of range: written out it has {digits} digits, and a value may have at most "
                             f"{MAX_DIGITS}")


def cell_value(text: str, kind: str):
    """A cell's text as its field's type; ValueError when it is not one."""
    if kind in ("string", "any"):
        return text
    if kind == "integer" or kind == "year":
        if not re.fullmatch(r"-?\d+" if kind == "integer" else r"\d{4}", text):
            raise ValueError
        if len(text.lstrip("-0")) > MAX_DIGITS:
            raise CellOutOfRange(f"has {len(text.lstrip('-0'))} digits, and a value may have at most {MAX_DIGITS}")
        return int(text)
    if kind == "number":
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError from None
        if not value.is_finite() or not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
            raise ValueError
        _bounded(value)
        return value
    if kind == "boolean":
        if text in TRUE or text in FALSE:
            return text in TRUE
        raise ValueError
    m = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])" + (r"-(\d{2})" if kind == "date" else ""), text)
    if not m or (kind == "date" and not 1 <= int(m[3]) <= days_in_month(int(m[1]), int(m[2]))):
        raise ValueError
    return text


def _infer(cells: list[str]) -> str:
    present = [c for c in cells if c != ""]
    for kind in ("integer", "number"):
        try:
            for c in present:
                cell_value(c, kind)
        except ValueError:
            continue
        return kind if present else "string"
    return "string"


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """(first line, cells) of each record of a CSV text; blank lines skipped."""
    reader = csv.reader(io.StringIO(text))
    out, line = [], 1
    for record in reader:
        if record:
            out.append((line, record))
        line = reader.line_num + 1
    return out


class _TableReader:
    """Reads one table: its schema (when it has one), then its rows, reporting every problem."""

    def __init__(self, name: str, csv_file, schema_file, units: UnitTable, sources: dict, diags: Diagnostics, cache):
        self.name, self.csv, self.schema, self.units = name, csv_file, schema_file, units
        self.known_sources, self.diags, self.cache = sources, diags, cache
        self.errors = len(diags.errors)
        self.owner = f"table '{name}'"
        self.table = Table(name, csv_file.rel if csv_file else f"content/data/{name}.csv",
                           schema_file.rel if schema_file else "")
        self.missing = ("",)
        self.key: list[str] = []
        self.broken = False  # the schema could not be read (reported): nothing more is said of what it lacks

    def error(self, loc: SourceLocation, message: str, hint: str = "") -> None:
        self.diags.error(loc, f"{self.owner}: {message}", hint, code="table")

    def read(self) -> Table:
        t = self.table
        t.loc = SourceLocation(t.schema_path or t.path, 1)
        declared = self._schema() if self.schema else None
        if self.csv is not None:
            t.data = self.csv.text.encode("utf-8")
            self._data(declared)
        elif self.schema:
            self.error(SourceLocation(t.schema_path, 1), f"no {t.path} beside this schema")
        t.digest = hashlib.sha256(repr((self.csv.text if self.csv else "", self.schema.text if self.schema else "",
                                        self.units.nouns, sorted(self.units.own))).encode()).hexdigest()
        t.ok = len(self.diags.errors) == self.errors
        return t

    def _schema(self) -> list[Field] | None:
        data = parse_yaml_file(self.schema.text, self.schema.rel, self.diags, self.cache)
        if not isinstance(data, YMap):
            if data is not None or not self.schema.text.strip():
                self.error(SourceLocation(self.schema.rel, 1), "a table schema is a mapping with 'fields:' and 'source:'")
            self.broken = True
            return None
        r = Reader(data, self.diags, self.owner, TABLE_FIELDS)
        t = self.table
        t.title, t.description = r.text("title"), r.text("description")
        t.license = self._license(r)
        t.source = r.text("source")
        if t.source and self.known_sources is not None and t.source not in self.known_sources:
            r.error("source", f"unknown source '{t.source}'", did_you_mean(t.source, self.known_sources))
        missing = r.get("missingValues", list)
        self.missing = tuple(str(v) for v in missing) if missing is not None else ("",)
        key = data.get("primaryKey")
        self.key = [key] if isinstance(key, str) else r.strings("primaryKey")
        fields = r.get("fields", list, required=True)
        return [f for i, m in enumerate(fields or []) if (f := self._field(fields, i, m)) is not None]

    def _license(self, r: Reader) -> License | None:
        value = r.m.get("license")
        if isinstance(value, str):
            return License(path=value) if value.startswith(("https://", "http://")) else License(title=value)
        m = r.get("license", dict)
        if m is None:
            return None
        lr = Reader(m, self.diags, f"{self.owner} license", LICENSE_FIELDS)
        return License(lr.text("name"), lr.text("title"), lr.text("path"))

    def _field(self, fields: YList, i: int, m) -> Field | None:
        if not isinstance(m, YMap):
            self.error(fields.at(i), "each field is a mapping with a 'name:'")
            return None
        r = Reader(m, self.diags, self.owner, FIELD_FIELDS)
        name = r.text("name", required=True)
        if not name:
            return None
        r.owner = f"{self.owner} field '{name}'"
        kind = r.choice("type", TYPES, default="string" if "unit" not in m else "number")
        unit, scale = r.text("unit"), r.choice("scale", tuple(SCALES), default="none")
        spec = None
        if (unit or scale != "none") and kind not in ("number", "integer"):
            r.error("unit" if unit else "scale", f"a unit or scale is for a number or integer field, not {kind}")
        if unit:
            try:
                spec = self.units.parse(unit)
            except UnitError as exc:
                r.error("unit", exc.message, exc.hint)
        return Field(name, r.text("title") or name, kind or "string", r.text("description"), unit, spec, scale or "none",
                     r.text("noun"), m.at("name"))

    def _data(self, declared: list[Field] | None) -> None:
        t, rel = self.table, self.csv.rel
        records = _rows(self.csv.text)
        if not records:
            self.error(SourceLocation(rel, 1), "the table is empty: its first line names the columns")
            return
        header_line, header = records[0]
        header = [h.strip() for h in header]
        for i, h in enumerate(header):
            if not h or h in header[:i]:
                self.error(SourceLocation(rel, header_line), f"column {i + 1} {'has no name' if not h else f'repeats {h!r}'}")
                return
        body = records[1:]
        t.fields = self._fields(header, declared, body, header_line)
        row_source = not t.source and ROW_SOURCE in header
        if not t.source and not row_source and not self.broken:
            where = SourceLocation(t.schema_path or rel, 1)
            self.diags.error(where, f"{self.owner} has no source: give the table one in "
                       f"{t.schema_path or f'content/data/{self.name}.yaml'} ('source: ID') "
                       f"or a '{ROW_SOURCE}' column naming each row's source", code="table")
        self._body(header, body, row_source)

    def _fields(self, header: list[str], declared: list[Field] | None, body, header_line: int) -> list[Field]:
        rel = self.csv.rel
        if declared is None:
            return [Field(h, h, "string" if h == ROW_SOURCE and not self.table.source else
                          _infer([r[i] if i < len(r) else "" for _, r in body])) for i, h in enumerate(header)]
        by_name = {f.name: f for f in declared}
        unknown = [f for f in declared if f.name not in header]
        extra = [h for h in header if h not in by_name and not (h == ROW_SOURCE and not self.table.source)]
        paired = len(unknown) == len(extra)  # a renamed column: one error at the field, naming the column
        for i, f in enumerate(unknown):
            hint = f"{rel} has '{extra[i]}', which the schema does not name" if paired else did_you_mean(f.name, header)
            self.error(f.loc, f"field '{f.name}' is not a column of {rel}", hint)
        for h in extra if not paired else ():
            self.error(SourceLocation(rel, header_line), f"column '{h}' is not in the schema {self.schema.rel}")
        for k in self.key:
            if k not in header:
                self.error(SourceLocation(self.schema.rel, 1), f"primaryKey names '{k}', which is not a column")
        return [by_name.get(h) or Field(h, h, "string") for h in header]

    def _body(self, header: list[str], body, row_source: bool) -> None:
        t, rel = self.table, self.csv.rel
        keys: dict[tuple, int] = {}
        key_at = [header.index(k) for k in self.key if k in header]
        for line, record in body:
            if len(record) != len(header):
                self.error(SourceLocation(rel, line), f"row has {len(record)} cells; the header has {len(header)} columns")
                continue
            cells, good = [], True
            record = [text.strip() for text in record]
            for f, text in zip(t.fields, record):
                if text in self.missing:
                    cells.append(None)
                    continue
                try:
                    cells.append(cell_value(text, f.type))
                except CellOutOfRange as exc:
                    self.error(SourceLocation(rel, line), f"column '{f.name}': '{text[:40]}{'…' if len(text) > 40 else ''}' "
                               f"{exc}")
                    cells.append(None)
                    good = False
                except ValueError:
                    self.error(SourceLocation(rel, line), f"column '{f.name}' must be {TYPE_WORDS.get(f.type, f.type)}, "
                               f"not '{text}'", "a missing value is an empty cell" if "" in self.missing else "")
                    cells.append(None)
                    good = False
            source = t.source or (record[header.index(ROW_SOURCE)] if row_source else "")
            if row_source and self.known_sources is not None and source not in self.known_sources:
                self.error(SourceLocation(rel, line), f"row cites unknown source '{source}'",
                           did_you_mean(source, self.known_sources))
                good = False
            if key_at:
                key = tuple(cells[i] for i in key_at)
                if key in keys:
                    self.error(SourceLocation(rel, line), f"row repeats the primary key of line {keys[key]}")
                keys.setdefault(key, line)
            if good:
                t.rows.append(Row(line, tuple(cells), source))


def load_tables(files, units: UnitTable, sources: dict | None, diags: Diagnostics, cache=None,
                failed: set[str] = frozenset()) -> dict[str, Table]:
    """Every table of content/data/, in name order; files are the project's data and schema files;
    sources: the known source ids (None when the sources could not all be read: none is checked);
    failed: tables whose CSV could not be read (reported), kept as empty tables with errors."""
    csvs = {f.rel.rsplit("/", 1)[1][:-4]: f for f in files if f.kind == "data"}
    schemas = {re.sub(r"\.ya?ml$", "", f.rel.rsplit("/", 1)[1]): f for f in files if f.kind == "table-schema"}
    tables = {}
    for name in sorted(set(csvs) | set(schemas) | set(failed)):
        if name in failed:
            tables[name] = Table(name, f"content/data/{name}.csv", ok=False)
            continue
        tables[name] = _TableReader(name, csvs.get(name), schemas.get(name), units, sources, diags, cache).read()
    return tables
