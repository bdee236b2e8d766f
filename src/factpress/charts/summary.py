"""What a chart's data says in a sentence or two, for its generated description: for a time
series its start, end, peak and trend, for categories the highest and the lowest.

Only what is true is said. A chart that draws several series (a colour, detail or facet field)
is summed up series by series, each named, never as one line from the first row to the last;
with many series, the few largest at the end and how many others. A series that has more than one
value at a point (an unaggregated scatter) has no start or end, so none is claimed. A change is a
percentage only on a ratio scale starting above zero; on a scale with an offset (°C, °F), one in
percent, or from zero or below, it is the difference."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from factpress.charts.describe import cell_text, number_text
from factpress.charts.plotted import Column

MANY = 4  # series named one by one up to this many; beyond, the largest few
NAMED = 3
UNIT_RE = re.compile(r"\(([^()]+)\)\s*$")
OFFSET_UNIT_RE = re.compile(r"^(?:(?:°|deg|degree\s*)\s*(?:C|F|Ré|Re|De|N|Rø)|℃|℉|degrees?\s+(?:Celsius|Fahrenheit))$", re.I)


@dataclass
class Plot:
    """One view's measure and what it is plotted against: column indexes in the table."""

    measure: int
    dim: int
    series: list[int]
    temporal: bool


def unit_of(column: Column) -> str:
    m = UNIT_RE.search(column.title)
    return m.group(1).strip() if m else ""


def lower_first(title: str, language: str) -> str:
    """A title as it reads inside an English sentence: 'Net generation' -> 'net generation'.
    Left as it is in any other language (German nouns keep their capital) and for a first word
    written in capitals or with a capital inside (GDP, CO2, iPhone)."""
    word = title.split(" ", 1)[0]
    if language.split("-")[0].lower() != "en" or not word.isalpha() or not word[1:].islower() or len(word) < 2:
        return title
    return title[:1].lower() + title[1:]


def _decimal(value) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


class Summary:
    """Sentences about one plot of a table; show(v) writes a value as the site does (a fact's own
    text when a fact the chart read has it), where(d) a point."""

    def __init__(self, table, plot: Plot, show, where, language: str):
        self.table, self.plot, self.show, self.where = table, plot, show, where
        self.language = language
        self.measure = table.columns[plot.measure]
        self.name = lower_first(self.measure.title, language)

    def points(self):
        """(value, point, series name) of every row with a number and a point."""
        m, d, series = self.plot.measure, self.plot.dim, self.plot.series
        for row in self.table.rows:
            if isinstance(row[m], (int, float)) and not isinstance(row[m], bool) and row[d] is not None:
                yield row[m], row[d], ", ".join(self._series_text(row[i], i) for i in series)

    def _series_text(self, value, i: int) -> str:
        return cell_text(value, self.table.columns[i], self.language)

    def series_title(self) -> str:
        return " and ".join(lower_first(self.table.columns[i].title, self.language) for i in self.plot.series)

    def text(self) -> str:
        points = list(dict.fromkeys(self.points()))  # a point two layers draw alike (a label on a line) is one
        if not points:
            return ""
        return self.over_time(points) if self.plot.temporal and len(points) > 1 else self.by_category(points)

    def by_category(self, points) -> str:
        dim = self.table.columns[self.plot.dim]
        by = " and ".join(x for x in (lower_first(dim.title, self.language), self.series_title()) if x)
        text = f"It shows {self.name} by {by}" if by else f"It shows {self.name} for {len(points)} items"
        hi, lo = max(points, key=lambda p: p[0]), min(points, key=lambda p: p[0])
        text += f": highest {self._at(hi)}, {self.show(hi[0])}"
        if len(points) > 1 and lo is not hi:
            text += f"; lowest {self._at(lo)}, {self.show(lo[0])}"
        return text + "."

    def _at(self, point) -> str:
        return f"{self.where(point[1])} ({point[2]})" if point[2] else self.where(point[1])

    def over_time(self, points) -> str:
        ordered = sorted(points, key=lambda p: (_order(p[1])))
        start, end = ordered[0][1], ordered[-1][1]
        if not self.plot.series:
            return self._one_series(ordered, start, end)
        groups: dict[str, list] = {}
        for p in ordered:
            groups.setdefault(p[2], []).append(p)
        text = f"It shows {self.name} by {self.series_title()} from {self.where(start)} to {self.where(end)}"
        lines = [(name, ps) for name, ps in groups.items() if _one_per_point(ps)]
        if len(lines) < len(groups):  # a series with two values at one point has no start nor end to speak of
            return text + f", {len(groups)} series" + self._peak(points) + "."
        if len(lines) > MANY:
            lines.sort(key=lambda item: -item[1][-1][0])
            shown = [self._series_line(name, ps, start, end) for name, ps in lines[:NAMED]]
            return (text + f", {len(lines)} series; the {NAMED} highest at the end: " + "; ".join(shown)
                    + f"; and {len(lines) - NAMED} others" + self._peak(points) + ".")
        shown = [self._series_line(name, ps, start, end) for name, ps in lines]
        return text + ": " + "; ".join(shown) + self._peak(points) + "."

    def _peak(self, points) -> str:
        hi = max(points, key=lambda p: p[0])
        return f". The highest value is {self.show(hi[0])}, {hi[2]} in {self.where(hi[1])}"

    def _series_line(self, name: str, ps, start, end) -> str:
        first, last = ps[0], ps[-1]
        span = "" if (first[1], last[1]) == (start, end) else f" (from {self.where(first[1])} to {self.where(last[1])})"
        if len(ps) == 1:
            return f"{name}{span}, {self.show(first[0])}"
        return f"{name}{span}, {self.show(first[0])} at the start and {self.show(last[0])} at the end, {self.trend(first[0], last[0])}"

    def _one_series(self, ordered, start, end) -> str:
        first, last = ordered[0], ordered[-1]
        text = f"It shows {self.name} from {self.where(start)} to {self.where(end)}"
        if not _one_per_point(ordered):  # many values at one point: no line runs from a start to an end
            hi, lo = max(ordered, key=lambda p: p[0]), min(ordered, key=lambda p: p[0])
            return text + f": highest {self.show(hi[0])} in {self.where(hi[1])}; lowest {self.show(lo[0])} in {self.where(lo[1])}."
        text += f": {self.show(first[0])} at the start and {self.show(last[0])} at the end"
        hi = max(ordered, key=lambda p: p[0])
        if hi not in (first, last):
            text += f", with a peak of {self.show(hi[0])} in {self.where(hi[1])}"
        return text + f"; overall {self.trend(first[0], last[0])}."

    def trend(self, first, last) -> str:
        """'rising, +63.3%', 'falling by 2.1 °C', 'level'."""
        a, b = _decimal(first), _decimal(last)
        if a == b:
            return "level"
        word = "rising" if b > a else "falling"
        unit = unit_of(self.measure)
        if a > 0 and b >= 0 and unit != "%" and not OFFSET_UNIT_RE.match(unit):
            change = (b - a) / a * 100
            return f"{word}, {'+' if change >= 0 else '−'}{number_text(round(abs(change), 1), self.language)}%"
        step = number_text(abs(b - a), self.language)
        if unit == "%":
            return f"{word} by {step} percentage point{'' if abs(b - a) == 1 else 's'}"
        return f"{word} by {step}" + (f" {unit}" if unit else "")


def _order(point):
    return (0, point, "") if isinstance(point, (int, float)) else (1, 0, str(point))


def _one_per_point(points) -> bool:
    seen = [p[1] for p in points]
    return len(set(map(str, seen))) == len(seen)
