"""The author's side of charts: the @chart decorator and the facts a chart function receives.

Kept free of heavy imports: the CLI imports it without loading Altair.
"""
from __future__ import annotations

import contextlib
import contextvars
import inspect
import re
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class ChartDef:
    id: str
    func: Callable
    title: str
    description: str
    file: str
    line: int


# The charts defined by the chart file being run: the list belongs to that run (see collecting),
# so nothing is left over from one file or one build for the next.
_current_run: contextvars.ContextVar[list[ChartDef] | None] = contextvars.ContextVar("factpress_chart_run", default=None)


def chart(chart_id: str, *, title: str = "", description: str = ""):
    """Make a function the chart `chart_id`; it receives the report's facts and returns an Altair chart.
    The function is marked (its `factpress_charts` attribute) and, while a chart file runs, handed
    to that run."""

    def register(func):
        code = func.__code__
        definition = ChartDef(chart_id, func, title, description, code.co_filename, code.co_firstlineno)
        func.factpress_charts = (*getattr(func, "factpress_charts", ()), definition)
        found = _current_run.get()
        if found is not None:
            found.append(definition)
        return func

    return register


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
        self._data_dir = data_dir
        self.read: list[str] = []
        self.tables: dict[str, str] = {}  # table name -> its text, for the cache key
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


    def table(self, name: str) -> list[dict]:
        """Rows of content/data/NAME.csv as dicts; numbers become floats. Every row cites a
        source in its `source` column, so a longer series is as traceable as a fact."""
        import csv
        import io

        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", name):
            raise TableError("", 0, f"table name {str(name)[:40]!r} must name a file in content/data/ "
                                                "(letters, digits, - and _)")
        rel = f"content/data/{name}.csv"
        path = self._data_dir / f"{name}.csv" if self._data_dir else None
        if path is None or not path.is_file():
            raise TableError(rel, 0, f"no table '{name}' (looked for {rel})")
        text = path.read_text(encoding="utf-8")
        self.tables[name] = text
        reader = csv.DictReader(io.StringIO(text))
        if "source" not in (reader.fieldnames or []):
            raise TableError(rel, 1, "a data table needs a 'source' column naming each row's source")
        rows = []
        for row in reader:
            line = reader.line_num
            source = (row.get("source") or "").strip()
            if source not in self._book.sources:
                raise TableError(rel, line, f"row cites unknown source '{source}'")
            if source not in self.table_sources:
                self.table_sources.append(source)
            rows.append({k: _number(v) for k, v in row.items()})
        return rows


def _number(text):
    try:
        return float(text) if text not in (None, "") and text.strip().lstrip("-").replace(".", "", 1).isdigit() else text
    except ValueError:
        return text


def defining_line(exc: BaseException, chart_file: str) -> int:
    """The line in the chart file where an exception came from (the last frame in that file)."""
    line = 0
    for frame in inspect.getinnerframes(exc.__traceback__, context=0) if exc.__traceback__ else []:
        if frame.filename == chart_file:
            line = frame.lineno
    return line
