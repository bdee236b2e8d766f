"""Load facts: sources and facts from YAML into a FactBook, each with its file:line."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from factpress.errors import Diagnostics, SourceLocation
from factpress.fields import Reader, did_you_mean
from factpress.quantities import CHANGE_BASES, CHANGE_UNITS, PERIOD_RE, SCALES, UNITS, Change, Quantity, parse_fraction, period_text
from factpress.sources import Sources
from factpress import memo
from factpress.yamlfile import YList, YMap, parse_yaml_file

SOURCE_FIELDS = {"id", "title", "publisher", "date", "url", "note"}
FACT_FIELDS = {"id", "label", "value", "scale", "unit", "noun", "period", "region", "entity", "source",
               "change", "note", "tags", "approx", "decimals", "display_scale"}
CHANGE_FIELDS = {"value", "unit", "basis"}


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    date: str
    url: str
    note: str
    loc: SourceLocation


@dataclass(frozen=True)
class Fact:
    id: str
    label: str
    quantity: Quantity
    period: str
    region: str
    entity: str
    source: str
    change: Change | None
    note: str
    tags: tuple[str, ...]
    loc: SourceLocation

    @property
    def value_text(self) -> str:
        return self.quantity.format()

    @property
    def raw(self) -> str:
        return self.quantity.raw()

    @property
    def unit(self) -> str:
        return self.quantity.unit

    @property
    def period_text(self) -> str:
        return period_text(self.period)

    @property
    def subject(self) -> str:
        return self.entity or self.region

    def fingerprint(self) -> str:
        """Everything that can change how this fact shows anywhere."""
        return repr((self.label, self.quantity, self.period, self.region, self.entity, self.source, self.change, self.note, self.tags))


@dataclass
class FactBook:
    facts: dict[str, Fact] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)  # defined, but with errors already reported
    incomplete: bool = False  # a facts file could not be read: any id may have been in it
    sources_incomplete: bool = False

    def reported(self, fact_id: str) -> bool:
        """True when a reference to this missing fact is a consequence of an error already reported."""
        loose = fact_id.lower().replace("_", "-")
        return self.incomplete or any(loose == bad.lower().replace("_", "-") for bad in self.invalid)

    def citing(self, source_id: str) -> list[Fact]:
        return [f for f in self.facts.values() if f.source == source_id]

    def select(self, tag: str = "", region: str = "") -> list[Fact]:
        return [f for f in self.facts.values()
                if (not tag or tag in f.tags) and (not region or region in (f.region, f.entity))]

    def suggest(self, fact_id: str) -> str:
        return did_you_mean(fact_id, self.facts)


def _entries(data, file_rel: str, key: str, diags: Diagnostics, blank: bool) -> YList | None:
    if data is None:
        if not blank:
            return None  # the parse error is already reported
        diags.error(SourceLocation(file_rel, 1), f"empty file: expected a '{key}:' list")
        return None
    if not isinstance(data, YMap) or key not in data:
        loc = data.loc if isinstance(data, (YMap, YList)) else SourceLocation(file_rel, 1)
        diags.error(loc, f"expected a mapping with a '{key}:' list at the top")
        return None
    extra = [k for k in data if k != key]
    for k in extra:
        diags.error(data.key_at(k), f"unknown top-level field '{k}'", f"only '{key}:' belongs here")
    entries = data[key]
    if not isinstance(entries, YList):
        diags.error(data.at(key), f"'{key}' must be a list")
        return None
    return entries


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _load_source(m: YMap, diags: Diagnostics) -> Source | None:
    r = Reader(m, diags, "source", SOURCE_FIELDS)
    sid = r.id()
    r.owner = f"source '{sid}'" if sid else "source"
    url = r.text("url")
    if url and not url.startswith(("https://", "http://")):
        r.error("url", f"url must start with https:// or http://, not '{url}'")
    src = Source(sid, r.text("title", True), r.text("publisher", True), r.date("date", True), url, r.text("note"), m.loc)
    return src if sid else None


def _load_value(r: Reader, unit: str):
    raw = r.m.get("value")
    if unit == "fraction" and isinstance(raw, str):
        frac = parse_fraction(raw)
        if frac is None:
            r.error("value", f"a fraction is written like \"1/3\", not '{raw}'")
        return frac
    value = r.get("value", Decimal, required=True)
    return value


def _load_change(r: Reader) -> Change | None:
    m = r.get("change", dict)
    if m is None:
        return None
    cr = Reader(m, r.diags, f"{r.owner} change", CHANGE_FIELDS)
    value = cr.get("value", Decimal, required=True)
    unit = cr.choice("unit", tuple(CHANGE_UNITS), required=True)
    basis = cr.choice("basis", CHANGE_BASES, required=True)
    if value is None or unit is None or basis is None:
        return None
    return Change(value, unit, basis)


def _load_fact(m: YMap, diags: Diagnostics) -> tuple[Fact, bool]:
    errors_before = len(diags.errors)
    r = Reader(m, diags, "fact", FACT_FIELDS)
    fid = r.id()
    r.owner = f"fact '{fid}'" if fid else "fact"

    label = r.text("label", required=True)
    unit = r.choice("unit", tuple(UNITS), required=True)
    value = _load_value(r, unit or "")
    scale = r.choice("scale", tuple(SCALES), default="none")
    period = r.text("period", required=True)
    if period and not PERIOD_RE.match(period):
        r.error("period", f"period '{period}' is not YYYY, YYYY-H1, YYYY-Q2, YYYY-MM or YYYY-MM-DD")
    region, entity = r.text("region"), r.text("entity")
    if not region and not entity:
        diags.error(m.loc, f"{r.owner}: needs a 'region' or an 'entity'")
    decimals = r.get("decimals", int)
    if decimals is not None and not 0 <= decimals <= 10:
        r.error("decimals", "'decimals' must be from 0 to 10")
        decimals = None
    display_scale = r.choice("display_scale", tuple(SCALES) + ("auto",))
    if isinstance(value, Fraction) and unit != "fraction":
        r.error("value", "only a fact with unit 'fraction' can be written as a fraction")
    quantity = Quantity(value if value is not None else Decimal(0), unit or "count", scale, r.text("noun"),
                        bool(r.get("approx", bool, default=False)), decimals, display_scale)
    fact = Fact(fid, label, quantity, period, region, entity, r.text("source", required=True), _load_change(r),
                r.text("note"), tuple(r.strings("tags")), m.loc)
    return fact, bool(fid) and len(diags.errors) == errors_before


def _each_mapping(entries: YList, what: str, diags: Diagnostics):
    for i, item in enumerate(entries):
        if isinstance(item, YMap):
            yield item
        else:
            diags.error(entries.at(i), f"each {what} must be a mapping of fields")


# Facts made in the last build, by the parsed YAML mapping they came from (kept alive, and so
# unchanged, while their file's text is): a long-running preview rebuilds only the facts of edited files.
_made: dict[int, tuple[YMap, Fact, bool, tuple]] = {}
_made_now: dict[int, tuple[YMap, Fact, bool, tuple]] = {}


def _load_fact_once(m: YMap, diags: Diagnostics) -> tuple[Fact, bool]:
    if not memo.KEEP:
        return _load_fact(m, diags)
    hit = _made.get(id(m))
    if hit is None or hit[0] is not m:
        local = Diagnostics()
        fact, ok = _load_fact(m, local)
        hit = (m, fact, ok, tuple(local.items))
    _made_now[id(m)] = hit
    diags.items.extend(hit[3])
    return hit[1], hit[2]


def load_facts(sources: Sources, diags: Diagnostics) -> FactBook:
    global _made, _made_now
    try:
        return _load_facts(sources, diags)
    finally:
        _made, _made_now = _made_now, {}


def _load_facts(sources: Sources, diags: Diagnostics) -> FactBook:
    book = FactBook(incomplete=sources.failed_under("content/facts/"),
                    sources_incomplete=sources.failed_under("content/sources"))
    for file in sources.of_kind("sources"):
        data = parse_yaml_file(file.text, file.rel, diags)
        book.sources_incomplete |= data is None
        entries = _entries(data, file.rel, "sources", diags, not file.text.strip() or data is None and _only_comments(file.text))
        for m in _each_mapping(entries or [], "source", diags):
            src = _load_source(m, diags)
            if src is None:
                continue
            if src.id in book.sources:
                diags.error(src.loc, f"duplicate source '{src.id}' (first defined at {book.sources[src.id].loc})")
                continue
            book.sources[src.id] = src
    seen: dict[str, SourceLocation] = {}
    checked: list[Fact] = []
    for file in sources.of_kind("facts"):
        before = len(diags.errors)
        data = parse_yaml_file(file.text, file.rel, diags)
        book.incomplete |= len(diags.errors) > before and not isinstance(data, YMap)
        entries = _entries(data, file.rel, "facts", diags, data is None and _only_comments(file.text))
        for m in _each_mapping(entries or [], "fact", diags):
            fact, ok = _load_fact_once(m, diags)
            if not fact.id:
                continue
            if fact.id in seen:
                diags.error(fact.loc, f"duplicate fact '{fact.id}' (first defined at {seen[fact.id]})")
                continue
            seen[fact.id] = fact.loc
            checked.append(fact)
            if ok:
                book.facts[fact.id] = fact
            else:
                book.invalid.add(fact.id)
    for fact in checked:
        if fact.source and fact.source not in book.sources and not book.sources_incomplete:
            hint = did_you_mean(fact.source, book.sources) or "sources are listed in content/sources.yaml"
            diags.error(fact.loc, f"fact '{fact.id}': unknown source '{fact.source}'", hint)
    return book
