"""Derived facts: `formula:` over other facts, computed exactly (Fraction) in base units, with units
checked (energy cannot be added to a percentage, yuan to dollars), shown in the fact's `unit:` and
rounded once, at display. Cycles, unknown ids and division by zero are errors at the fact."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar
from decimal import Decimal
from fractions import Fraction

from factpress.facts.formula import Node, fact_ids
from factpress.facts.model import Derivation, Fact, FactBook
from factpress.facts.quantities import plain, to_decimal
from factpress.facts.units import Dims, UnitSpec, base_name, combine, dims_words
from factpress.project.strict_yaml import MAX_DIGITS
from factpress.shared.diagnostics import Diagnostics, SourceLocation


@dataclass(frozen=True)
class FormulaRecipe:
    kind: ClassVar[str] = "formula"
    text: str
    node: Node
    loc: SourceLocation
    unit: UnitSpec  # the unit to show the result in
    value: Decimal | None = None  # a value the fact also types, to agree with the result at its decimals
    value_loc: SourceLocation | None = None


@dataclass(frozen=True)
class Amount:
    value: Fraction  # in base units
    dims: Dims
    approx: bool
    what: str  # how a message names it: "total-2017 (MWh, an energy)"
    absolute: bool = False  # a reading on a scale with an offset (degC), in base units: only differences add up


OFFSET_RULE = ("only the difference of two such readings, or a reading plus or minus a difference, "
               "has a single meaning")


class FormulaFailed(Exception):
    """message '' : the formula reads a fact whose own error is already reported."""

    def __init__(self, message: str = "", hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


def _words(dims: Dims) -> str:
    words = dims_words(dims)
    return words if not dims else f"{words}, {base_name(dims)}"


class _Evaluator:
    def __init__(self, book: FactBook):
        self.book = book

    def fact(self, fid: str) -> Amount:
        fact = self.book.facts.get(fid)
        if fact is None:
            if self.book.reported(fid):
                raise FormulaFailed()
            raise FormulaFailed(f"formula names unknown fact '{fid}'", self._hint(fid))
        spec = fact.quantity.unit_spec
        return Amount(fact.quantity.si, spec.dims, fact.quantity.approx, f"{fid} ({spec.written}, {spec.dims_words})",
                      absolute=bool(spec.offset))

    def _hint(self, fid: str) -> str:
        parts = fid.split("-")
        for i in range(1, len(parts)):
            left, right = "-".join(parts[:i]), "-".join(parts[i:])
            if left in self.book.facts and right in self.book.facts:
                return f"to subtract, put spaces around the minus sign: '{left} - {right}'"
        return self.book.suggest(fid)

    def eval(self, node: Node) -> Amount:
        if node.kind == "number":
            return Amount(Fraction(node.value), (), False, node.text)
        if node.kind == "fact":
            return self.fact(node.value)
        left = self.eval(node.left)
        if node.kind == "neg":
            self._offsets(node, left)
            return Amount(-left.value, left.dims, left.approx, node.text)
        right = self.eval(node.right)
        absolute = self._offsets(node, left, right)
        approx = left.approx or right.approx
        if node.kind in ("+", "-"):
            if left.dims != right.dims:
                verb = f"adds {right.what} to {left.what}" if node.kind == "+" else f"subtracts {right.what} from {left.what}"
                raise FormulaFailed(f"formula {verb}: the units are not compatible")
            value = left.value + right.value if node.kind == "+" else left.value - right.value
            return Amount(value, left.dims, approx, f"'{node.text}' ({_words(left.dims)})", absolute)
        if node.kind == "*":
            dims = combine(left.dims, right.dims)
            return Amount(left.value * right.value, dims, approx, f"'{node.text}' ({_words(dims)})")
        if right.value == 0:
            raise FormulaFailed(f"formula divides by zero: {right.what.split(' (')[0]} is 0")
        dims = combine(left.dims, right.dims, -1)
        return Amount(left.value / right.value, dims, approx, f"'{node.text}' ({_words(dims)})")

    @staticmethod
    def _offsets(node: Node, left: Amount, right: Amount | None = None) -> bool:
        """Whether the result is a reading on a scale with an offset (20 °C, not a difference of 5 °C);
        FormulaFailed for arithmetic on such readings that has no single meaning (adding two, scaling one)."""
        readings = [a for a in (left, right) if a is not None and a.absolute]
        if not readings:
            return False
        if node.kind == "-" and right is not None and left.absolute:
            return not right.absolute  # reading - reading: a difference; reading - difference: a reading
        if node.kind == "+" and len(readings) == 1:
            return True
        raise FormulaFailed(f"formula '{node.text}' uses {readings[0].what}, a reading on a scale with an offset: "
                            f"{OFFSET_RULE}", "for a difference of temperatures, give the fact a unit such as "
                            "'delta_degC'")


def _result(fact: Fact, recipe: FormulaRecipe, book: FactBook) -> Fact:
    amount = _Evaluator(book).eval(recipe.node)
    unit = recipe.unit
    if amount.dims != unit.dims:
        raise FormulaFailed(f"formula gives {_words(amount.dims)}, but unit '{unit.written}' is {_words(unit.dims)}")
    if unit.offset and not amount.absolute:
        raise FormulaFailed(f"formula gives a difference, but unit '{unit.written}' is a scale with an offset, "
                            "for readings", f"show a difference in a unit such as 'delta_{unit.written}'")
    if amount.absolute and unit.written.startswith("delta_"):
        raise FormulaFailed(f"formula gives a reading, but unit '{unit.written}' is for differences",
                            f"show a reading in '{unit.written[len('delta_'):]}'")
    value = (amount.value - unit.offset) / unit.factor
    if value and not Fraction(1, 10 ** MAX_DIGITS) <= abs(value) < 10 ** MAX_DIGITS:
        raise FormulaFailed(f"formula gives a number {'too large' if abs(value) >= 1 else 'too small'} to show in "
                            f"{unit.written} (a value has at most {MAX_DIGITS} digits before or after the point)")
    if recipe.value is not None:
        places = max(0, -recipe.value.as_tuple().exponent)
        shown = to_decimal(value, places)
        if shown != recipe.value:
            raise FormulaFailed(f"value {plain(recipe.value)} disagrees with the formula, which gives "
                                f"{plain(to_decimal(value, places + 3))} ({plain(shown)} to {places} decimal{'s' if places != 1 else ''})")
    inputs = fact_ids(recipe.node)
    shown_inputs = tuple(f"{book.facts[i].label}, {book.facts[i].period_text}: {book.facts[i].value_text}" for i in inputs)
    sources = tuple(dict.fromkeys([s for i in inputs for s in book.facts[i].sources] + ([fact.source] if fact.source else [])))
    if not sources:
        raise FormulaFailed("formula reads no fact, so nothing says where its numbers come from: give it a 'source:'")
    q = fact.quantity
    quantity = replace(q, value=value, unit=unit.written, scale="none", spec=unit, approx=q.approx or amount.approx)
    return replace(fact, quantity=quantity, source=sources[0], sources=sources,
                   derivation=Derivation(recipe.text, tuple(inputs), shown_inputs), recipe=None)


def derive_facts(book: FactBook, pending: list[Fact], diags: Diagnostics) -> None:
    """Compute every derived fact into book.facts, inputs first; problems are reported at the fact."""
    by_id = {f.id: f for f in pending}
    state: dict[str, str] = {}  # visiting | done | failed
    stack: list[str] = []

    def fail(fid: str) -> None:
        state[fid] = "failed"
        book.facts.pop(fid, None)
        book.invalid.add(fid)

    def visit(fid: str) -> None:
        if state.get(fid) in ("done", "failed"):
            return
        if state.get(fid) == "visiting":
            cycle = stack[stack.index(fid):] + [fid]
            first = min(cycle[:-1], key=lambda i: by_id[i].loc)
            at = cycle.index(first)
            shown = cycle[at:-1] + cycle[:at] + [first]
            diags.error(by_id[first].recipe.loc, f"fact '{first}': formula cycle: {' -> '.join(shown)}",
                        code="formula-cycle", fact=first)
            for member in cycle:
                fail(member)
            return
        state[fid] = "visiting"
        stack.append(fid)
        fact = by_id[fid]
        for ref in fact_ids(fact.recipe.node):
            if ref in by_id:
                visit(ref)
        stack.pop()
        if state[fid] == "failed":
            return
        try:
            book.facts[fid] = _result(fact, fact.recipe, book)
            state[fid] = "done"
        except FormulaFailed as exc:
            if exc.message:
                loc = fact.recipe.value_loc if exc.message.startswith("value ") else fact.recipe.loc
                diags.error(loc, f"fact '{fid}': {exc.message}", exc.hint, code="formula", fact=fid)
            fail(fid)

    for fact in pending:
        book.inputs.update(fact_ids(fact.recipe.node))
        visit(fact.id)
