"""Periods: the time a fact is about, as one period (2020, 2020-H1, 2020-Q2, 2020-07, 2020-07-31) or
an ISO 8601 interval of two (2001/2017, 2020-01/2020-06), checked against the calendar and shown
in words ("first half of 2020", "2001–2017", "January–June 2020")."""
from __future__ import annotations

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


def _single(m: re.Match, with_year: bool = True) -> str:
    year = f" {m['y']}" if with_year else ""
    if m["h"]:
        return f"{'first' if m['h'] == 'H1' else 'second'} half of{year or ' the year'}"
    if m["q"]:
        return f"{m['q']}{year}"
    if m["d"]:
        return f"{int(m['d'])} {MONTHS[int(m['m']) - 1]}{year}"
    if m["m"]:
        return f"{MONTHS[int(m['m']) - 1]}{year}"
    return m["y"]


def period_text(period: str) -> str:
    """2020-H1 -> first half of 2020; 2020-07 -> July 2020; 2001/2017 -> 2001–2017;
    2020-01/2020-06 -> January–June 2020."""
    ends = period.split("/")
    matches = [PERIOD_RE.match(end) for end in ends]
    if not all(matches) or len(ends) > 2:
        return period
    if len(ends) == 1:
        return _single(matches[0])
    start, end = matches
    if start["y"] == end["y"] and _form(start) in ("m", "q"):
        return f"{_single(start, False)}–{_single(end)}"
    if start["y"] == end["y"] and start["m"] == end["m"] and _form(start) == "d":
        return f"{int(start['d'])}–{_single(end)}"
    if start["y"] == end["y"] and _form(start) == "d":
        return f"{_single(start, False)}–{_single(end)}"
    return f"{_single(start)}–{_single(end)}"
