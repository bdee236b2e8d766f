"""Numbers as readers see them: units, scale words, signs and periods, without float drift."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from factpress.shared.locale import english, group_digits, long_date, month_year, quarter

SCALES = {
    "none": Decimal(1),
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}

# unit -> (template for the number text n, plain-language name used in descriptions)
UNITS = {
    "yuan": ("{n} yuan", "yuan"),
    "usd": ("US${n}", "US dollars"),
    "eur": ("€{n}", "euros"),
    "percent": ("{n}%", "percent"),
    "km2": ("{n} km²", "square kilometres"),
    "count": ("{n}", "count"),
    "fraction": ("{n}", "share"),
}

CHANGE_UNITS = {"percent": "{s}%", "points": "{s} percentage points"}
CHANGE_BASES = ("year-on-year", "month-on-month", "quarter-on-quarter", "period-on-period")

FRACTION_WORDS = {
    Fraction(1, 2): "one half", Fraction(1, 3): "one third", Fraction(2, 3): "two thirds",
    Fraction(1, 4): "one quarter", Fraction(3, 4): "three quarters", Fraction(1, 5): "one fifth",
    Fraction(2, 5): "two fifths", Fraction(3, 5): "three fifths", Fraction(4, 5): "four fifths",
    Fraction(1, 10): "one tenth",
}

PERIOD_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?:(?P<h>H[12])|(?P<q>Q[1-4])|(?P<m>0[1-9]|1[0-2])(?:-(?P<d>0[1-9]|[12]\d|3[01]))?))?$"
)


def group(text: str, language: str = "en") -> str:
    """A plain decimal string with the language's group and decimal separators ("1,470.5" in English)."""
    return group_digits(text, language)


def plain(value: Decimal) -> str:
    """A Decimal as positional text, never in exponent form."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def as_written(value: Decimal, decimals: int | None) -> str:
    if decimals is not None:
        value = value.quantize(Decimal(1).scaleb(-decimals))
        return format(value, "f")
    return format(value, "f")


def pick_scale(base: Decimal) -> str:
    for name in ("trillion", "billion", "million"):
        if abs(base) >= SCALES[name]:
            return name
    return "none"


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as a fact states it."""

    value: Decimal | Fraction
    unit: str
    scale: str = "none"
    noun: str = ""
    approx: bool = False
    decimals: int | None = None
    display_scale: str | None = None  # None keeps the written scale; "auto" picks one

    @property
    def base(self) -> Decimal:
        if isinstance(self.value, Fraction):
            return Decimal(self.value.numerator) / Decimal(self.value.denominator)
        return self.value * SCALES[self.scale]

    def raw(self) -> str:
        """The machine-readable value: base units, exact where the source is exact."""
        if isinstance(self.value, Fraction):
            return plain(round(self.base, 4))
        return plain(self.base)

    def number_text(self, language: str = "en") -> str:
        if isinstance(self.value, Fraction):
            return FRACTION_WORDS.get(self.value, f"{self.value.numerator}/{self.value.denominator}")
        scale = self.scale
        value = self.value
        if self.display_scale is not None:
            scale = pick_scale(self.base) if self.display_scale == "auto" else self.display_scale
            value = self.base / SCALES[scale]
            if self.decimals is None:
                value = Decimal(plain(value))
        text = group(as_written(value, self.decimals), language)
        return text if scale == "none" else f"{text} {scale}"

    def format(self, language: str = "en") -> str:
        """As a reader sees it: "1.47 trillion yuan", "about one third"; digits as the language writes them."""
        template = UNITS[self.unit][0]
        text = template.format(n=self.number_text(language))
        if self.unit == "count" and self.noun:
            text = f"{text} {self.noun}"
        return f"about {text}" if self.approx else text


@dataclass(frozen=True)
class Change:
    value: Decimal
    unit: str
    basis: str

    def format(self, language: str = "en") -> str:
        sign = "+" if self.value > 0 else ("−" if self.value < 0 else "±")
        number = f"{sign}{group(format(abs(self.value), 'f'), language)}"
        return f"{CHANGE_UNITS[self.unit].format(s=number)} {self.basis.replace('-', ' ')}"


@functools.lru_cache(maxsize=4096)
def period_text(period: str, language: str = "en") -> str:
    """A period as the language writes it (CLDR): 2020-07 -> July 2020, 2020-09-05 -> September 5, 2020
    (5 September 2020 in en-GB), 2020-Q2 -> Q2 2020; 2020-H1 -> first half of 2020 (CLDR has no
    half-years: other languages get H1 2020)."""
    m = PERIOD_RE.match(period)
    if not m:
        return period
    year = m["y"]
    if m["h"]:
        if not english(language):
            return f"{m['h']} {year}"
        return f"{'first' if m['h'] == 'H1' else 'second'} half of {year}"
    if m["q"]:
        return quarter(int(year), int(m["q"][1]), language)
    if m["d"]:
        return long_date(period, language)
    if m["m"]:
        return month_year(int(year), int(m["m"]), language)
    return year


def parse_fraction(text: str) -> Fraction | None:
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not m or int(m[2]) == 0:
        return None
    return Fraction(int(m[1]), int(m[2]))
