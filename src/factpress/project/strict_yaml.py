"""Strict YAML: every value with its file:line, read by the YAML 1.2 core schema and never changed.

Values are composed from the parser's events in one loop (no recursion, so no depth can crash
it): nesting deeper than MAX_DEPTH and aliases that expand a document far beyond its own size are
refused, as Go's yaml refuses them; duplicate and merge keys are refused. A plain scalar is read
as YAML 1.2 reads it (`yes` and `1:30` are text), and a form that YAML 1.1 tools read as another
number (`010`, `0x1F`, `1:30`, `1_000`) is refused with a line saying how to write it. Numbers
are finite and at most MAX_DIGITS digits long written out; each keeps the text it was written as.
"""
from __future__ import annotations

import re
from decimal import Decimal

import yaml
from yaml import events as ev

from factpress.shared.cache import BuildCache
from factpress.shared.diagnostics import Diagnostics, SourceLocation

MAX_DEPTH = 50  # nested mappings and lists; real files use a handful
MAX_DIGITS = 24  # of a number written out in full: exact in the 28-digit decimal arithmetic used on it
ALIAS_BUDGET = 10_000  # values aliases may add to a document before ALIAS_RATIO applies
ALIAS_RATIO = 10  # values aliases may add per value written
FALLBACK_LIMIT = 1_000_000  # characters: larger files keep libyaml's wording of a syntax error


class _Invalid:
    """A value that could not be read; its error is already reported, so readers say nothing more."""

    def __repr__(self) -> str:
        return "INVALID"


INVALID = _Invalid()


class YMap(dict):
    """A mapping that knows where it and each of its values came from."""

    loc: SourceLocation
    key_locs: dict
    value_locs: dict

    def at(self, key) -> SourceLocation:
        return self.value_locs.get(key, self.loc)

    def key_at(self, key) -> SourceLocation:
        return self.key_locs.get(key, self.loc)


class YList(list):
    loc: SourceLocation
    item_locs: list

    def at(self, index: int) -> SourceLocation:
        return self.item_locs[index] if index < len(self.item_locs) else self.loc


class WrittenInt(int):
    """A whole number that remembers how it was written (+5), for fields that show it as text."""

    written: str


class WrittenDecimal(Decimal):
    """A decimal number that remembers how it was written (1.0e3), for fields that show it as text."""

    written: str


def written(value) -> str:
    """A number as the author wrote it; anything else as str() gives it."""
    return getattr(value, "written", None) or str(value)


# ---- YAML 1.2 core schema --------------------------------------------------------------------------

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("null", "bool", "int", "float")}
_COLLECTION_TAGS = {None, "!", _TAG + "map", _TAG + "seq"}
NULLS = {"", "~", "null", "Null", "NULL"}
BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
INT_RE = re.compile(r"[-+]?[0-9]+")
FLOAT_RE = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
NON_FINITE_RE = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
LEADING_ZERO_RE = re.compile(r"[-+]?0[0-9]")
BASE_RE = re.compile(r"([-+]?)0([xXoObB])([0-9a-fA-F_]+)")
BASES = {"x": (16, "a hexadecimal"), "o": (8, "an octal"), "b": (2, "a binary")}
_YAML11 = yaml.resolver.Resolver()  # only to tell what YAML 1.1 tools would read
_YAML11_NUMBERS = {_TAG + "int", _TAG + "float"}
_CONSTRUCT = yaml.constructor.SafeConstructor()


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _shown(text: str) -> str:
    return text if len(text) <= 30 else text[:20] + "…"


def _yaml11(text: str):
    """What YAML 1.1 tools (PyYAML, older libraries) read a plain scalar as: a number, or None for text."""
    tag = _YAML11.resolve(yaml.ScalarNode, text, (True, False))
    if tag not in _YAML11_NUMBERS or len(text) > 40:
        return None
    node = yaml.ScalarNode(tag, text)
    try:
        return _CONSTRUCT.construct_yaml_int(node) if tag.endswith("int") else _CONSTRUCT.construct_yaml_float(node)
    except (ValueError, OverflowError):
        return None


def _number_text(value) -> str:
    return "text" if value is None else format(value, "f") if isinstance(value, Decimal) else repr(value)


def written_digits(value: Decimal) -> int:
    """How many digits a number has written out in full (1e3: 4, 0.001: 4), which MAX_DIGITS bounds."""
    return max(value.adjusted() + 1, 1) + max(-value.as_tuple().exponent, 0)


def number(text: str) -> tuple[object, str]:
    """A YAML 1.2 number from its text: (WrittenInt or WrittenDecimal, "") or (INVALID, why not)."""
    if LEADING_ZERO_RE.match(text):
        now = Decimal(text)
        plain = format(now, "f") if not INT_RE.fullmatch(text) else str(int(now))
        old = _yaml11(text)
        readers = (f" (YAML 1.1 tools read it as {_number_text(old)}, YAML 1.2 as {plain})"
                   if old is None or Decimal(old) != now else "")
        return INVALID, (f"'{_shown(text)}' has a leading zero{readers}; write {plain}, or quote it "
                         f"(\"{_shown(text)}\") if it is a code")
    value = Decimal(text)
    digits = written_digits(value)
    if digits > MAX_DIGITS:
        return INVALID, (f"'{_shown(text)}' is out of range: written out it has {digits} digits, "
                         f"and a value may have at most {MAX_DIGITS}")
    out = WrittenInt(int(text)) if INT_RE.fullmatch(text) else WrittenDecimal(text)
    out.written = text
    return out, ""


def ambiguous(text: str) -> str:
    """Why a plain scalar that is not a decimal number must not be read as text either ('' when it may)."""
    m = BASE_RE.fullmatch(text)
    if m:
        base, name = BASES[m.group(2).lower()]
        try:
            value = f" ({int(m.group(1) + m.group(3).replace('_', ''), base)})" if len(text) <= 40 else ""
        except ValueError:
            return ""
        return (f"'{_shown(text)}' is {name} number{value}; write numbers in decimal, as sources print them, "
                f"or quote it (\"{_shown(text)}\") if it is text")
    old = _yaml11(text)
    if old is None:
        return ""
    how = " (base 60)" if ":" in text else ""
    fix = "without underscores" if "_" in text and ":" not in text else "in decimal"
    return (f"'{_shown(text)}' is ambiguous: YAML 1.1 tools read it as {_number_text(old)}{how}, YAML 1.2 as "
            f"text; quote it (\"{_shown(text)}\") if it is text, or write the number {fix}")


def core_value(text: str) -> tuple[object, str]:
    """A plain scalar by the YAML 1.2 core schema: (value, "") or (INVALID, the reason it is refused)."""
    if text in NULLS:
        return None, ""
    if text in BOOLS:
        return BOOLS[text], ""
    if INT_RE.fullmatch(text) or FLOAT_RE.fullmatch(text):
        return number(text)
    if NON_FINITE_RE.fullmatch(text):
        return INVALID, f"'{text}' is not a finite number"
    why = ambiguous(text)
    return (INVALID, why) if why else (text, "")


# ---- composing values from events --------------------------------------------------------------------


class _Stop(Exception):
    """The document cannot be read further (too deep, too many aliases); its error is reported."""


class _Frame:
    __slots__ = ("value", "anchor", "start", "key", "key_loc")

    def __init__(self, value, anchor, start):
        self.value, self.anchor, self.start = value, anchor, start
        self.key = _NO_KEY
        self.key_loc = None


_NO_KEY = object()  # a mapping waiting for its next key
_SKIP = object()  # the value after a refused key is dropped


class _Composer:
    """Builds YMap / YList / scalars from parser events, with the bounds above."""

    def __init__(self, path: str, diags: Diagnostics):
        self.path, self.diags = path, diags
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[object, int]] = {}  # name -> (value, values in it)
        self.written = 0  # values written in the document
        self.expanded = 0  # values that aliases add
        self.total = 0  # values the document holds, aliases expanded
        self.root = None
        self.documents = 0

    def loc(self, event) -> SourceLocation:
        mark = event.start_mark
        return SourceLocation(self.path, mark.line + 1, mark.column + 1)

    def error(self, event, message: str, hint: str = "") -> None:
        self.diags.error(self.loc(event), message, hint)

    def feed(self, event) -> None:
        if isinstance(event, ev.ScalarEvent):
            self.written += 1
            self.total += 1
            self._done(self._scalar(event), event, 1)
        elif isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            self._open(event)
        elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            frame = self.stack.pop()
            self._done(frame.value, None, self.total - frame.start + 1, frame)
        elif isinstance(event, ev.AliasEvent):
            self._alias(event)
        elif isinstance(event, ev.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self.error(event, "invalid YAML: expected a single document in the stream, but found another document")
                raise _Stop

    def _open(self, event) -> None:
        if len(self.stack) >= MAX_DEPTH:
            self.error(event, f"YAML is nested too deeply (more than {MAX_DEPTH} levels)")
            raise _Stop
        if event.tag not in _COLLECTION_TAGS:
            self.error(event, f"YAML tag '{_tag_name(event.tag)}' is not supported", "write the value without a tag")
        self.written += 1
        self.total += 1
        if isinstance(event, ev.MappingStartEvent):
            value = YMap()
            value.key_locs, value.value_locs = {}, {}
        else:
            value = YList()
            value.item_locs = []
        value.loc = self.loc(event)
        self.stack.append(_Frame(value, event.anchor, self.total))

    def _scalar(self, event):
        tag, text = event.tag, event.value
        if tag in ("!", _TAG + "str") or (tag is None and event.style not in (None, "")):
            return text
        if tag is not None and tag not in _SCALAR_TAGS:
            self.error(event, f"YAML tag '{_tag_name(tag)}' is not supported", "write the value without a tag")
            return INVALID
        value, why = core_value(text)
        if why:
            self.error(event, why)
        return value

    def _alias(self, event) -> None:
        name = event.anchor
        if name not in self.anchors:
            if any(f.anchor == name for f in self.stack):
                self.error(event, f"YAML alias '*{name}' refers to the value it is part of")
            else:
                self.error(event, f"invalid YAML: found undefined alias '*{name}'")
            raise _Stop
        value, size = self.anchors[name]
        self.expanded += size
        self.total += size
        if self.expanded > ALIAS_BUDGET and self.expanded > ALIAS_RATIO * self.written:
            self.error(event, f"YAML aliases expand this file to over {ALIAS_RATIO} times the values written in it "
                              "(excessive aliasing); refused")
            raise _Stop
        self._place(value, self.loc(event))

    def _done(self, value, event, size: int, frame: _Frame | None = None) -> None:
        anchor = frame.anchor if frame is not None else event.anchor
        if anchor is not None:
            self.anchors[anchor] = (value, size)
        self._place(value, frame.value.loc if frame is not None else self.loc(event))

    def _place(self, value, loc: SourceLocation) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        parent = frame.value
        if isinstance(parent, YList):
            parent.append(value)
            parent.item_locs.append(loc)
        elif frame.key is _NO_KEY:
            frame.key, frame.key_loc = self._key(value, loc, parent), loc
        else:
            key, frame.key = frame.key, _NO_KEY
            if key is not _SKIP:
                parent[key] = value
                parent.key_locs[key] = frame.key_loc
                parent.value_locs[key] = loc

    def _key(self, key, loc: SourceLocation, parent: YMap):
        if key is INVALID:
            return _SKIP
        if key == "<<":
            self.diags.error(loc, "YAML merge keys (<<) are not supported")
            return _SKIP
        if isinstance(key, (YMap, YList)) or key is None:
            self.diags.error(loc, "a mapping key must be plain text")
            return _SKIP
        key = written(key)
        if key in parent:
            self.diags.error(loc, f"duplicate key '{key}' (first defined at line {parent.key_locs[key].line})")
            return _SKIP
        return key


# ---- reading a document --------------------------------------------------------------------------------

# libyaml's parser gives the same events with the same marks, several times faster
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _problem_location(path: str, exc: yaml.YAMLError, text: str = "") -> SourceLocation:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None and isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        before = text[: exc.position]
        return SourceLocation(path, before.count("\n") + 1, exc.position - (before.rfind("\n") + 1) + 1)
    if mark is None:
        return SourceLocation(path, 1)
    return SourceLocation(path, mark.line + 1, mark.column + 1)


def _problem_text(text: str, exc: yaml.YAMLError) -> tuple[str, str]:
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    mark = getattr(exc, "problem_mark", None)
    hint = ""
    if "'\\t'" in problem or (mark is not None and _char_at(text, mark) == "\t"):
        problem = "a tab character in indentation"
        hint = "YAML indents with spaces only"
    context = getattr(exc, "context", None)
    if context and not hint:
        problem = f"{context}, {problem}"
    return f"invalid YAML: {problem}", hint


def _char_at(text: str, mark) -> str:
    lines = text.splitlines()
    if 0 <= mark.line < len(lines) and 0 <= mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return ""


def _plain_wording(text: str, exc: yaml.YAMLError) -> yaml.YAMLError:
    """The pure-Python parser words its errors more plainly; its events come without recursion too."""
    if _LOADER is yaml.SafeLoader or len(text) > FALLBACK_LIMIT:
        return exc
    try:
        for _ in yaml.parse(text, Loader=yaml.SafeLoader):
            pass
    except yaml.YAMLError as plain:
        return plain
    return exc


def parse_yaml(text: str, path: str, diags: Diagnostics):
    """Parse one YAML document; problems go to diags and None comes back."""
    composer = _Composer(path, diags)
    before = len(diags.errors)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            composer.feed(event)
    except _Stop:
        return None
    except yaml.YAMLError as exc:
        exc = _plain_wording(text, exc)
        message, hint = _problem_text(text, exc)
        diags.error(_problem_location(path, exc, text), message, hint)
        return None
    data = composer.root
    return data if len(diags.errors) == before or data is not None else None


def parse_yaml_file(text: str, path: str, diags: Diagnostics, cache: BuildCache | None = None):
    """parse_yaml, reusing the result for a file whose text is as it was in the last build when the
    cache keeps inputs (the result is only read, never changed, by its callers)."""
    if cache is None or not cache.keep:
        return parse_yaml(text, path, diags)
    key = (path, text)
    hit = cache.yaml.get(key)
    if hit is None:
        local = Diagnostics()
        hit = (parse_yaml(text, path, local), tuple(local.items))
        cache.yaml.put(key, hit)
    diags.items.extend(hit[1])
    return hit[0]
