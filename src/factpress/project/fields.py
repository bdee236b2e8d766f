"""Reading typed fields out of located YAML mappings, with precise messages."""
from __future__ import annotations

import difflib
import re
from decimal import Decimal

from factpress.shared.diagnostics import Diagnostics, SourceLocation
from factpress.project.strict_yaml import INVALID, YList, YMap

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")

TYPE_NAMES = {str: "text", int: "a whole number", Decimal: "a number", list: "a list", dict: "a mapping", bool: "true or false"}


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
            return str(value)
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
        if value and not ID_RE.match(value):
            self.error(key, f"id '{value}' must be kebab-case: lower-case letters, digits and single hyphens")
        return value

    def strings(self, key: str) -> list[str]:
        value = self.get(key, list, default=[])
        out = []
        for i, item in enumerate(value or []):
            if isinstance(item, (str, int)) and not isinstance(item, bool):
                out.append(str(item))
            else:
                self.diags.error(value.at(i), f"{self.owner}: each entry of '{key}' must be text")
        return out

    def date(self, key: str, required: bool = False) -> str:
        value = self.text(key, required)
        if value and not DATE_RE.match(value):
            self.error(key, f"'{key}' must be a date written YYYY-MM-DD, not '{value}'")
            return ""
        return value


def describe(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, Decimal)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"'{value}'"
