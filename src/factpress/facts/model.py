"""The fact model: sources, facts with their quantities, and the book that holds them."""
from __future__ import annotations

from dataclasses import dataclass, field

from factpress.facts.quantities import Change, Quantity, period_text
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
    language: str = "en"  # the report's: its digits, dates and periods are written as that language writes them

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
        return repr((self.label, self.quantity, self.period, self.region, self.entity, self.source, self.change, self.note,
                     self.tags, self.language))


@dataclass
class FactBook:
    facts: dict[str, Fact] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # defined, but with errors already reported
    incomplete: bool = False  # a facts file could not be read: any id may have been in it
    sources_incomplete: bool = False

    def reported(self, fact_id: str) -> bool:
        """True when a reference to this missing fact is a consequence of an error already reported."""
        loose = fact_id.lower().replace("_", "-")
        return self.incomplete or any(loose == bad.lower().replace("_", "-") for bad in self.invalid)

    def citing(self, source_id: str) -> list[Fact]:
        return [f for f in self.facts.values() if f.source == source_id]

    def select(self, tag: str = "", region: str = "") -> list[Fact]:
        return [f for f in self.facts.values()
                if (not tag or tag in f.tags) and (not region or region in (f.region, f.entity))]

    def suggest(self, fact_id: str) -> str:
        return did_you_mean(fact_id, self.facts)
