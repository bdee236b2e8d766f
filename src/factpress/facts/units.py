"""Units: what a fact's `unit:` means, how an amount in it is written and what it is in base units.

A unit is any expression the unit library (Pint) reads (MWh, t, km, GW, m3/s, kWh/m2), one of the
report's own kinds (currencies by ISO 4217 code, percent, fraction, times, count with a noun), a
count noun or unit the report declares in report.yaml, or a product or quotient of these (USD/MWh).
The report's kinds, the units factpress always knew (km2) and the report's own are read without
loading Pint; Pint is imported, and its registry built, only for the first other unit a process
meets, and only once per process (it takes a few tenths of a second).
"""
from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from factpress.facts import currencies

Dims = tuple[tuple[str, int | Fraction], ...]  # sorted (base unit symbol, exponent); () is a pure number

KINDS = ("percent", "fraction", "times", "count")
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
NAMED = {  # coherent SI units with a name of their own, for the base unit of a dimension
    (("kg", 1), ("m", 2), ("s", -2)): "J", (("kg", 1), ("m", 2), ("s", -3)): "W",
    (("kg", 1), ("m", 1), ("s", -2)): "N", (("kg", 1), ("m", -1), ("s", -2)): "Pa",
}
DIM_WORDS = {
    (): "a pure number", (("m", 1),): "a length", (("m", 2),): "an area", (("m", 3),): "a volume",
    (("kg", 1),): "a mass", (("s", 1),): "a time", (("K", 1),): "a temperature",
    (("kg", 1), ("m", 2), ("s", -2)): "an energy", (("kg", 1), ("m", 2), ("s", -3)): "a power",
    (("m", 3), ("s", -1)): "a flow", (("kg", 1), ("m", 1), ("s", -2)): "a force",
    (("kg", 1), ("m", -1), ("s", -2)): "a pressure",
}
ATOM = r"[A-Za-z_°µμΩ%$€£¥][\w°µμΩ%$€£¥]*[²³¹⁰⁴-⁹]*"
TOKEN = r"\s*(?:(\*\*|\^)\s*(-?\d+)|([*·/()])|(" + ATOM + r"))"  # compiled on first use (re keeps it)


class UnitError(ValueError):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class UnitSpec:
    """A unit as a fact uses it: as written, how an amount is shown, and its place among units."""

    written: str
    kind: str  # currency | percent | fraction | times | count | measure
    template: str  # the amount's text, {n} the number: "{n} MWh", "US${n}", "{n}%"
    name: str  # in words: "megawatt hour", "US dollars"
    dims: Dims = ()
    factor: Fraction = Fraction(1)  # one of this unit in base units
    offset: Fraction = Fraction(0)  # base = value * factor + offset (degC); 0 for all but temperatures
    noun: str = ""  # a count noun: "households"
    singular: str = ""

    @property
    def base(self) -> str:
        """The name of the base unit: J, m², CNY, 1 for a pure number."""
        return base_name(self.dims)

    @property
    def dims_words(self) -> str:
        return dims_words(self.dims)


def _exp(value) -> int | Fraction:
    f = Fraction(value)
    return int(f) if f.denominator == 1 else f


def combine(a: Dims, b: Dims, sign: int = 1) -> Dims:
    out: dict[str, Fraction] = dict(a)
    for name, exp in b:
        out[name] = out.get(name, 0) + sign * exp
    return tuple(sorted((k, _exp(v)) for k, v in out.items() if v != 0))


def _power(symbol: str, exp) -> str:
    return symbol if exp == 1 else f"{symbol}{str(exp).translate(SUPERSCRIPT)}" if isinstance(exp, int) else f"{symbol}^{exp}"


def base_name(dims: Dims) -> str:
    if not dims:
        return "1"
    if dims in NAMED:
        return NAMED[dims]
    up = "·".join(_power(s, e) for s, e in dims if e > 0) or "1"
    down = [_power(s, -e) for s, e in dims if e < 0]
    if not down:
        return up
    return f"{up}/{down[0]}" if len(down) == 1 else f"{up}/({'·'.join(down)})"


def dims_words(dims: Dims) -> str:
    if dims in DIM_WORDS:
        return DIM_WORDS[dims]
    if len(dims) == 1 and dims[0][1] == 1 and currencies.currency_code(dims[0][0]):
        return f"an amount of {dims[0][0]}"
    return f"a quantity in {base_name(dims)}"


def pretty(written: str) -> str:
    """A unit expression as readers see it: km2 -> km², m^3/s -> m³/s, kg*m -> kg·m, degC -> °C."""
    text = re.sub(r"\s*(\*\*|\^)\s*(-?\d+)", lambda m: m.group(2).translate(SUPERSCRIPT), written)
    text = re.sub(r"(?<=[A-Za-z])(\d+)\b", lambda m: m.group(1).translate(SUPERSCRIPT), text)
    text = re.sub(r"\s*\*\s*", "·", text)
    text = text.replace("delta_degC", "°C").replace("delta_degF", "°F")  # a difference: written alike
    return text.replace("degC", "°C").replace("degF", "°F")


def _kind(text: str, nouns: dict[str, str]) -> UnitSpec | None:
    """The report's own kinds of number, read without the unit library."""
    if text in ("percent", "%"):
        return UnitSpec(text, "percent", "{n}%", "percent", factor=Fraction(1, 100))
    if text == "fraction":
        return UnitSpec(text, "fraction", "{n}", "share")
    if text == "times":
        return UnitSpec(text, "times", "{n} times", "times")
    if text == "count":
        return UnitSpec(text, "count", "{n}", "count")
    if text in nouns:
        return UnitSpec(text, "count", "{n}", text, noun=text, singular=nouns[text])
    code = currencies.currency_code(text)
    if code:
        template, name = currencies.written(code)
        return UnitSpec(text, "currency", template, name, ((code, 1),))
    if text == "km2":  # the one measure factpress always had: kept off the unit library's path
        return UnitSpec(text, "measure", "{n} km²", "square kilometre", (("m", 2),), Fraction(10) ** 6)
    return None


def builtin_unit(text: str) -> UnitSpec | None:
    """One of factpress's own kinds, a currency or km2; None for any other unit."""
    return _kind(text, {})


def _cache_folder() -> str | None:
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        folder = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    except RuntimeError:
        return None
    return str(folder / "factpress" / "pint")


@functools.lru_cache(maxsize=1)
def registry():
    """The unit library's registry: built once per process, on first use, with Decimal magnitudes so
    conversions stay exact. Its parsed definitions are kept in the user's cache folder, which
    makes building it ten times quicker the next time."""
    import pint

    try:
        return pint.UnitRegistry(non_int_type=Decimal, cache_folder=_cache_folder())
    except OSError:  # a cache folder that cannot be written: build it from the definitions
        return pint.UnitRegistry(non_int_type=Decimal)


def library_atom(text: str) -> UnitSpec | None:
    """One unit name or symbol from the unit library (MWh, t, degC), or None if it has none such."""
    import pint

    ureg = registry()
    try:
        unit = ureg.parse_units(text)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError, ValueError,
            TypeError, KeyError, AssertionError):  # AssertionError: the library's parser on some symbols (℃)
        return None
    one = ureg.Quantity(Decimal(1), unit).to_base_units()
    zero = ureg.Quantity(Decimal(0), unit).to_base_units().magnitude
    dims = tuple(sorted((ureg.get_symbol(name), _exp(exp)) for name, exp in one.units._units.items()))
    offset = _rational(Fraction(zero))
    factor = _rational(Fraction(one.magnitude) - Fraction(zero))
    name = " ".join(str(unit).replace("_", " ").split())
    return UnitSpec(text, "measure", "{n} " + pretty(text), name, dims, factor, offset)


def _rational(value: Fraction) -> Fraction:
    """The small fraction a library factor stands for when its 28 digits are one rounded (degF's 5/9,
    0.5555555555555555555555555556): conversions stay exact. Other factors as they are."""
    near = value.limit_denominator(10 ** 6)
    return near if abs(near - value) <= abs(value) * Fraction(1, 10 ** 20) else value


class UnitTable:
    """The units one report may use: the built-in kinds, currencies, the unit library, and what its
    report.yaml declares (count nouns, units defined in terms of others). Resolved units are kept
    for the rest of the build."""

    def __init__(self, nouns: dict[str, str] | None = None):
        self.nouns = dict(nouns or {})
        self.own: dict[str, UnitSpec] = {}
        self._seen: dict[str, UnitSpec] = {}
        self._defs: list[tuple[str, str]] = []

    @property
    def key(self) -> tuple:
        """What the report declared: two tables with the same key read every unit alike."""
        return tuple(sorted(self.nouns.items())), tuple(self._defs)

    def define(self, name: str, definition: str) -> UnitSpec:
        """A unit of the report's own: NAME = [number] unit expression (boe = 6.1178632 GJ)."""
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise UnitError("a unit's name is letters, digits and underscores, starting with a letter")
        if _kind(name, self.nouns) is not None:
            raise UnitError("the name is already one of factpress's own units")
        if library_atom(name) is not None:
            raise UnitError(f"'{name}' is already a unit of the unit library ({library_atom(name).name}); "
                            "a report may add units, not redefine them")
        m = re.match(r"^\s*([-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)?\s*(.*?)\s*$", definition)
        number = Fraction(Decimal(m.group(1))) if m.group(1) else Fraction(1)
        if not m.group(2):
            raise UnitError("a definition names the unit it is made of, such as '6.1178632 GJ'")
        inner = self.parse(m.group(2))
        if inner.offset:
            raise UnitError(f"a unit cannot be defined from one with an offset ({inner.written})")
        spec = UnitSpec(name, "measure", "{n} " + name, name, inner.dims, inner.factor * number)
        self.own[name] = spec
        self._defs.append((name, definition))
        self._seen.clear()
        return spec

    def parse(self, text: str) -> UnitSpec:
        """The unit a fact writes, or UnitError with a 'did you mean'."""
        text = text.strip()
        hit = self._seen.get(text)
        if hit is None:
            hit = self._seen[text] = self._parse(text)
        return hit

    def _atom(self, atom: str) -> UnitSpec | None:
        if atom in self.own:
            return self.own[atom]
        found = _kind(atom, self.nouns) or library_atom(atom)
        if found is None and re.search(r"[A-Za-z][\d²³]+$", atom):  # m3, km2, m²: a power written after the name
            name, digits = re.match(r"^(.*?)([\d²³]+)$", atom).groups()
            inner = self._atom(name)
            if inner is not None:
                exp = int(digits.replace("²", "2").replace("³", "3"))
                return UnitSpec(atom, "measure", "{n} " + pretty(atom), atom, tuple((s, e * exp) for s, e in inner.dims),
                                inner.factor ** exp)
        return found

    def _parse(self, text: str) -> UnitSpec:
        single = self.own.get(text) or _kind(text, self.nouns)
        if single is not None:
            return single
        tokens = _tokens(text)
        if len(tokens) == 1 and tokens[0][0] == "atom":
            spec = self._atom(text)
            if spec is None:
                raise self.unknown(text, text)
            return spec
        dims, factor = _Expr(self, tokens, text).run()
        return UnitSpec(text, "measure", "{n} " + pretty(text), pretty(text), dims, factor)

    def unknown(self, atom: str, text: str) -> UnitError:
        where = "" if atom == text else f" in '{text}'"
        return UnitError(f"unknown unit '{atom}'{where}", self.suggest(atom))

    def suggest(self, atom: str) -> str:
        if atom.lower() in currencies.WORDS:
            return f"did you mean '{currencies.WORDS[atom.lower()]}'? Currencies are written as ISO 4217 codes"
        names = list(KINDS) + sorted(currencies.ISO_4217) + list(currencies.ALIASES) + list(self.own) + list(self.nouns)
        try:
            names += [n for n in registry()._units if n.isidentifier()]
        except ImportError:  # pragma: no cover - the unit library is a dependency
            pass
        folded = [n for n in names if n.lower() == atom.lower()] or _recased(atom)
        close = folded or difflib.get_close_matches(atom, names, n=1, cutoff=0.7) or _prefixed(atom, names)
        return f"did you mean {' or '.join(repr(c) for c in close[:2])}?" if close else ""


def _recased(atom: str) -> list[str]:
    """The unit library's units that the atom names in other letter cases (mwh: MWh, mWh)."""
    if len(atom) > 5:
        return []
    found = []
    for mask in range(1, 2 ** len(atom)):
        variant = "".join(c.swapcase() if mask >> i & 1 else c for i, c in enumerate(atom))
        if variant != atom and library_atom(variant) is not None:
            found.append(variant)
    return sorted(found)  # upper case first: MWh before mWh


def _prefixed(atom: str, names: list[str]) -> list[str]:
    """A prefixed unit close to the atom: MWhh -> MWh (the prefix kept, the unit's name corrected)."""
    try:
        prefixes = sorted((p for p in registry()._prefixes if p and atom.startswith(p)), key=len, reverse=True)
    except ImportError:  # pragma: no cover
        return []
    for prefix in prefixes:
        for name in difflib.get_close_matches(atom[len(prefix):], names, n=3, cutoff=0.6):
            if library_atom(prefix + name) is not None:
                return [prefix + name]
    return []


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = re.compile(TOKEN).match(text, pos)
        if not m or m.end() == pos:
            raise UnitError(f"'{text}' is not a unit expression (units are combined with *, / and ^)")
        if m.group(2) is not None:
            out.append(("power", m.group(2)))
        elif m.group(3):
            out.append(("op", m.group(3)))
        else:
            out.append(("atom", m.group(4)))
        pos = m.end()
    if not out:
        raise UnitError("the unit is empty")
    return out


class _Expr:
    """unit (('*' | '/' | ' ') unit)*, where unit is a name, or an expression in parentheses, with a power."""

    def __init__(self, table: UnitTable, tokens, text: str):
        self.table, self.tokens, self.text, self.i = table, tokens, text, 0

    def run(self) -> tuple[Dims, Fraction]:
        dims, factor = self.product()
        if self.i != len(self.tokens):
            raise UnitError(f"'{self.text}' is not a unit expression (unexpected '{self.tokens[self.i][1]}')")
        return dims, factor

    def product(self) -> tuple[Dims, Fraction]:
        dims, factor = self.power()
        while self.i < len(self.tokens) and self.tokens[self.i] != ("op", ")"):
            sign = 1
            if self.tokens[self.i][0] == "op":
                sign = -1 if self.tokens[self.i][1] == "/" else 1
                if self.tokens[self.i][1] not in "*·/":
                    break
                self.i += 1
            d, f = self.power()
            dims, factor = combine(dims, d, sign), factor * f if sign > 0 else factor / f
        return dims, factor

    def power(self) -> tuple[Dims, Fraction]:
        if self.i >= len(self.tokens):
            raise UnitError(f"'{self.text}' is not a unit expression (it ends with an operator)")
        kind, value = self.tokens[self.i]
        self.i += 1
        if (kind, value) == ("op", "("):
            dims, factor = self.product()
            if self.i >= len(self.tokens) or self.tokens[self.i] != ("op", ")"):
                raise UnitError(f"'{self.text}' is not a unit expression (a '(' is not closed)")
            self.i += 1
        elif kind == "atom":
            spec = self.table._atom(value)
            if spec is None:
                raise self.table.unknown(value, self.text)
            if spec.offset:
                raise UnitError(f"'{value}' has an offset (a temperature scale): it cannot be part of a compound unit")
            dims, factor = spec.dims, spec.factor
        else:
            raise UnitError(f"'{self.text}' is not a unit expression (unexpected '{value}')")
        if self.i < len(self.tokens) and self.tokens[self.i][0] == "power":
            exp = int(self.tokens[self.i][1])
            self.i += 1
            dims, factor = tuple((s, e * exp) for s, e in dims), factor ** exp
        return dims, factor
