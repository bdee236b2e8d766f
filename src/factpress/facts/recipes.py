"""Reading how a fact gets its number when it does not type it: `from:` (a table's cell or rows)
and `formula:` (other facts), each with its file:line."""
from __future__ import annotations

from decimal import Decimal

from factpress.facts.derive import FormulaRecipe
from factpress.facts.draw import AGGREGATES, Condition, DrawRecipe
from factpress.facts.formula import FormulaError, parse_formula
from factpress.facts.units import UnitSpec
from factpress.project.fields import Reader
from factpress.project.strict_yaml import INVALID, YList, YMap

FROM_FIELDS = {"table", "where", "column", "aggregate"}
RANGE_FIELDS = {"from", "to"}


def _condition(where: YMap, column: str, r: Reader) -> Condition | None:
    value, loc = where[column], where.at(column)
    if value is INVALID:
        return None
    if isinstance(value, YList):
        if not value or any(isinstance(v, (YList, YMap)) or v is None for v in value):
            r.diags.error(loc, f"{r.owner}: where: '{column}' lists the values a row may have, such as [2016, 2017]")
            return None
        return Condition(column, "one-of", tuple(value), loc)
    if isinstance(value, YMap):
        rr = Reader(value, r.diags, f"{r.owner} where '{column}'", RANGE_FIELDS)
        low, high = value.get("from"), value.get("to")
        if (low is None and high is None) or any(isinstance(v, (YList, YMap)) for v in (low, high)):
            rr.diags.error(loc, f"{r.owner}: where: a range is written {{from: A, to: B}}")
            return None
        return Condition(column, "range", (low, high), loc)
    if value is None:
        r.diags.error(loc, f"{r.owner}: where: '{column}' needs the value a row has")
        return None
    return Condition(column, "is", value, loc)


def read_draw(r: Reader, value: Decimal | None, unit: UnitSpec | None) -> DrawRecipe | None:
    m = r.get("from", dict)
    if m is None:
        return None
    fr = Reader(m, r.diags, f"{r.owner} from", FROM_FIELDS)
    table = fr.text("table", required=True)
    aggregate = fr.choice("aggregate", AGGREGATES) or ""
    column = fr.text("column", required=aggregate != "count")
    where = fr.get("where", dict)
    conditions = tuple(c for col in (where or {}) if (c := _condition(where, col, r)) is not None)
    if not table or (not column and aggregate != "count") or (where and len(conditions) != len(where)):
        return None
    return DrawRecipe(table, conditions, column, aggregate or "", r.at("from"), value,
                      r.at("value") if value is not None else None, unit)


def read_formula(r: Reader, value: Decimal | None, unit: UnitSpec | None) -> FormulaRecipe | None:
    text = r.text("formula")
    if not text or not text.strip():
        r.error("formula", "formula is empty", "write the fact ids and numbers it computes, such as 'a / b'")
        return None
    try:
        node = parse_formula(text)
    except FormulaError as exc:
        r.error("formula", exc.message, exc.hint)
        return None
    if unit is None:
        return None  # its missing unit is reported
    return FormulaRecipe(text, node, r.at("formula"), unit, value, r.at("value") if value is not None else None)
