"""Load facts: sources and facts from YAML into a FactBook, each with its file:line."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from factpress.facts.model import Fact, FactBook, Source
from factpress.facts.periods import period_problem
from factpress.facts.quantities import CHANGE_BASES, CHANGE_UNITS, SCALES, Change, Quantity, parse_fraction
from factpress.facts.units import UnitError, UnitSpec, UnitTable
from factpress.project.fields import Reader, describe, did_you_mean, impossible_date, shown
from factpress.project.files import Sources
from factpress.project.settings import Settings
from factpress.project.strict_yaml import INVALID, YList, YMap, parse_yaml_file
from factpress.shared.cache import BuildCache
from factpress.shared.diagnostics import Diagnostics, SourceLocation

SOURCE_FIELDS = {"id", "title", "publisher", "date", "url", "note", "print_only"}
FACT_FIELDS = {"id", "label", "value", "scale", "unit", "noun", "period", "region", "entity", "source",
               "change", "note", "tags", "approx", "decimals", "display_scale", "from", "formula", "data_only"}
CHANGE_FIELDS = {"value", "unit", "basis"}


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
    print_only = bool(r.get("print_only", bool, default=False))
    if url and print_only:
        r.error("print_only", "a source with a url is not print_only; keep one of the two")
    src = Source(sid, r.text("title", True), r.text("publisher", True), r.date("date", True), url, r.text("note"), m.loc,
                 print_only)
    return src if sid else None


def _read_unit(r: Reader, units: UnitTable, required: bool) -> UnitSpec | None:
    text = r.text("unit", required=required)
    if not text:
        return None
    try:
        return units.parse(text)
    except UnitError as exc:
        r.error("unit", exc.message, exc.hint)
        return None


def _load_value(r: Reader, unit: UnitSpec | None, required: bool):
    raw = r.m.get("value")
    if unit is not None and unit.kind == "fraction" and isinstance(raw, str):
        frac = parse_fraction(raw)
        if frac is None:
            r.error("value", f"a fraction is written like \"1/3\", not {describe(raw)}")
        return frac
    return r.get("value", Decimal, required=required)


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


def _load_fact(m: YMap, diags: Diagnostics, units: UnitTable, language: str = "en") -> tuple[Fact, bool]:
    errors_before = len(diags.errors)
    r = Reader(m, diags, "fact", FACT_FIELDS)
    fid = r.id()
    r.owner = f"fact '{fid}'" if fid else "fact"
    drawn, derived = "from" in m, "formula" in m
    if drawn and derived:
        diags.error(m.key_at("formula"), f"{r.owner}: a fact takes its number from 'value:', 'from:' or 'formula:', "
                                         "not from two of them")

    label = r.text("label", required=True)
    unit = _read_unit(r, units, required=not drawn)
    value = _load_value(r, unit, required=not (drawn or derived))
    scale = r.choice("scale", tuple(SCALES), default="none")
    if (drawn or derived) and "scale" in m:
        r.error("scale", "the scale of a fact drawn from a table or derived comes from it; use 'display_scale' "
                         "to show it in another")
    if unit is not None and unit.kind in ("percent", "fraction") and scale != "none":
        r.error("scale", f"a {'percentage' if unit.kind == 'percent' else 'fraction'} takes no scale")
    period = r.text("period", required=True)
    if period and period_problem(period):
        r.error("period", period_problem(period))
    region, entity = r.text("region"), r.text("entity")
    if not region and not entity:
        diags.error(m.loc, f"{r.owner}: needs a 'region' or an 'entity'")
    decimals = r.get("decimals", int)
    if decimals is not None and not 0 <= decimals <= 10:
        r.error("decimals", "'decimals' must be from 0 to 10")
        decimals = None
    display_scale = r.choice("display_scale", tuple(SCALES) + ("auto",))
    if isinstance(value, Fraction) and (unit is None or unit.kind != "fraction"):
        r.error("value", "only a fact with unit 'fraction' can be written as a fraction")
    recipe = None
    if drawn or derived:  # what reads tables and formulas is imported only for a report that has them
        from factpress.facts.recipes import read_draw, read_formula

        recipe = read_draw(r, value, unit) if drawn else read_formula(r, value, unit)
    quantity = Quantity(value if value is not None else Decimal(0), unit.written if unit else "count", scale,
                        r.text("noun"), bool(r.get("approx", bool, default=False)), decimals, display_scale, unit)
    fact = Fact(fid, label, quantity, period, region, entity, r.text("source", required=not (drawn or derived)),
                _load_change(r), r.text("note"), tuple(r.strings("tags")), m.loc,
                data_only=bool(r.get("data_only", bool, default=False)), language=language, recipe=recipe)
    if drawn and "source" in m:
        r.error("source", "the source of a fact drawn from a table is the table's")
    return fact, bool(fid) and len(diags.errors) == errors_before and not _holds_invalid(m)


def _holds_invalid(value) -> bool:
    """Whether a fact holds a number the YAML reader refused (reported there, before the fact was read):
    such a fact is not used, so a formula reading it is not computed with a stand-in."""
    if value is INVALID:
        return True
    if isinstance(value, dict):
        return any(_holds_invalid(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_invalid(v) for v in value)
    return False


def _each_mapping(entries: YList, what: str, diags: Diagnostics):
    for i, item in enumerate(entries):
        if isinstance(item, YMap):
            yield item
        else:
            diags.error(entries.at(i), f"each {what} must be a mapping of fields")


def _load_fact_once(m: YMap, diags: Diagnostics, cache: BuildCache | None, units: UnitTable,
                    language: str) -> tuple[Fact, bool]:
    """A fact from its parsed mapping; with a cache that keeps inputs, the fact made from this very
    mapping in the last build (kept alive, and so unchanged, while its file's text is) when the
    report's own units and language are as they were."""
    if cache is None or not cache.keep:
        return _load_fact(m, diags, units, language)
    hit = cache.facts.get(id(m))
    if hit is None or hit[0] is not m or hit[1] != (units.key, language):
        local = Diagnostics()
        fact, ok = _load_fact(m, local, units, language)
        hit = (m, (units.key, language), fact, ok, tuple(local.items))
        cache.facts.put(id(m), hit)
    diags.items.extend(hit[4])
    return hit[2], hit[3]


def _load_sources(sources: Sources, book: FactBook, diags: Diagnostics, cache: BuildCache | None) -> None:
    for file in sources.of_kind("sources"):
        data = parse_yaml_file(file.text, file.rel, diags, cache)
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


def unit_table(settings: Settings | None, diags: Diagnostics) -> UnitTable:
    """The units this report may use: factpress's, the unit library's and report.yaml's own."""
    units = UnitTable({plural: singular for plural, singular, _ in settings.nouns} if settings else {})
    for name, definition, loc in settings.units if settings else ():
        try:
            units.define(name, definition)
        except UnitError as exc:
            diags.error(loc, f"settings: unit '{name}': {exc.message}", exc.hint)
    return units


def _load_fact_files(sources: Sources, book: FactBook, diags: Diagnostics, cache: BuildCache | None,
                     units: UnitTable, language: str) -> tuple[list[str], list[Fact], list[Fact]]:
    """Every fact in file order; those drawn from tables and those derived are left to resolve."""
    seen: dict[str, SourceLocation] = {}
    drawn: list[Fact] = []
    derived: list[Fact] = []
    for file in sources.of_kind("facts"):
        before = len(diags.errors)
        data = parse_yaml_file(file.text, file.rel, diags, cache)
        book.incomplete |= len(diags.errors) > before and not isinstance(data, YMap)
        entries = _entries(data, file.rel, "facts", diags, data is None and _only_comments(file.text))
        for m in _each_mapping(entries or [], "fact", diags):
            fact, ok = _load_fact_once(m, diags, cache, units, language)
            if not fact.id:
                continue
            if fact.id in seen:
                diags.error(fact.loc, f"duplicate fact '{fact.id}' (first defined at {seen[fact.id]})")
                continue
            seen[fact.id] = fact.loc
            if fact.source and fact.source not in book.sources and not book.sources_incomplete:
                hint = did_you_mean(fact.source, book.sources) or "sources are listed in content/sources.yaml"
                diags.error(fact.loc, f"fact '{fact.id}': unknown source '{fact.source}'", hint)
                ok = False
            if not ok:
                book.invalid.add(fact.id)
            elif fact.recipe is None:
                book.facts[fact.id] = fact
            else:
                (drawn if fact.recipe.kind == "from" else derived).append(fact)
    return list(seen), drawn, derived


def load_facts(sources: Sources, diags: Diagnostics, cache: BuildCache | None = None,
               settings: Settings | None = None) -> FactBook:
    """Sources, tables and facts; facts drawn from tables and derived ones resolved, in file order;
    each fact shows its numbers and periods as the report's language writes them."""
    book = FactBook(incomplete=sources.failed_under("content/facts/"),
                    sources_incomplete=sources.failed_under("content/sources"))
    _load_sources(sources, book, diags, cache)
    units = unit_table(settings, diags)
    failed = {rel.rsplit("/", 1)[1][:-4] for rel in sources.failed if rel.startswith("content/data/") and rel.endswith(".csv")}
    if failed or sources.of_kind("data") or sources.of_kind("table-schema"):
        from factpress.facts.tables import load_tables

        book.tables = load_tables(sources.files, units, None if book.sources_incomplete else book.sources, diags, cache,
                                  failed)
    order, drawn, derived = _load_fact_files(sources, book, diags, cache, units, settings.language if settings else "en")
    if drawn:
        from factpress.facts.draw import draw_facts

        draw_facts(book, drawn, diags)
    if derived:
        from factpress.facts.derive import derive_facts

        derive_facts(book, derived, diags)
    book.facts = {fid: book.facts[fid] for fid in order if fid in book.facts}
    _warn_shown_as_zero(book, diags)
    return book


def _warn_shown_as_zero(book: FactBook, diags: Diagnostics) -> None:
    """A value that is not zero but rounds to zero where it is shown ("0.00 t", "0 million t") reads
    as a zero: the author is told, at the fact."""
    for fact in book.facts.values():
        q = fact.quantity
        if q.written_fraction or q.exact == 0:
            continue
        text = q.number_text()
        if not any(c in "123456789" for c in text):
            diags.warning(fact.loc, f"fact '{fact.id}' is not zero but shows as '{text}'",
                          "give it more 'decimals:' or another 'display_scale:'", code="shown-as-zero", fact=fact.id)
