"""Markdown extensions: the {fact} role and the {facts} / {chart} directive fences, and the
guards that keep Markdown from dropping what an author wrote.

Each plugin records what a page uses in the render env and leaves a placeholder in the
HTML, so a parsed page stays valid when fact values change and can be cached by its text.
A fact in link text shows without its own link (no link inside a link); in an image's alt text
and in a heading's entry of the contents it shows as plain text (TEXT_RE placeholders, which
name the fact itself, so any template may print them). Nesting deeper than NESTING_LIMIT, a role
without its closing backtick and a role Markdown would show as literal text are errors.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

FACT_FIELDS = ("value", "change", "label", "period", "region", "source")
PLACEHOLDER_RE = re.compile("\x00([FTC])(\\d+)\x00")
TEXT_RE = re.compile("\x00R([A-Za-z0-9_-]+)\\.([a-z]+)\x00")  # a fact as plain text: \x00Rid.field\x00
NESTING_LIMIT = 100  # levels of quotes and lists (a list item is two); real pages use a few
ROLE_TEXT_RE = re.compile(r"\{([A-Za-z][\w-]*)\}(`?)")
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
    too_deep: bool = False  # the nesting limit was reported (once is enough)

    def add(self, use: Use) -> str:
        self.uses.append(use)
        code = {"fact": "F", "table": "T", "chart": "C"}[use.kind]
        return f"\x00{code}{len(self.uses) - 1}\x00"


def _inline_children(children):
    """Inline tokens in source order, an image's alt text included, each with the link it is in."""
    depth = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        yield child, depth > 0
        if child.type == "image" and child.children:
            yield from ((c, depth > 0) for c in child.children)


def _find(lines: list[str], needle: str, cursor: tuple[int, int], end: int) -> tuple[int, int] | None:
    line, col = cursor
    while line < end:
        found = lines[line].find(needle, col)
        if found >= 0:
            return line, found
        line, col = line + 1, 0
    return None


def _locate_roles(state: StateCore) -> None:
    """Give every role token its line and column in the source file, and mark those in link text;
    report roles that Markdown left as literal text (no closing backtick, or no backticks at all)."""
    lines = state.src.split("\n")
    page: PageEnv | None = state.env.get("page") if isinstance(state.env, dict) else None
    for token in state.tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        start, end = token.map
        cursor = (start, 0)
        for child, in_link in _inline_children(token.children):
            if child.type == "text" and page is not None and "{" in child.content:
                cursor = _literal_roles(child.content, lines, cursor, end, page)
            if child.type != "myst_role":
                continue
            child.meta["in_link"] = in_link
            found = _find(lines, f"{{{child.meta.get('name')}}}`", cursor, end)
            if found is None:
                child.meta["pos"] = (start + 1, 1)
                continue
            cursor = (found[0], found[1] + 1)
            child.meta["pos"] = (found[0] + 1, found[1] + 1)


def _literal_roles(text: str, lines: list[str], cursor: tuple[int, int], end: int, page: "PageEnv"):
    """Report each {fact}-like role in plain text: Markdown shows it as it was typed."""
    for m in ROLE_TEXT_RE.finditer(text):
        name, tick = m.group(1), m.group(2)
        if not tick and name != "fact":
            continue  # {braces} in prose
        found = _find(lines, m.group(0), cursor, end)
        if found is None:
            continue
        cursor = (found[0], found[1] + 1)
        if found[1] > 0 and lines[found[0]][found[1] - 1] == "\\":
            continue  # escaped on purpose: \{fact}
        why = ("has no closing backtick" if tick else "needs the fact id in backticks right after it")
        page.problems.append((found[0] + 1, found[1] + 1, f"role {{{name}}} {why}: write {{{name}}}`id`; as it is, "
                                                          "the page would show it as typed"))
    return cursor


def fact_role_plugin(md: MarkdownIt) -> None:
    """{fact}`id` and {fact}`id.field` as placeholders; other roles are reported."""
    md.core.ruler.after("text_join" if "text_join" in md.core.ruler.get_all_rules() else "inline",
                        "factpress_role_lines", _locate_roles)

    def render_role(self, tokens, idx, options, env):
        token = tokens[idx]
        line, col = token.meta.get("pos", (0, 0))
        page: PageEnv = env["page"]
        name = token.meta.get("name", "")
        if name != "fact":
            page.problems.append((line, col, f"unknown role '{{{name}}}'; the role for facts is {{fact}}`id`"))
            return ""
        ref = token.content.strip()
        if ref and not re.fullmatch(r"[\w.-]+", ref):
            page.problems.append((line, col, f"{{fact}}`{ref[:40]}` is not a fact id: is a closing backtick missing?"))
            return ""
        fact_id, _, fld = ref.partition(".")
        return page.add(Use("fact", fact_id, fld or "value", (("in", "link"),) if token.meta.get("in_link") else (),
                            line, col))

    def render_image(self, tokens, idx, options, env):
        token = tokens[idx]
        token.attrs["alt"] = alt_text(token.children or [], env["page"])
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("myst_role", render_role)
    md.add_render_rule("image", render_image)


def text_placeholder(fact_id: str, field: str) -> str:
    """A fact shown as plain text wherever it is printed (an alt text, a heading in the contents)."""
    return f"\x00R{fact_id}.{field}\x00" if re.fullmatch(r"[A-Za-z0-9_-]+", fact_id) and field.isalpha() else ""


def alt_text(children, page: PageEnv) -> str:
    """An image's alt text: its words, and each fact it cites as plain text (a use of the fact)."""
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(alt_text(child.children or [], page))
        elif child.type == "myst_role":
            line, col = child.meta.get("pos", (0, 0))
            name = child.meta.get("name", "")
            if name != "fact":
                page.problems.append((line, col, f"unknown role '{{{name}}}'; the role for facts is {{fact}}`id`"))
                continue
            fact_id, _, fld = child.content.strip().partition(".")
            page.uses.append(Use("fact", fact_id, fld or "value", (("in", "text"),), line, col))
            out.append(text_placeholder(fact_id, fld or "value"))
    return "".join(out)


def nesting_plugin(md: MarkdownIt) -> None:
    """Content nested deeper than NESTING_LIMIT is an error at its line: markdown-it would drop it."""
    md.options["maxNesting"] = NESTING_LIMIT
    tokenize = md.block.tokenize

    def guarded(state, start: int, end: int, *args):
        if state.level >= NESTING_LIMIT:
            line = state.skipEmptyLines(start)
            page = state.env.get("page") if isinstance(state.env, dict) else None
            if line < end and state.sCount[line] >= state.blkIndent and page is not None and not page.too_deep:
                page.too_deep = True
                page.problems.append((line + 1, 1, f"quotes and lists are nested more than {NESTING_LIMIT} levels "
                                                   "deep here; what is inside would not show"))
        return tokenize(state, start, end, *args)

    md.block.tokenize = guarded


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
