"""Diagnostics: where a problem is, what it is, and how errors reach the user."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click


@dataclass(frozen=True, order=True)
class SourceLocation:
    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line and self.col:
            return f"{self.path}:{self.line}:{self.col}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


@dataclass(frozen=True)
class Diagnostic:
    """One problem. Besides its text it says what it is about, as fields a later stage can test:
    code (a short kebab-case kind, such as unknown-fact), the fact id and the chart id involved."""

    location: SourceLocation
    message: str
    severity: str = "error"  # "error" or "warning"
    hint: str = ""
    code: str = ""
    fact: str = ""
    chart: str = ""

    @property
    def file(self) -> str:
        return self.location.path

    def format(self) -> str:
        text = f"{self.location}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return _one_line(text)


@dataclass
class Diagnostics:
    """Problems collected across all stages, reported together."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: SourceLocation, message: str, hint: str = "", *, code: str = "", fact: str = "",
              chart: str = "") -> None:
        self.items.append(Diagnostic(location, message, "error", hint, code, fact, chart))

    def warning(self, location: SourceLocation, message: str, hint: str = "", *, code: str = "", fact: str = "",
                chart: str = "") -> None:
        self.items.append(Diagnostic(location, message, "warning", hint, code, fact, chart))

    def extend(self, other: "Diagnostics") -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def sorted(self) -> list[Diagnostic]:
        """Each problem once, in file order (a plain tuple key: comparing locations as dataclasses
        costs several times more on a build with thousands of warnings)."""
        seen: set[tuple] = set()
        out = []
        for d in sorted(self.items, key=_order):
            key = (d.location, d.severity, d.message, d.hint)
            if key not in seen:
                seen.add(key)
                out.append(d)
        return out

    def warning_lines(self, every: bool = False) -> list[str]:
        """The warnings as a build prints them, in file order: of one kind (code) the first
        SHOWN_PER_KIND, then one line saying how many more there are; every: all of them."""
        lines, shown, hidden = [], {}, {}
        for d in self.sorted():
            if d.severity != "warning":
                continue
            if not every and d.code:
                shown[d.code] = shown.get(d.code, 0) + 1
                if shown[d.code] > SHOWN_PER_KIND:
                    hidden[d.code] = hidden.get(d.code, 0) + 1
                    continue
            lines.append(d.format())
        for code, count in hidden.items():
            lines.append(f"... and {count} more warning{'s' if count != 1 else ''} of this kind ({code}); "
                         "run with -v to list them all")
        return lines


SHOWN_PER_KIND = 10  # warnings of one kind a build prints before it only counts the rest


def _order(d: Diagnostic) -> tuple:
    loc = d.location
    return loc.path, loc.line, loc.col, d.message


def _one_line(text: str) -> str:
    """A message on one line: line breaks become spaces, other control characters show as escapes."""
    text = text.replace("\r\n", " ").replace("\n", " ")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in text)


class FactpressError(click.ClickException):
    """A user error: printed as one line per problem, exit code 1."""

    exit_code = 1

    def __init__(self, message: str, diagnostics: list[Diagnostic] | None = None):
        super().__init__(message)
        self.diagnostics = diagnostics or []

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:  # noqa: D102 - click's hook
        lines = [d.format() for d in self.diagnostics]
        if self.message:
            lines.append(self.message)
        click.echo("\n".join(lines), err=True)


class BuildFailed(FactpressError):
    """The build found errors in the input; nothing was written."""


def relpath(path: Path, root: Path) -> str:
    """A path as the user knows it: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
