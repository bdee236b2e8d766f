"""Traceable numbers: find figures typed into prose instead of cited from a fact, and explain every number a page shows.

A number in prose is accepted without a fact when it is plainly not a figure:
- a year (1800-2199, also as a decade: 1990s) or a date (2020-09-05, 5 September 2020, September 5);
- an ordinal (1st, 14th);
- part of a name (COVID-19, G20, 5G, PM2.5, A4): digits joined to letters or to a word by a hyphen,
  or a call written in text such as alert(1);
- list numbering, footnote labels, code, headings' anchors, front matter and directive options, which
  are markup, not prose.
Everything else (12, 3.5%, 1,200, 40 million) should be a {fact} reference.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
          "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
NUMBER_RE = re.compile(r"(?<![\w.,])[-+−]?\d+(?:[.,]\d+)*(?![\w])(?:\s?%)?")
ISO_DATE_RE = re.compile(r"\b\d{4}-\d{2}(?:-\d{2})?\b")
DAY_MONTH_RE = re.compile(rf"\b\d{{1,2}}\s+(?:{MONTHS})\b|\b(?:{MONTHS})\.?\s+\d{{1,2}}\b(?!\d)")
ORDINAL_RE = re.compile(r"\b\d+(?:st|nd|rd|th)\b")
NAME_RE = re.compile(r"[A-Za-z][-‑]?\d[\d.]*|\b\d+[A-Z][A-Za-z]*\b|\w\(\d+\)")
YEAR_RE = re.compile(r"^(?:1[89]\d\d|2[01]\d\d)$")
DIGIT_RE = re.compile(r"\d")
DECADE_RE = re.compile(r"\b(?:1[89]|2[01])\d0s\b")


@dataclass(frozen=True)
class TypedNumber:
    line: int
    col: int  # 1-based, in the source line; 0 when the text could not be found there
    text: str


def _blank(m: re.Match) -> str:
    return " " * (m.end() - m.start())


def _masked(text: str) -> str:
    """The text with every accepted non-figure blanked out, same length."""
    for pattern in (ISO_DATE_RE, DAY_MONTH_RE, ORDINAL_RE, NAME_RE, DECADE_RE):
        text = pattern.sub(_blank, text)
    return text


def _column(number: str, line: str) -> int:
    """1-based column of number standing alone in line (not inside a longer number or word), or 0."""
    start = line.find(number)
    while start >= 0:
        end = start + len(number)
        before = line[start - 1] if start else ""
        after = line[end] if end < len(line) else ""
        if not (before and (before.isalnum() or before in "_.,")) and not (after.isalnum() or after == "_"):
            return start + 1
        start = line.find(number, start + 1)
    return 0


def typed_numbers(runs, source: str) -> list[TypedNumber]:
    """Figures in prose runs [(line, text)] that are not years, dates, ordinals or parts of names."""
    lines = source.split("\n")
    found = []
    for line, text in runs:
        if not DIGIT_RE.search(text):
            continue
        masked = _masked(text)
        for m in NUMBER_RE.finditer(masked):
            number = m.group(0).strip()
            if YEAR_RE.match(number):
                continue
            src_line = lines[line - 1] if 0 < line <= len(lines) else ""
            col = _column(number, src_line)
            found.append(TypedNumber(line, col, number))
    return found


def prose_runs(tokens) -> list[tuple[int, str]]:
    """(line, text) for each physical line of prose: text only, never code, roles or markup."""
    runs = []
    for token in tokens:
        if token.type != "inline" or not token.map:
            continue
        line = token.map[0] + 1
        current = []
        for child in token.children or []:
            if child.type == "text":
                current.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                runs.append((line, "".join(current)))
                current, line = [], line + 1
            else:
                current.append(" ")
        runs.append((line, "".join(current)))
    return [(line, text) for line, text in runs if text.strip()]
