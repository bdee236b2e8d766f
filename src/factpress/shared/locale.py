"""Dates and numbers as people of the report's language write them, from CLDR (Babel): "5 September
2020" in British English, "September 5, 2020" in American English, "2020年9月5日" in Chinese; digits
grouped "1,470" in English, "1.470" in German. Every date and number the site, the PDF and the
chart descriptions print comes through here, so they agree.

Numbers arrive as exact decimal text ("1470.25"): only the separators are the language's, never
the digits, so a value keeps every decimal its source gave.
"""
from __future__ import annotations

import datetime
import functools
import re

PLAIN_RE = re.compile(r"^(-?)(\d+)(?:\.(\d+))?$")
# English as CLDR writes it, without loading Babel's locale data for the common case: whether the
# day comes first in a long date (tests/test_numbers.py holds these to Babel's output).
DAY_FIRST = {"en": False, "en-US": False, "en-GB": True}
MONTHS = ("January February March April May June July August September October November December").split()


@functools.lru_cache(maxsize=8)
def _cldr_locale(language: str):
    """CLDR's data for a language tag (Babel), or None when it has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def babel_locale(language: str):
    return _cldr_locale(language) or _cldr_locale("en")


def known_language(language: str) -> bool:
    """Whether CLDR knows the language of a tag; English is known without loading its data."""
    return language in DAY_FIRST or _cldr_locale(language) is not None


@functools.lru_cache(maxsize=8)
def number_symbols(language: str) -> tuple[str, str, int, int]:
    """(group separator, decimal separator, primary and secondary group sizes) of the language's
    decimal numbers: (',', '.', 3, 3) in English, ('.', ',', 3, 3) in German, (',', '.', 3, 2) in en-IN."""
    if language in ("en", "en-GB", "en-US"):
        return ",", ".", 3, 3  # the common case, without loading the locale data
    locale = babel_locale(language)
    symbols = locale.number_symbols
    symbols = symbols.get("latn", symbols) if "latn" in symbols else symbols
    primary, secondary = locale.decimal_formats[None].grouping
    return symbols.get("group", ","), symbols.get("decimal", "."), primary, secondary


def group_digits(text: str, language: str = "en") -> str:
    """Plain decimal text ("-1470.25") with the language's separators ("-1,470.25"); other text as it is."""
    m = PLAIN_RE.match(text)
    if not m:
        return text
    sign, whole, frac = m.groups()
    sep, dot, primary, secondary = number_symbols(language)
    parts = []
    if len(whole) > primary:
        parts.append(whole[-primary:])
        whole = whole[:-primary]
        while len(whole) > secondary:
            parts.append(whole[-secondary:])
            whole = whole[:-secondary]
    parts.append(whole)
    grouped = sep.join(reversed(parts))
    return f"{sign}{grouped}{dot}{frac}" if frac is not None else f"{sign}{grouped}"


def _date(iso: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return None


def long_date(iso: str, language: str = "en") -> str:
    """A YYYY-MM-DD date in the language's long form; other text is returned as it is."""
    day = _date(iso)
    if day is None:
        return iso or ""
    if language in DAY_FIRST:
        month = MONTHS[day.month - 1]
        return f"{day.day} {month} {day.year}" if DAY_FIRST[language] else f"{month} {day.day}, {day.year}"
    from babel.dates import format_date

    return format_date(day, "long", locale=babel_locale(language))


def month_year(iso: str, language: str = "en") -> str:
    """A YYYY-MM-DD (or YYYY-MM) date as its month and year: "September 2020"."""
    try:
        day = datetime.date.fromisoformat(iso if len(iso) == 10 else f"{iso}-01")
    except (TypeError, ValueError):
        return iso or ""
    if language in DAY_FIRST:
        return f"{MONTHS[day.month - 1]} {day.year}"
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", day, locale=babel_locale(language))


def quarter(year: int, q: int, language: str = "en") -> str:
    """"Q2 2020", "T2 2020", "2020年第2季度"."""
    if language in DAY_FIRST:
        return f"Q{q} {year}"
    from babel.dates import format_skeleton

    return format_skeleton("yQQQ", datetime.date(year, 3 * q - 2, 1), locale=babel_locale(language))


def english(language: str) -> bool:
    return language == "en" or language.startswith("en-")


# --- amounts outside English: CLDR's patterns for percent, currencies, scale words and "about" ---
# English keeps factpress's own forms ("1.47 trillion yuan", "US$877,200", "about 21.9 TWh", "5.8%").

NUMBER_RE = re.compile(r"[#0-9,.@]+")


def _symbols(language: str) -> dict:
    symbols = babel_locale(language).number_symbols
    return symbols.get("latn", symbols) if "latn" in symbols else symbols


def _around_number(pattern) -> str:
    """A CLDR number pattern's positive part with the number as {n}: '#,##0\u00a0%' -> '{n}\u00a0%'."""
    positive = getattr(pattern, "pattern", pattern).split(";")[0]
    return NUMBER_RE.sub("{n}", positive, count=1).replace("'", "")


@functools.lru_cache(maxsize=16)
def percent_template(language: str) -> str:
    """"{n}%" in English, "{n}\u00a0%" in German and French, "%{n}" in Turkish."""
    if english(language):
        return "{n}%"
    locale = babel_locale(language)
    sign = _symbols(language).get("percentSign", "%")
    return _around_number(locale.percent_formats[None].pattern).replace("%", sign)


@functools.lru_cache(maxsize=64)
def currency_template(code: str, language: str) -> str | None:
    """How an amount of a currency is written in the language ("{n}\u00a0€" in German, "US${n}" in
    Chinese), with CLDR's symbol for it; None in English, which keeps factpress's own forms."""
    if english(language):
        return None
    from babel.numbers import get_currency_symbol

    locale = babel_locale(language)
    symbol = get_currency_symbol(code, locale=locale)
    return _around_number(locale.currency_formats["standard"].pattern).replace("¤", symbol)


@functools.lru_cache(maxsize=16)
def approx_template(language: str) -> str:
    """"about {n}" in English; CLDR's sign of approximation elsewhere: "≈{n}", "約{n}"."""
    if english(language):
        return "about {n}"
    return _symbols(language).get("approximatelySign", "~") + "{n}"


def scaled_amount(text: str, exponent: int, decimals: int, language: str) -> str:
    """A number written in units of 10**exponent (68.2 with 9: 68.2 billion) with the language's
    word for its size, as CLDR's long compact forms give it: "68,2 Milliarden" in German, "682亿" in
    Chinese (which counts in ten thousands). Every digit is kept: the decimal point only moves.
    decimals: the places the number was written with (kept unless the move adds places)."""
    from decimal import Decimal

    number = Decimal(text)
    full = number.scaleb(exponent)
    size = min(full.adjusted(), 14) if full else 0
    locale = babel_locale(language)
    forms = locale.compact_decimal_formats.get("long", {})
    pattern = _pattern_text(forms.get("other", {}).get(str(10 ** size), "0")) if size >= 3 else "0"
    zeros = pattern.count("0")
    if zeros == 0 or pattern.strip("0") == "":  # this language has no word at this size: all digits
        shift = 0
    else:
        shift = size - (zeros - 1)
    shown = full.scaleb(-shift)
    places = max(decimals + shift - exponent, 0)
    shown = shown.quantize(Decimal(1).scaleb(-places)) if places else shown.quantize(Decimal(1))
    digits = format(shown, "f")
    if shift > exponent and "." in digits:  # places the move added, not the source: trailing zeros go
        whole, frac = digits.split(".")
        frac = frac.rstrip("0").ljust(decimals, "0")
        digits = f"{whole}.{frac}" if frac else whole
    grouped = group_digits(digits, language)
    if shift == 0:
        return grouped
    form = locale.plural_form(Decimal(digits))
    pattern = _pattern_text(forms.get(form, {}).get(str(10 ** size)) or pattern)
    return _around_number(pattern).format(n=grouped)


def _pattern_text(pattern) -> str:
    return getattr(pattern, "pattern", pattern)
