"""The author's side of charts: the @chart decorator and the facts a chart function receives.

Kept free of heavy imports: the CLI imports it without loading Altair.
"""
from __future__ import annotations

import contextlib
import contextvars
import inspect
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable


@dataclass(frozen=True)
class ChartDef:
    id: str
    func: Callable
    title: str
    description: str
    file: str
    line: int
    subtitle: str = ""
    note: str = ""
    wants_layout: bool = False  # the function takes a second argument: the layout to draw for

    def make(self, facts, layout):
        """The author's chart for this layout (a function that takes one argument draws one chart for all)."""
        return self.func(facts, layout) if self.wants_layout else self.func(facts)


# The charts defined by the chart file being run: the list belongs to that run (see collecting),
# so nothing is left over from one file or one build for the next.
_current_run: contextvars.ContextVar[list[ChartDef] | None] = contextvars.ContextVar("factpress_chart_run", default=None)


def chart(chart_id: str, *, title: str = "", subtitle: str = "", note: str = "", description: str = ""):
    """Make a function the chart `chart_id`; it receives the report's facts and returns an Altair chart.

    title and subtitle head the chart on the page and in its downloads (without them, the chart's
    own title is used); note is printed under it with the source; description replaces the text
    description made from the data. A function with a second parameter receives the layout it
    draws for (`layout.width` in pixels, `layout.narrow` on phones) and is called once for each;
    otherwise its one chart is laid out for both. The function is marked (its `factpress_charts`
    attribute) and, while a chart file runs, handed to that run."""

    def register(func):
        code = func.__code__
        definition = ChartDef(chart_id, func, title, description, code.co_filename, code.co_firstlineno, subtitle,
                              note, _takes_layout(func))
        func.factpress_charts = (*getattr(func, "factpress_charts", ()), definition)
        found = _current_run.get()
        if found is not None:
            found.append(definition)
        return func

    return register


def _takes_layout(func) -> bool:
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return False
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


@contextlib.contextmanager
def collecting():
    """The charts that the code run inside this block defines, in the order it defines them."""
    found: list[ChartDef] = []
    token = _current_run.set(found)
    try:
        yield found
    finally:
        _current_run.reset(token)


class UnknownFact(KeyError):
    def __init__(self, fact_id: str, hint: str):
        super().__init__(fact_id)
        self.fact_id = fact_id
        self.hint = hint


class TableError(Exception):
    """A problem in a content/data/*.csv table, at its file and line."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


class FactsView:
    """The report's facts as a chart sees them; remembers which facts and tables it read."""

    def __init__(self, book, data_dir=None):
        self._book = book
        self._data_dir = data_dir  # unused: tables come parsed and checked in the book
        self.read: list[str] = []
        self.tables: dict[str, str] = {}  # table name -> the digest of its CSV and schema, for the cache key
        self.table_sources: list[str] = []
        self.selected = False

    def _get(self, fact_id: str):
        fact = self._book.facts.get(fact_id)
        if fact is None:
            raise UnknownFact(fact_id, self._book.suggest(fact_id))
        if fact_id not in self.read:
            self.read.append(fact_id)
        return fact

    def __getitem__(self, fact_id: str):
        return self._get(fact_id)

    def __contains__(self, fact_id: str) -> bool:
        return fact_id in self._book.facts

    def value(self, fact_id: str) -> float:
        """The fact's value in base units (1.47 trillion -> 1.47e12)."""
        return float(self._get(fact_id).quantity.base)

    def written(self, fact_id: str) -> float:
        """The fact's value as written, in its own scale (1.47 trillion -> 1.47)."""
        return float(self._get(fact_id).quantity.value)

    def change(self, fact_id: str) -> float:
        fact = self._get(fact_id)
        if fact.change is None:
            raise ValueError(f"fact '{fact_id}' has no change")
        return float(fact.change.value)

    def select(self, tag: str = "", region: str = "") -> list:
        facts = self._book.select(tag, region)
        self.selected = True  # the selection can grow with any fact, so the whole book keys the cache
        for f in facts:
            if f.id not in self.read:
                self.read.append(f.id)
        return facts


    def table(self, name: str) -> "TableRows":
        """Rows of content/data/NAME.csv as dicts of typed values (numbers as floats, whole numbers
        and years as ints, dates as YYYY-MM-DD text, a missing value as None), in the table's scale
        and unit; the result also knows each column's title and unit (see TableRows)."""
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
            raise TableError("", 0, f"table name {str(name)[:40]!r} must name a file in content/data/ "
                                                "(letters, digits, - and _)")
        table = self._book.tables.get(name)
        if table is None:
            rel = f"content/data/{name}.csv"
            raise TableError(rel, 0, f"no table '{name}' (looked for {rel})")
        self.tables[name] = table.digest
        for source in table.sources:
            if source not in self.table_sources:
                self.table_sources.append(source)
        return TableRows(table)


@dataclass(frozen=True)
class Column:
    """What a table's schema says of one column."""

    name: str
    title: str
    type: str
    unit: str  # as the schema writes it: "MWh"; "" for none
    unit_text: str  # as readers see it, with the scale: "thousand MWh"
    label: str  # the title with the unit, for an axis: "Net generation (thousand MWh)"
    description: str


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


class TableRows(list):
    """A table's rows, a list of dicts as Altair's alt.Data(values=...) takes them, that also knows
    the table: .title, .description, .columns (name -> Column) and .label(name) for an axis title."""

    def __init__(self, table):
        names = [f.name for f in table.fields]
        super().__init__({n: _plain(c) for n, c in zip(names, row.cells)} for row in table.rows)
        self.name = table.name
        self.title = table.title or table.name
        self.description = table.description
        self.columns = {f.name: Column(f.name, f.title, f.type, f.unit, f.unit_text, f.label, f.description)
                        for f in table.fields}

    def label(self, column: str) -> str:
        """The column's title with its unit: "Net generation (thousand MWh)"."""
        return self.columns[column].label

    def title_of(self, column: str) -> str:
        return self.columns[column].title

    def unit_of(self, column: str) -> str:
        return self.columns[column].unit_text


def defining_line(exc: BaseException, chart_file: str) -> int:
    """The line in the chart file where an exception came from (the last frame in that file)."""
    line = 0
    for frame in inspect.getinnerframes(exc.__traceback__, context=0) if exc.__traceback__ else []:
        if frame.filename == chart_file:
            line = frame.lineno
    return line
