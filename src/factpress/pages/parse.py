"""Parse pages: Markdown with front matter into HTML bodies that name the facts and charts they use."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from factpress.shared.diagnostics import Diagnostics, SourceLocation
from factpress.project.fields import Reader
from factpress.pages.plugins import (PageEnv, Use, directive_plugin, fact_role_plugin, nesting_plugin,
                                     text_placeholder)
from factpress.facts.typed_numbers import TypedNumber, prose_runs, typed_numbers
from factpress.project.files import SourceFile
from factpress.project.strict_yaml import YMap, parse_yaml

FRONT_MATTER_FIELDS = {"title", "summary", "order", "slug"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Heading:
    level: int
    id: str
    text: str


@dataclass(frozen=True)
class Link:
    """An address written in a page: a link's or an image's, where it was written."""

    kind: str  # link | image
    target: str
    line: int
    col: int


@dataclass(frozen=True, eq=False)
class Page:
    """A parsed page: everything about it that depends on its own text alone. Pages compare by
    identity: two files with the same text are still two pages, and comparing bodies would be slow."""

    slug: str
    rel: str
    title: str
    summary: str
    order: int
    body: str  # HTML with placeholders for the uses below
    headings: tuple[Heading, ...]
    uses: tuple[Use, ...]
    problems: tuple[tuple[int, int, str, str], ...]  # (line, col, severity, message)
    numbers: tuple[TypedNumber, ...] = ()  # figures typed in prose instead of cited from a fact (each a warning)
    source_sha: str = ""  # of the file's bytes: with rel and the settings, names everything above
    links: tuple[Link, ...] = ()  # every link and image address the author wrote

    @property
    def href(self) -> str:
        return "index.html" if self.slug == "index" else f"{self.slug}.html"

    def loc(self, line: int = 0, col: int = 0) -> SourceLocation:
        return SourceLocation(self.rel, line, col)


@functools.lru_cache(maxsize=4)
def markdown_parser(raw_html: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": raw_html, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(myst_role_plugin).use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=4)
    md.use(fact_role_plugin).use(directive_plugin).use(nesting_plugin)
    return md


def _front_matter(tokens, file: SourceFile, problems: list, diags: Diagnostics) -> YMap | None:
    for token in tokens[:1]:
        if token.type == "front_matter":
            before = len(diags.errors)
            data = parse_yaml("\n" + token.content, file.rel, diags)
            if data is None and len(diags.errors) > before:
                return None  # its error is reported
            if data is None:
                problems.append((1, 1, "error", "front matter is empty: it needs at least 'title:'"))
                return None
            if data is not None and not isinstance(data, YMap):
                problems.append((2, 1, "error", "front matter must be a mapping of fields such as 'title:'"))
                return None
            return data
    return None


def _heading_text(children) -> str:
    """A heading as the contents list shows it: its words, and the facts it cites as plain text."""
    out = []
    for c in children:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type == "myst_role" and c.meta.get("name") == "fact":
            fact_id, _, fld = c.content.strip().partition(".")
            out.append(text_placeholder(fact_id, fld or "value"))
    return "".join(out)


def _links(tokens, text: str) -> tuple[Link, ...]:
    """The links and images of a page, each at the line (and column) where its address is written."""
    lines = text.split("\n")
    out = []
    for token in tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        start, end = token.map
        for child in _with_alt(token.children):
            kind, target = ("link", child.attrGet("href")) if child.type == "link_open" else (
                ("image", child.attrGet("src")) if child.type == "image" else ("", None))
            if not target or child.markup == "autolink":
                continue
            line, col = start + 1, 1
            for i in range(start, min(end, len(lines))):
                found = max(lines[i].find(f"]({target}"), lines[i].find(f"]({unquote(target)}"))
                if found >= 0:
                    line, col = i + 1, found + 3
                    break
            out.append(Link(kind, target, line, col))
    return tuple(out)


def _with_alt(children):
    for child in children:
        yield child
        if child.type == "image" and child.children:
            yield from _with_alt(child.children)


def _headings(tokens) -> tuple[Heading, ...]:
    out = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrs.get("id"):
            out.append(Heading(int(token.tag[1]), str(token.attrs["id"]), _heading_text(tokens[i + 1].children or [])))
    return tuple(out)


def _one_h1(tokens, title: str, problems: list) -> list:
    """The page's h1 is its title. A `# Title` that opens the text and says the same is the same
    heading written twice: it is dropped. Any other h1 would be a second one: an error at its line.
    A page without a title has that error already, and nothing is said of its headings."""
    if not title:
        return tokens
    kept, first_block = [], True
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "front_matter":
            kept.append(token)
            i += 1
            continue
        if token.type == "heading_open" and token.tag == "h1":
            text = tokens[i + 1].content.strip()
            plain = "".join(c.content for c in tokens[i + 1].children or [] if c.type in ("text", "code_inline"))
            if first_block and token.level == 0 and " ".join(plain.split()) == " ".join(title.split()):
                i += 3  # heading_open, inline, heading_close
                first_block = False
                continue
            line = token.map[0] + 1 if token.map else 1
            problems.append((line, 1, "error", f"'{text}' would be a second h1 on the page, whose h1 is its title "
                                               f"'{title}': make it a section ('## {text}') or the page's title"))
        first_block = False
        kept.append(token)
        i += 1
    return kept


def parse_page(file: SourceFile, raw_html: bool, diags: Diagnostics) -> Page | None:
    slug = file.path.stem
    md = markdown_parser(raw_html)
    env = {"page": PageEnv()}
    tokens = md.parse(file.text, env)
    problems: list = []
    front = _front_matter(tokens, file, problems, diags)
    title, summary, order = "", "", 0
    if front is not None:
        r = Reader(front, diags, "front matter", FRONT_MATTER_FIELDS)
        title = r.text("title", required=True)
        if "{fact}`" in title:
            r.error("title", "a title cannot cite a fact with {fact}: write the title in words")
        summary = r.text("summary")
        order = r.get("order", int, default=0)
        slug = r.text("slug") or slug
    elif not any(t.type == "front_matter" for t in tokens[:1]):
        problems.append((1, 1, "error", "page has no title: start it with front matter (---, title: ..., ---)"))
    tokens = _one_h1(tokens, title, problems)
    if not SLUG_RE.fullmatch(slug):
        problems.append((1, 1, "error", f"page name '{slug}' must be kebab-case (it becomes {slug}.html); set 'slug:' in front matter"))
    body = md.renderer.render(tokens, md.options, env)
    page_env: PageEnv = env["page"]
    problems.extend((line, col, "error", msg) for line, col, msg in page_env.problems)
    numbers = tuple(typed_numbers(prose_runs(tokens), file.text))  # warned of when the site is assembled
    return Page(slug, file.rel, title, summary, order, body, _headings(tokens), tuple(page_env.uses),
                tuple(problems), numbers, file.sha, _links(tokens, file.text))
