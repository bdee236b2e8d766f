"""The author's side of charts: the @chart decorator and the facts a chart function receives.

Kept free of heavy imports: the CLI imports it without loading Altair.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Callable

_registry: list["ChartDef"] = []


@dataclass(frozen=True)
class ChartDef:
    id: str
    func: Callable
    title: str
    description: str
    file: str
    line: int


def chart(chart_id: str, *, title: str = "", description: str = ""):
    """Register a function as the chart `chart_id`; it receives the report's facts and returns an Altair chart."""

    def register(func):
        code = func.__code__
        _registry.append(ChartDef(chart_id, func, title, description, code.co_filename, code.co_firstlineno))
        return func

    return register


def take_registered() -> list[ChartDef]:
    found = list(_registry)
    _registry.clear()
    return found


class UnknownFact(KeyError):
    def __init__(self, fact_id: str, hint: str):
        super().__init__(fact_id)
        self.fact_id = fact_id
        self.hint = hint


class FactsView:
    """The report's facts as a chart sees them; remembers which ones it read."""

    def __init__(self, book):
        self._book = book
        self.read: list[str] = []

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
        for f in facts:
            if f.id not in self.read:
                self.read.append(f.id)
        return facts


def defining_line(exc: BaseException, chart_file: str) -> int:
    """The line in the chart file where an exception came from (the last frame in that file)."""
    line = 0
    for frame in inspect.getinnerframes(exc.__traceback__, context=0) if exc.__traceback__ else []:
        if frame.filename == chart_file:
            line = frame.lineno
    return line
