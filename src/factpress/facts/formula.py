"""Formulas of derived facts: fact ids, numbers, + - * / and parentheses, parsed into a tree.

A fact id may hold hyphens (renewables-2017), so subtraction is written with spaces around the
minus sign: `total-2017 - fossil-2017`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

MAX_TOKENS = 200  # ids, numbers and operators: a formula longer than this is a table's job (aggregate:)
MAX_DEPTH = 20  # parentheses within parentheses
TOKEN_RE = re.compile(r"\s*(?:(\d+\.\d+|\.\d+)|([a-z0-9]+(?:-[a-z0-9]+)*)|([-+*/()]))")


class FormulaError(ValueError):
    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Node:
    kind: str  # number | fact | neg | + | - | * | /
    text: str  # the formula's text for this part
    value: object = None  # a number's Decimal, a fact's id
    left: Node | None = None
    right: Node | None = None


def _tokens(text: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(text.rstrip()):
        m = TOKEN_RE.match(text, pos)
        if not m:
            bad = text[pos:].strip()[:1]
            raise FormulaError(f"formula: unexpected '{bad}' (a formula has fact ids, numbers, + - * / and parentheses)")
        number, word, op = m.groups()
        start = m.start(m.lastindex)
        if number or (word and re.fullmatch(r"\d+", word)):
            out.append(("number", number or word, start))
        elif word:
            out.append(("fact", word, start))
        else:
            out.append(("op", op, start))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def span(self, start: int) -> str:
        end = self.tokens[self.i - 1]
        return self.text[start:end[2] + len(end[1])]

    def parse(self) -> Node:
        if not self.tokens:
            raise FormulaError("formula is empty")
        if len(self.tokens) > MAX_TOKENS:
            raise FormulaError(f"formula is too long: {len(self.tokens)} ids, numbers and operators, at most {MAX_TOKENS}",
                               "to add up many rows, draw the fact from a table with 'aggregate: sum'")
        depth = 0
        for _, value, _ in self.tokens:
            depth += (value == "(") - (value == ")")
            if depth > MAX_DEPTH:
                raise FormulaError(f"formula nests parentheses more than {MAX_DEPTH} deep")
        node = self.sum()
        if self.peek() is not None:
            raise FormulaError(f"formula: unexpected '{self.peek()[1]}'", self._join_hint())
        return node

    def _join_hint(self) -> str:
        return "facts are combined with + - * /" if self.peek()[0] in ("fact", "number") else ""

    def sum(self) -> Node:
        start = self.peek()[2] if self.peek() else 0
        node = self.product()
        while self.peek() and self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.peek()[1]
            self.i += 1
            right = self.product()
            node = Node(op, self.span(start), left=node, right=right)
        return node

    def product(self) -> Node:
        start = self.peek()[2] if self.peek() else 0
        node = self.unary()
        while self.peek() and self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.peek()[1]
            self.i += 1
            right = self.unary()
            node = Node(op, self.span(start), left=node, right=right)
        return node

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise FormulaError("formula ends with an operator")
        if token[0] == "op" and token[1] in ("-", "+"):
            self.i += 1
            inner = self.unary()
            return inner if token[1] == "+" else Node("neg", self.span(token[2]), left=inner)
        return self.atom()

    def atom(self) -> Node:
        kind, value, start = self.peek()
        self.i += 1
        if kind == "number":
            return Node("number", value, Decimal(value))
        if kind == "fact":
            return Node("fact", value, value)
        if value == "(":
            node = self.sum()
            if self.peek() is None or self.peek()[1] != ")":
                raise FormulaError("formula: a '(' is not closed")
            self.i += 1
            return Node(node.kind, self.span(start), node.value, node.left, node.right)
        raise FormulaError(f"formula: unexpected '{value}'")


def parse_formula(text: str) -> Node:
    return _Parser(text).parse()


def fact_ids(node: Node) -> list[str]:
    """The facts a formula reads, in the order it names them, each once."""
    found: list[str] = []

    def walk(n: Node | None) -> None:
        if n is None:
            return
        if n.kind == "fact" and n.value not in found:
            found.append(n.value)
        walk(n.left)
        walk(n.right)

    walk(node)
    return found
