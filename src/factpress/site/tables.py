"""Tables of facts as a reader wants them: grouped by source (each source named once), the columns
that say something (no Change column when nothing changed), notes as lettered table notes, and the
label a card or row should show without repeating its region."""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

from factpress.facts.model import Fact
from factpress.shared.fonts import measure
from factpress.site.assemble import Site

CARD_FIT_STEPS = range(6, 17)  # .fit-N in style.css: a value sized to N% of its card's width per em


@dataclass(frozen=True)
class Row:
    fact: Fact
    note: str  # the letter of its note under the table, or ''
    cited: tuple = ()  # pages citing it (the Data page and the appendix list them)


@dataclass(frozen=True)
class Group:
    sources: tuple  # Source, or the id of a source that is not in the book
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class FactTable:
    key: str  # unique on its page: the prefix of the ids of its notes
    caption: str
    groups: list[Group]
    notes: list[tuple[str, str, str]]  # (letter, text, fact id)
    change: bool  # any row has a change
    cited: bool  # the "Cited on" column

    @property
    def count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    @property
    def one_source(self) -> bool:
        return len(self.groups) == 1


def note_letter(i: int) -> str:
    """a, b, ... z, aa, ab, ...: table notes' marks, which cannot be taken for figures."""
    letters = string.ascii_lowercase
    return letters[i] if i < 26 else note_letter(i // 26 - 1) + letters[i % 26]


def source_ids(fact: Fact) -> tuple[str, ...]:
    """The sources a fact cites (one, or several where the fact model allows it)."""
    return tuple(getattr(fact, "sources", None) or (fact.source,))


def fact_table(site: Site, facts, key: str, caption: str = "", cited: bool = False) -> FactTable:
    groups: dict[tuple[str, ...], Group] = {}
    notes: list[tuple[str, str, str]] = []
    for fact in facts:
        ids = source_ids(fact)
        if ids not in groups:
            groups[ids] = Group(tuple(site.book.sources.get(s, s) for s in ids))
        letter = ""
        if fact.note:
            letter = note_letter(len(notes))
            notes.append((letter, fact.note, fact.id))
        pages = tuple(site.cited_by.get(fact.id, ())) if cited else ()
        groups[ids].rows.append(Row(fact, letter, pages))
    every = [r.fact for g in groups.values() for r in g.rows]
    return FactTable(key, caption, list(groups.values()), notes, any(f.change is not None for f in every), cited)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def names_subject(fact: Fact) -> bool:
    """Whether the label already says whose figure it is ("Zhejiang import and export volume",
    "LCFC computer exports" of LCFC (Hefei) Electronics Technology): then the region or entity is
    not repeated beside it."""
    subject, label = fact.subject, fact.label
    if not subject or subject in label:
        return True
    first = label.split()[0] if label.split() else ""
    return first[:1].isupper() and first in _words(subject)


def card_fit(text: str) -> str:
    """The class that sizes a key figure's value so it fits its card on one line where it can:
    the card is a container, and fit-N sets the value in N% of the card's width (cqi) per em the
    text is wide in the bold face, between a floor and the full size (see style.css)."""
    ems = measure().width(text, 1, bold=True) or 1
    step = int(100 / (ems * 1.08))  # a little room for the card's rounding and the dotted underline
    return f"fit-{min(max(step, CARD_FIT_STEPS[0]), CARD_FIT_STEPS[-1])}"
