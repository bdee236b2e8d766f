"""Markdown extensions: the {fact} role and the {facts} / {chart} directive fences.

Each plugin records what a page uses in the render env and leaves a placeholder in the
HTML, so a parsed page stays valid when fact values change and can be cached by its text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

FACT_FIELDS = ("value", "change", "label", "period", "region", "source")
PLACEHOLDER_RE = re.compile("\x00([FTC])(\\d+)\x00")
DIRECTIVE_RE = re.compile(r"^\{([A-Za-z][\w-]*)\}\s*(.*)$")
OPTION_RE = re.compile(r"^:([\w-]+):\s*(.*)$")


@dataclass(frozen=True)
class Use:
    """One use of a fact, fact table or chart in a page, with where it was written."""

    kind: str  # fact | table | chart
    name: str  # fact id, chart id, or "" for a table
    field: str  # for a fact: value, change, ...
    options: tuple[tuple[str, str], ...]
    line: int
    col: int


@dataclass
class PageEnv:
    uses: list[Use] = field(default_factory=list)
    problems: list[tuple[int, int, str]] = field(default_factory=list)  # (line, col, message)

    def add(self, use: Use) -> str:
        self.uses.append(use)
        code = {"fact": "F", "table": "T", "chart": "C"}[use.kind]
        return f"\x00{code}{len(self.uses) - 1}\x00"


def _locate_roles(state: StateCore) -> None:
    """Give every role token its line and column in the source file."""
    lines = state.src.split("\n")
    for token in state.tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        start, end = token.map
        cursor = (start, 0)
        for child in token.children:
            if child.type != "myst_role":
                continue
            needle = f"{{{child.meta.get('name')}}}`"
            line, col = cursor
            while line < end:
                found = lines[line].find(needle, col)
                if found >= 0:
                    cursor = (line, found + 1)
                    child.meta["pos"] = (line + 1, found + 1)
                    break
                line, col = line + 1, 0
            else:
                child.meta["pos"] = (start + 1, 1)


def fact_role_plugin(md: MarkdownIt) -> None:
    """{fact}`id` and {fact}`id.field` as placeholders; other roles are reported."""
    md.core.ruler.after("inline", "factpress_role_lines", _locate_roles)

    def render_role(self, tokens, idx, options, env):
        token = tokens[idx]
        line, col = token.meta.get("pos", (0, 0))
        page: PageEnv = env["page"]
        name = token.meta.get("name", "")
        if name != "fact":
            page.problems.append((line, col, f"unknown role '{{{name}}}'; the role for facts is {{fact}}`id`"))
            return ""
        ref = token.content.strip()
        fact_id, _, fld = ref.partition(".")
        return page.add(Use("fact", fact_id, fld or "value", (), line, col))

    md.add_render_rule("myst_role", render_role)


def parse_options(content: str, first_line: int, page: PageEnv) -> tuple[tuple[str, str], ...]:
    options = []
    for offset, text in enumerate(content.split("\n")):
        if not text.strip():
            continue
        m = OPTION_RE.match(text.strip())
        if not m:
            page.problems.append((first_line + offset, 1, f"directive option must be written ':name: value', not '{text.strip()}'"))
            continue
        options.append((m.group(1), m.group(2).strip()))
    return tuple(options)


def directive_plugin(md: MarkdownIt, directives=("facts", "chart")) -> None:
    """```{facts} and ```{chart} id fences; any other {name} fence is reported."""
    default_fence = md.renderer.rules["fence"]

    def render_fence(self, tokens, idx, options, env):
        token = tokens[idx]
        m = DIRECTIVE_RE.match(token.info.strip())
        if not m:
            return default_fence(tokens, idx, options, env)
        page: PageEnv = env["page"]
        line = token.map[0] + 1 if token.map else 0
        name, argument = m.group(1), m.group(2).strip()
        if name not in directives:
            page.problems.append((line, 1, f"unknown directive '{{{name}}}'; known: {', '.join('{%s}' % d for d in directives)}"))
            return ""
        opts = parse_options(token.content, line + 1, page)
        if name == "facts":
            return page.add(Use("table", argument, "", opts, line, 1)) + "\n"
        if not argument:
            page.problems.append((line, 1, "a {chart} directive needs a chart id: ```{chart} my-chart"))
            return ""
        return page.add(Use("chart", argument, "", opts, line, 1)) + "\n"

    md.add_render_rule("fence", render_fence)
