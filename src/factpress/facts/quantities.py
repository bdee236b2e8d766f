"""Numbers as readers see them: units, scale words and signs, without float drift; exact
(Decimal or Fraction) until the one rounding at display."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from factpress.facts.periods import PERIOD_RE, period_text  # noqa: F401  (where they used to live)
from factpress.facts.units import UnitSpec, UnitTable, builtin_unit
from factpress.shared.locale import (approx_template, currency_template, english, group_digits, percent_template,
                                      scaled_amount)

SCALES = {
    "none": Decimal(1),
    "thousand": Decimal(10) ** 3,
    "million": Decimal(10) ** 6,
    "billion": Decimal(10) ** 9,
    "trillion": Decimal(10) ** 12,
}

CHANGE_UNITS = {"percent": "{s}%", "points": "{s} percentage points"}
CHANGE_BASES = ("year-on-year", "month-on-month", "quarter-on-quarter", "period-on-period")

DEFAULT_DECIMALS = 2  # a derived value that does not terminate, without decimals: given, is shown to two places

FRACTION_WORDS = {
    Fraction(1, 2): "one half", Fraction(1, 3): "one third", Fraction(2, 3): "two thirds",
    Fraction(1, 4): "one quarter", Fraction(3, 4): "three quarters", Fraction(1, 5): "one fifth",
    Fraction(2, 5): "two fifths", Fraction(3, 5): "three fifths", Fraction(4, 5): "four fifths",
    Fraction(1, 10): "one tenth",
}


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


def exact_decimal(value: Fraction) -> Decimal | None:
    """A fraction as the Decimal it is exactly (3/8 -> 0.375), or None when it does not terminate (1/3)."""
    d, twos, fives = value.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    if d != 1:
        return None
    places = max(twos, fives)
    return _scaled(value.numerator * 10 ** places // value.denominator, places)


def _scaled(n: int, places: int) -> Decimal:
    """n / 10**places as a Decimal with exactly that many places, whatever the context's precision."""
    t = Decimal(n).as_tuple()
    return Decimal((t.sign, t.digits, -places))


def to_decimal(value: Decimal | Fraction, places: int | None = None, otherwise: int = DEFAULT_DECIMALS) -> Decimal:
    """The number rounded once, half to even, to places (None: exactly, or to `otherwise` places
    when it does not terminate)."""
    if isinstance(value, Decimal):
        return value if places is None else value.quantize(Decimal(1).scaleb(-places))
    if places is None:
        exact = exact_decimal(value)
        if exact is not None:
            return exact
        places = otherwise
    return _scaled(round(value * 10 ** places), places)


def _kind_spec(unit: str) -> UnitSpec:
    return builtin_unit(unit) or UnitTable().parse(unit)


@dataclass(frozen=True)
class Quantity:
    """A number with its unit as a fact states it. value is as written (a Decimal in `scale`, or
    a Fraction for unit fraction) or, for a derived or converted fact, the exact result in `unit`."""

    value: Decimal | Fraction
    unit: str
    scale: str = "none"
    noun: str = ""
    approx: bool = False
    decimals: int | None = None
    display_scale: str | None = None  # None keeps the written scale; "auto" picks one
    spec: UnitSpec | None = None  # the unit resolved; None: one of factpress's own kinds, resolved here

    @property
    def unit_spec(self) -> UnitSpec:
        return self.spec if self.spec is not None else _kind_spec(self.unit)

    @property
    def written_fraction(self) -> bool:
        """A share written as a fraction ("1/3"), shown in words."""
        return isinstance(self.value, Fraction) and self.unit_spec.kind == "fraction" and self.decimals is None

    @property
    def exact(self) -> Fraction:
        """The value in the unit, scale applied, exactly."""
        return Fraction(self.value) * Fraction(SCALES[self.scale])

    @property
    def base(self) -> Decimal:
        """The value in the unit, scale applied (1.47 trillion -> 1470000000000)."""
        if isinstance(self.value, Fraction):
            return to_decimal(self.exact, otherwise=28)
        return self.value * SCALES[self.scale]

    @property
    def si(self) -> Fraction:
        """The value in the base unit of its dimension (MWh -> J, km2 -> m², percent -> a pure number)."""
        spec = self.unit_spec
        return self.exact * spec.factor + spec.offset

    def raw(self) -> str:
        """The machine-readable value: the unit's, scale applied, exact where the source is exact."""
        if self.written_fraction:
            return plain(round(self.base, 4))
        if isinstance(self.value, Fraction):
            return plain(to_decimal(self.exact, otherwise=12))
        return plain(self.base)

    def si_text(self) -> str:
        """The value in base units as plain decimal text, exact where it terminates."""
        if self.written_fraction:
            return self.raw()
        si = self.si
        if si == 0 or exact_decimal(si) is not None:
            return plain(to_decimal(si))
        size = len(str(abs(si.numerator) // si.denominator)) if abs(si) >= 1 else -len(str(si.denominator // abs(si.numerator))) + 1
        return plain(to_decimal(si, max(12 - size, 0)))  # twelve significant digits where it does not end

    def shown(self) -> tuple[str, str]:
        """The number as plain decimal text in the scale it is shown in, and that scale."""
        scale = self.scale
        value = self.value
        if self.display_scale is not None:
            scale = pick_scale(self.base) if self.display_scale == "auto" else self.display_scale
            value = self.exact / Fraction(SCALES[scale])
            if self.decimals is None:
                value = Decimal(plain(to_decimal(value)))
        if isinstance(value, Fraction):
            return format(to_decimal(value, self.decimals), "f"), scale
        return as_written(value, self.decimals), scale

    def number_text(self, language: str = "en") -> str:
        if self.written_fraction:
            if english(language):
                return FRACTION_WORDS.get(self.value, f"{self.value.numerator}/{self.value.denominator}")
            return f"{self.value.numerator}/{self.value.denominator}"
        text, scale = self.shown()
        if scale == "none":
            return group(text, language)
        if english(language):
            return f"{group(text, language)} {scale}"
        places = len(text.partition(".")[2])
        return scaled_amount(text, SCALES[scale].adjusted(), places, language)

    def template(self, language: str = "en") -> str:
        """How an amount in the unit is written, {n} the number: the language's own form of
        percent, currencies and multiples outside English ("{n}\u00a0%", "{n}\u00a0€", "{n}×")."""
        spec = self.unit_spec
        if english(language):
            return spec.template
        if spec.kind == "percent":
            return percent_template(language)
        if spec.kind == "currency":
            return currency_template(spec.dims[0][0], language) or spec.template
        if spec.kind == "times":
            return "{n}×"
        return spec.template

    def format(self, language: str = "en") -> str:
        """As a reader sees it: "1.47 trillion yuan", "about one third"; digits as the language writes them."""
        spec = self.unit_spec
        text = self.template(language).format(n=self.number_text(language))
        noun = self.noun or spec.noun
        if spec.kind == "count" and noun:
            one = self.exact == 1 and spec.singular
            text = f"{text} {spec.singular if one else noun}"
        return approx_template(language).format(n=text) if self.approx else text


@dataclass(frozen=True)
class Change:
    value: Decimal
    unit: str
    basis: str

    def format(self, language: str = "en") -> str:
        sign = "+" if self.value > 0 else ("−" if self.value < 0 else "±")
        number = f"{sign}{group(format(abs(self.value), 'f'), language)}"
        shown = percent_template(language).format(n=number) if self.unit == "percent" else CHANGE_UNITS[self.unit].format(s=number)
        return f"{shown} {self.basis.replace('-', ' ')}"


def parse_fraction(text: str) -> Fraction | None:
    m = re.fullmatch(r"\s*(\d{1,24})\s*/\s*(\d{1,24})\s*", text)  # bounded, as every number is
    if not m or int(m[2]) == 0:
        return None
    return Fraction(int(m[1]), int(m[2]))
