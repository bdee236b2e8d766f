"""Dates as people of the report's language write them, from CLDR (Babel): "5 September 2020" in
British English, "September 5, 2020" in American English, "2020年9月5日" in Chinese."""
from __future__ import annotations

import datetime
import functools


@functools.lru_cache(maxsize=8)
def babel_locale(language: str):
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def long_date(iso: str, language: str = "en") -> str:
    """A YYYY-MM-DD date in the language's long form; other text is returned as it is."""
    try:
        day = datetime.date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso or ""
    from babel.dates import format_date

    return format_date(day, "long", locale=babel_locale(language))


def month_year(iso: str, language: str = "en") -> str:
    """A YYYY-MM-DD (or YYYY-MM) date as its month and year: "September 2020"."""
    try:
        day = datetime.date.fromisoformat(iso if len(iso) == 10 else f"{iso}-01")
    except (TypeError, ValueError):
        return iso or ""
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", day, locale=babel_locale(language))
