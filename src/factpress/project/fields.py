"""Reading typed fields out of located YAML mappings, with precise messages."""
from __future__ import annotations

import datetime
import difflib
import re
from decimal import Decimal

from factpress.shared.diagnostics import Diagnostics, SourceLocation
from factpress.project.strict_yaml import INVALID, YList, YMap, written

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")

TYPE_NAMES = {str: "text", int: "a whole number", Decimal: "a number", list: "a list", dict: "a mapping", bool: "true or false"}


def impossible_date(text: str) -> str:
    """Why a date written YYYY-MM-DD (alone or ending a longer period) is not a day of the calendar ('' when it is)."""
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})$", text)
    if not m:
        return ""
    try:
        datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return f"{text} is not a day of the calendar"
    return ""


def shown(text: str) -> str:
    """Text for a message: control characters (a line break) written as escapes, never acted on."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class Reader:
    """Takes fields from one mapping; every problem names the file, line and owner."""

    def __init__(self, mapping: YMap, diags: Diagnostics, owner: str, allowed: set[str]):
        self.m = mapping
        self.diags = diags
        self.owner = owner
        for key in mapping:
            if key not in allowed:
                self.diags.error(mapping.key_at(key), f"{owner}: unknown field '{key}'", did_you_mean(key, allowed))

    def at(self, key: str) -> SourceLocation:
        return self.m.at(key)

    def error(self, key: str, message: str, hint: str = "") -> None:
        self.diags.error(self.m.at(key), f"{self.owner}: {message}", hint)

    def get(self, key: str, kind, required: bool = False, default=None):
        if key not in self.m or self.m[key] is None:
            if required:
                self.diags.error(self.m.loc, f"{self.owner}: missing required field '{key}'")
            return default
        value = self.m[key]
        if value is INVALID:
            return default
        if kind is Decimal and isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if kind is str and isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return written(value)  # as typed: 1.0e3 stays 1.0e3
        if kind is dict and isinstance(value, YMap):
            return value
        if kind is list and isinstance(value, YList):
            return value
        if isinstance(value, kind) and not (kind is not bool and isinstance(value, bool)):
            return value
        self.error(key, f"'{key}' must be {TYPE_NAMES.get(kind, kind.__name__)}, not {describe(value)}")
        return default

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.get(key, str, required, default)
        if required and isinstance(self.m.get(key), str) and not self.m[key].strip():
            self.error(key, f"'{key}' is empty")
        return value

    def choice(self, key: str, choices, required: bool = False, default=None):
        value = self.get(key, str, required, default)
        if value is not None and value not in choices:
            self.error(key, f"'{key}' must be one of {', '.join(choices)}, not '{value}'", did_you_mean(value, choices))
            return default
        return value

    def id(self, key: str = "id") -> str:
        value = self.text(key, required=True)
        if value and not ID_RE.fullmatch(value):
            self.error(key, f"id '{value}' must be kebab-case: lower-case letters, digits and single hyphens")
        return value

    def strings(self, key: str) -> list[str]:
        value = self.get(key, list, default=[])
        out = []
        for i, item in enumerate(value or []):
            if isinstance(item, (str, int, Decimal)) and not isinstance(item, bool):
                out.append(written(item))
            else:
                self.diags.error(value.at(i), f"{self.owner}: each entry of '{key}' must be text")
        return out

    def date(self, key: str, required: bool = False) -> str:
        value = self.text(key, required)
        if value and not DATE_RE.fullmatch(value):
            self.error(key, f"'{key}' must be a date written YYYY-MM-DD, not '{shown(value)}'")
            return ""
        if value and impossible_date(value):
            self.error(key, f"{key} {impossible_date(value)}")
            return ""
        return value

    def seconds(self, key: str, default: float, most: float) -> float:
        """A positive number of seconds, at most `most`."""
        value = self.get(key, Decimal)
        if value is None:
            return default
        if not 0 < value <= most:
            self.error(key, f"'{key}' must be a number of seconds above 0 and at most {most:g}, not {written(value)}")
            return default
        return float(value)


def describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, Decimal)):
        return f"the number {written(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = shown(str(value))
    return f"'{text if len(text) <= 40 else text[:30] + '…'}'"
