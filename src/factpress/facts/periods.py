"""Periods: the time a fact is about, as one period (2020, 2020-H1, 2020-Q2, 2020-07, 2020-07-31) or
an ISO 8601 interval of two (2001/2017, 2020-01/2020-06), checked against the calendar and shown
in words ("first half of 2020", "2001–2017", "January–June 2020")."""
from __future__ import annotations

import functools
import re

PERIOD_RE = re.compile(
    r"^(?P<y>\d{4})(?:-(?:(?P<h>H[12])|(?P<q>Q[1-4])|(?P<m>0[1-9]|1[0-2])(?:-(?P<d>0[1-9]|[12]\d|3[01]))?))?$"
)
MONTHS = ("January February March April May June July August September October November December").split()
FORMS = "YYYY, YYYY-H1, YYYY-Q2, YYYY-MM, YYYY-MM-DD or an interval such as 2001/2017"


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _form(m: re.Match) -> str:
    return "h" if m["h"] else "q" if m["q"] else "d" if m["d"] else "m" if m["m"] else "y"


def _start(m: re.Match) -> tuple[int, int, int]:
    """The first day of a period, as (year, month, day), for ordering the ends of an interval."""
    year = int(m["y"])
    if m["h"]:
        return year, 1 if m["h"] == "H1" else 7, 1
    if m["q"]:
        return year, 3 * int(m["q"][1]) - 2, 1
    return year, int(m["m"] or 1), int(m["d"] or 1)


def period_problem(period: str) -> str:
    """Why a period is not one, or '' when it is."""
    from factpress.project.fields import shown

    ends = period.split("/")
    if len(ends) > 2:
        return f"period '{shown(period)}' is not {FORMS}"
    matches = [PERIOD_RE.fullmatch(end) for end in ends]
    if not all(matches):
        return f"period '{shown(period)}' is not {FORMS}"
    for end, m in zip(ends, matches):
        if m["d"] and int(m["d"]) > days_in_month(int(m["y"]), int(m["m"])):
            where = "" if len(ends) == 1 else f" '{period}':"
            return f"period{where} {end} is not a day of the calendar"
    if len(ends) == 2:
        start, end = matches
        if _form(start) != _form(end):
            return (f"period '{period}': both ends of an interval are written alike "
                    "(2001/2017, 2020-01/2020-06, 2020-01-01/2020-06-30)")
        if _start(start) >= _start(end):
            return f"period '{period}': the interval must end after it starts"
    return ""


def _day_first(language: str) -> bool:
    """Whether the language writes the day before the month ("5 June 2020", not "June 5, 2020")."""
    from factpress.shared.locale import DAY_FIRST, babel_locale

    if language in DAY_FIRST:
        return DAY_FIRST[language]
    pattern = babel_locale(language).date_formats["long"].pattern
    return pattern.find("d") < pattern.find("M")


def _single(m: re.Match, language: str, with_year: bool = True) -> str:
    """One period in English words; a whole day or month as the language's CLDR long form."""
    from factpress.shared.locale import long_date, month_year

    year = f" {m['y']}" if with_year else ""
    if m["h"]:
        return f"{'first' if m['h'] == 'H1' else 'second'} half of{year or ' the year'}"
    if m["q"]:
        return f"{m['q']}{year}"
    if m["d"]:
        if with_year:
            return long_date(m[0], language)
        month = MONTHS[int(m["m"]) - 1]
        return f"{int(m['d'])} {month}" if _day_first(language) else f"{month} {int(m['d'])}"
    if m["m"]:
        return month_year(m[0], language) if with_year else MONTHS[int(m["m"]) - 1]
    return m["y"]


def _english_interval(start: re.Match, end: re.Match, language: str) -> str:
    form = _form(start)
    if start["y"] == end["y"] and form in ("m", "q"):
        return f"{_single(start, language, False)}–{_single(end, language)}"
    if start["y"] == end["y"] and form == "d":
        if start["m"] == end["m"]:
            month = MONTHS[int(end["m"]) - 1]
            if _day_first(language):
                return f"{int(start['d'])}–{int(end['d'])} {month} {end['y']}"
            return f"{month} {int(start['d'])}–{int(end['d'])}, {end['y']}"
        if _day_first(language):
            return f"{_single(start, language, False)}–{_single(end, language)}"
        return f"{_single(start, language, False)}–{_single(end, language, False)}, {end['y']}"
    return f"{_single(start, language)}–{_single(end, language)}"


def _interval(start: re.Match, end: re.Match, language: str) -> str:
    """Two ends in the language's CLDR interval form ("Januar–Juni 2020"); halves and quarters,
    which CLDR has no intervals for, as their two ends."""
    import datetime

    from babel.dates import format_interval

    from factpress.shared.locale import babel_locale, quarter

    form = _form(start)
    if form in ("h", "q"):
        def one(m):
            return quarter(int(m["y"]), int(m["q"][1]), language) if m["q"] else f"{m['h']} {m['y']}"
        return f"{one(start)}–{one(end)}"
    skeleton = {"y": "y", "m": "yMMMM", "d": "yMMMMd"}[form]
    days = [datetime.date(*_start(m)) for m in (start, end)]
    return format_interval(days[0], days[1], skeleton, locale=babel_locale(language))


@functools.lru_cache(maxsize=4096)
def period_text(period: str, language: str = "en") -> str:
    """A period as the report's language writes it: 2020-H1 -> first half of 2020; 2020-07 -> July
    2020; 2020-09-05 -> September 5, 2020 (5 September 2020 in en-GB, 2020年9月5日 in Chinese);
    2001/2017 -> 2001–2017; 2020-01/2020-06 -> January–June 2020 (CLDR's interval forms outside
    English)."""
    from factpress.shared.locale import english, quarter

    ends = period.split("/")
    matches = [PERIOD_RE.fullmatch(end) for end in ends]
    if not all(matches) or len(ends) > 2:
        return period
    if not english(language):
        if len(ends) == 2:
            return _interval(matches[0], matches[1], language)
        m = matches[0]
        if m["h"]:
            return f"{m['h']} {m['y']}"
        if m["q"]:
            return quarter(int(m["y"]), int(m["q"][1]), language)
        return _single(m, language)
    if len(ends) == 1:
        return _single(matches[0], language)
    return _english_interval(matches[0], matches[1], language)
