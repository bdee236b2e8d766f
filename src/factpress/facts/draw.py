"""Facts drawn from tables: `from: {table, where, column, aggregate}` takes one cell, or reduces the
matching rows, and gives the fact its value, unit, scale and source from the table."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar
from decimal import Decimal
from fractions import Fraction

from factpress.facts.model import Drawn, Fact, FactBook
from factpress.facts.quantities import SCALES, exact_decimal, group, plain, to_decimal
from factpress.facts.tables import TYPE_WORDS, Field, Table, cell_value
from factpress.facts.units import UnitSpec, builtin_unit
from factpress.project.fields import did_you_mean
from factpress.shared.diagnostics import Diagnostics, SourceLocation

AGGREGATES = ("sum", "mean", "min", "max", "count")
ORDERED = ("number", "integer", "year", "date", "yearmonth", "string")


@dataclass(frozen=True)
class Condition:
    column: str
    kind: str  # is | one-of | range
    value: object  # as YAML gave it: a scalar, a list, or (from, to)
    loc: SourceLocation


@dataclass(frozen=True)
class DrawRecipe:
    kind: ClassVar[str] = "from"
    table: str
    where: tuple[Condition, ...]
    column: str
    aggregate: str
    loc: SourceLocation
    value: Decimal | None = None  # a value the fact also types, to agree with the table
    value_loc: SourceLocation | None = None
    unit: UnitSpec | None = None  # the unit to show it in, when the fact gives one


class DrawError(Exception):
    def __init__(self, loc: SourceLocation, message: str, hint: str = ""):
        super().__init__(message)
        self.loc, self.message, self.hint = loc, message, hint


def _typed(value, f: Field, loc: SourceLocation):
    text = ("true" if value else "false") if isinstance(value, bool) else plain(value) if isinstance(value, Decimal) else str(value)
    try:
        return cell_value(text, f.type)
    except ValueError:
        raise DrawError(loc, f"where: column '{f.name}' holds {TYPE_WORDS.get(f.type, f.type)}, not '{text}'") from None


def _matcher(cond: Condition, f: Field):
    if cond.kind == "is":
        wanted = _typed(cond.value, f, cond.loc)
        return lambda cell: cell == wanted
    if cond.kind == "one-of":
        wanted = [_typed(v, f, cond.loc) for v in cond.value]
        return lambda cell: cell in wanted
    if f.type not in ORDERED:
        raise DrawError(cond.loc, f"where: column '{f.name}' holds {f.type} values, which have no order for a range")
    low, high = (_typed(v, f, cond.loc) if v is not None else None for v in cond.value)
    return lambda cell: cell is not None and (low is None or cell >= low) and (high is None or cell <= high)


def _describe(cond: Condition) -> str:
    if cond.kind == "is":
        return f"{cond.column} {cond.value}"
    if cond.kind == "one-of":
        return f"{cond.column} one of {', '.join(str(v) for v in cond.value)}"
    low, high = cond.value
    return f"{cond.column} from {low if low is not None else 'the first'} to {high if high is not None else 'the last'}"


def _select(table: Table, recipe: DrawRecipe) -> list:
    rows = table.rows
    for cond in recipe.where:
        f = table.column(cond.column)
        if f is None:
            raise DrawError(cond.loc, f"where: table '{table.name}' has no column '{cond.column}'",
                            did_you_mean(cond.column, [x.name for x in table.fields]))
        i, match = table.index(cond.column), _matcher(cond, f)
        kept = [r for r in rows if match(r.cells[i])]
        if not kept:
            alone = [r for r in table.rows if match(r.cells[i])]
            hint = ""
            if not alone and cond.kind == "is":
                present = sorted({c for c in table.values(cond.column) if c is not None})
                texts = [plain(c) if isinstance(c, Decimal) else str(c) for c in present]
                close = did_you_mean(str(cond.value), texts) if f.type == "string" else ""
                hint = close or f"it has {', '.join(texts[:6])}{', …' if len(texts) > 6 else ''}"
            which = _describe(cond) if not alone else " and ".join(_describe(c) for c in recipe.where)
            raise DrawError(recipe.loc, f"no row of table '{table.name}' has {which}", hint)
        rows = kept
    return rows


def _lines(rows) -> str:
    lines = [str(r.line) for r in rows]
    return ", ".join(lines[:5]) + (", …" if len(lines) > 5 else "")


def _reduce(table: Table, recipe: DrawRecipe, rows) -> tuple[Decimal | Fraction, Field | None, list]:
    """The value the rows give, the column it came from (None for a count) and the rows it came
    from (for min and max, those that hold the extreme)."""
    if recipe.aggregate == "count":
        return Decimal(len(rows)), None, rows
    f = table.column(recipe.column)
    if f is None:
        raise DrawError(recipe.loc, f"table '{table.name}' has no column '{recipe.column}'",
                        did_you_mean(recipe.column, [x.name for x in table.fields]))
    if f.type not in ("number", "integer"):
        raise DrawError(recipe.loc, f"column '{f.name}' of table '{table.name}' holds {f.type} values, not numbers")
    if len(rows) > 1 and not recipe.aggregate:
        raise DrawError(recipe.loc, f"{len(rows)} rows of table '{table.name}' match ({table.path} lines {_lines(rows)}); "
                        "narrow 'where:' or add 'aggregate:'", f"one of {', '.join(AGGREGATES)}")
    i = table.index(f.name)
    empty = [r for r in rows if r.cells[i] is None]
    if empty:
        raise DrawError(recipe.loc, f"{table.path}:{empty[0].line} has no value in column '{f.name}'")
    cells = [Decimal(r.cells[i]) for r in rows]
    if recipe.aggregate == "sum" and f.spec is not None and f.spec.offset:
        raise DrawError(recipe.loc, f"column '{f.name}' of table '{table.name}' holds readings in {f.spec.written}, "
                        "a scale with an offset: their sum has no single meaning", "use mean, min or max")
    if recipe.aggregate in ("", "sum"):
        return sum(cells, Decimal(0)), f, rows
    if recipe.aggregate == "mean":
        mean = Fraction(sum(cells, Decimal(0))) / len(cells)
        return exact_decimal(mean) if exact_decimal(mean) is not None else mean, f, rows
    extreme = (min if recipe.aggregate == "min" else max)(cells)
    return extreme, f, [r for r, c in zip(rows, cells) if c == extreme]


def _shown(value: Decimal | Fraction, f: Field | None, fact: Fact, recipe: DrawRecipe, table: Table):
    """(value, scale, unit) to show: the table's, or converted to the unit the fact gives."""
    if f is None:  # a count of rows
        return value, "none", builtin_unit("count")
    source = f.spec or recipe.unit
    if source is None:
        raise DrawError(recipe.loc, f"column '{f.name}' of table '{table.name}' has no unit: give it one in its schema "
                        "or give the fact a 'unit:'")
    target = recipe.unit or source
    if f.spec is None or target.written == source.written:
        return value, f.scale, target
    if target.dims != source.dims:
        raise DrawError(recipe.loc, f"unit '{target.written}' ({target.dims_words}) cannot show column '{f.name}' "
                        f"({source.written}, {source.dims_words})")
    if source.offset and target.written.startswith("delta_"):
        raise DrawError(recipe.loc, f"unit '{target.written}' is for differences; column '{f.name}' holds readings "
                        f"in {source.written}", f"show them in '{target.written[len('delta_'):]}'")
    base = Fraction(value) * Fraction(SCALES[f.scale]) * source.factor + source.offset  # a reading: 20 °C is 293.15 K
    exact = (base - target.offset) / target.factor
    return (exact_decimal(exact) if exact_decimal(exact) is not None else exact), "none", target


def _found(table: Table, recipe: DrawRecipe, rows, cell, f: Field | None, value, unit: UnitSpec) -> str:
    """What the table holds, for a message: "content/data/x.csv:52 has 21933 in column 'c'"."""
    text = group(plain(to_decimal(cell, otherwise=6)))
    if len(rows) == 1 and f is not None:
        found = f"{table.path}:{rows[0].line} has {text} in column '{f.name}'"
    else:
        found = f"the {recipe.aggregate} of {len(rows)} rows of {table.path} (lines {_lines(rows)}) is {text}"
    if f is not None and unit.written != (f.unit or unit.written):
        found += f", {group(plain(to_decimal(value, otherwise=6)))} {unit.written}"
    return found


def draw(fact: Fact, recipe: DrawRecipe, table: Table) -> Fact:
    """The fact with its value, unit, scale and sources from the table; DrawError when it cannot be."""
    rows = _select(table, recipe)
    cell, f, rows = _reduce(table, recipe, rows)
    value, scale, unit = _shown(cell, f, fact, recipe, table)
    if recipe.value is not None and Fraction(recipe.value) != Fraction(value):
        raise DrawError(recipe.value_loc or recipe.loc, f"value {plain(recipe.value)} disagrees with the table: "
                        + _found(table, recipe, rows, cell, f, value, unit))
    q = fact.quantity
    quantity = replace(q, value=value, unit=unit.written, scale=scale, spec=unit, noun=q.noun or (f.noun if f else ""))
    sources = table.sources if table.source else tuple(dict.fromkeys(r.source for r in rows))
    drawn = Drawn(table.name, f"data/{table.name}.csv", recipe.column, tuple(r.line for r in rows), recipe.aggregate)
    return replace(fact, quantity=quantity, source=sources[0] if sources else "", sources=sources, drawn=drawn,
                   recipe=None)


def draw_facts(book: FactBook, pending: list[Fact], diags: Diagnostics) -> None:
    """Resolve every fact drawn from a table into book.facts; a failure is reported at the fact."""
    for fact in pending:
        recipe = fact.recipe
        table = book.tables.get(recipe.table)
        if table is None:
            diags.error(recipe.loc, f"fact '{fact.id}': no table '{recipe.table}' in content/data/",
                        did_you_mean(recipe.table, book.tables), code="unknown-table", fact=fact.id)
        elif not table.ok and not table.rows:
            pass  # its errors are reported
        else:
            try:
                book.facts[fact.id] = draw(fact, recipe, table)
                continue
            except DrawError as exc:
                if table.ok:
                    diags.error(exc.loc, f"fact '{fact.id}': {exc.message}", exc.hint, code="draw", fact=fact.id)
        book.facts.pop(fact.id, None)
        book.invalid.add(fact.id)
