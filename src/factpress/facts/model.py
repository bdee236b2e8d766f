"""The fact model: sources, facts with their quantities, and the book that holds them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from factpress.facts.periods import period_text
from factpress.facts.quantities import Change, Quantity
from factpress.project.fields import did_you_mean
from factpress.shared.diagnostics import SourceLocation


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: str
    url: str
    note: str
    loc: SourceLocation
    print_only: bool = False  # no address to give: the source is read on paper


@dataclass(frozen=True)
class Derivation:
    """How a derived fact was computed: its formula, the facts it reads (in order) and each input as
    readers see it, "label, period: value", so what shows it changes when an input does."""

    formula: str
    inputs: tuple[str, ...]
    shown: tuple[str, ...]

    @property
    def parts(self) -> list[tuple[str, str]]:
        """The formula as (text, fact id) pieces, the id '' for what is not a fact: for linking its inputs."""
        pieces = re.split(r"(?<![a-z0-9-])([a-z0-9]+(?:-[a-z0-9]+)*)(?![a-z0-9-])", self.formula)
        return [(p, p if p in self.inputs else "") for p in pieces if p]

    @property
    def inputs_shown(self) -> list[tuple[str, str]]:
        return list(zip(self.inputs, self.shown))


@dataclass(frozen=True)
class Drawn:
    """Where a fact drawn from a table came from: the table, the file as published beside the site,
    the column, the rows' lines and how they were reduced ("" for one cell)."""

    table: str
    path: str  # data/NAME.csv
    column: str
    lines: tuple[int, ...]
    aggregate: str = ""

    @property
    def place(self) -> str:
        """Where in the table: "data/x.csv:52", "data/x.csv, sum of 3 rows"."""
        return f"{self.path}:{self.words}" if len(self.lines) == 1 and not self.aggregate else f"{self.path}, {self.words}"

    @property
    def words(self) -> str:
        """The rows in words: "52" for one cell, "max, line 10", "sum of 3 rows"."""
        if len(self.lines) == 1:
            return f"{self.aggregate}, line {self.lines[0]}" if self.aggregate else str(self.lines[0])
        return f"{self.aggregate} of {len(self.lines)} rows"


@dataclass(frozen=True)
class Fact:
    id: str
    label: str
    quantity: Quantity
    period: str
    region: str
    entity: str
    source: str
    change: Change | None
    note: str
    tags: tuple[str, ...]
    loc: SourceLocation
    sources: tuple[str, ...] = ()  # every source it cites: a derived fact cites its inputs' sources
    data_only: bool = False  # published on the Data page and in the downloads, cited by no page
    derivation: Derivation | None = None
    drawn: Drawn | None = None
    language: str = "en"  # the report's: its digits, dates and periods are written as that language writes them
    recipe: object = field(default=None, repr=False, compare=False)  # from: or formula: as read, until resolved

    def __post_init__(self):
        if not self.sources and self.source:
            object.__setattr__(self, "sources", (self.source,))

    @property
    def value_text(self) -> str:
        return self.quantity.format(self.language)

    @property
    def change_text(self) -> str:
        """The change as shown ("+4.2% year on year"), or ''."""
        return self.change.format(self.language) if self.change is not None else ""

    @property
    def raw(self) -> str:
        return self.quantity.raw()

    @property
    def unit(self) -> str:
        return self.quantity.unit

    @property
    def period_text(self) -> str:
        return period_text(self.period, self.language)

    @property
    def subject(self) -> str:
        return self.entity or self.region

    def fingerprint(self) -> str:
        """Everything that can change how this fact shows anywhere."""
        return repr((self.label, self.quantity, self.period, self.region, self.entity, self.sources, self.change, self.note,
                     self.tags, self.data_only, self.derivation, self.drawn, self.language))


@dataclass
class FactBook:
    facts: dict[str, Fact] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    tables: dict = field(default_factory=dict)  # name -> facts.tables.Table, in file order
    inputs: set[str] = field(default_factory=set)  # the facts formulas read (those that failed too)
    invalid: set[str] = field(default_factory=set)  # defined, but with errors already reported
    incomplete: bool = False  # a facts file could not be read: any id may have been in it
    sources_incomplete: bool = False

    def reported(self, fact_id: str) -> bool:
        """True when a reference to this missing fact is a consequence of an error already reported."""
        loose = fact_id.lower().replace("_", "-")
        return self.incomplete or any(loose == bad.lower().replace("_", "-") for bad in self.invalid)

    def citing(self, source_id: str) -> list[Fact]:
        return [f for f in self.facts.values() if source_id in f.sources]

    def tables_citing(self, source_id: str) -> list:
        return [t for t in self.tables.values() if source_id in t.sources]

    def select(self, tag: str = "", region: str = "") -> list[Fact]:
        return [f for f in self.facts.values()
                if (not tag or tag in f.tags) and (not region or region in (f.region, f.entity))]

    def suggest(self, fact_id: str) -> str:
        return did_you_mean(fact_id, self.facts)
