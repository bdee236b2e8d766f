"""Parse pages: Markdown with front matter into HTML bodies that name the facts and charts they use."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.myst_role import myst_role_plugin

from factpress.shared.diagnostics import Diagnostics, SourceLocation
from factpress.project.fields import Reader
from factpress.pages.plugins import PageEnv, Use, directive_plugin, fact_role_plugin
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
    md.use(fact_role_plugin).use(directive_plugin)
    return md


def _front_matter(tokens, file: SourceFile, problems: list, diags: Diagnostics) -> YMap | None:
    for token in tokens[:1]:
        if token.type == "front_matter":
            data = parse_yaml("\n" + token.content, file.rel, diags)
            if data is None and token.content.strip():
                return None
            if data is not None and not isinstance(data, YMap):
                problems.append((2, 1, "error", "front matter must be a mapping of fields such as 'title:'"))
                return None
            return data
    return None


def _headings(tokens) -> tuple[Heading, ...]:
    out = []
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.attrs.get("id"):
            text = "".join(c.content for c in tokens[i + 1].children or [] if c.type in ("text", "code_inline"))
            out.append(Heading(int(token.tag[1]), str(token.attrs["id"]), text))
    return tuple(out)


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
        summary = r.text("summary")
        order = r.get("order", int, default=0)
        slug = r.text("slug") or slug
    elif not any(t.type == "front_matter" for t in tokens[:1]):
        problems.append((1, 1, "error", "page has no title: start it with front matter (---, title: ..., ---)"))
    if not SLUG_RE.match(slug):
        problems.append((1, 1, "error", f"page name '{slug}' must be kebab-case (it becomes {slug}.html); set 'slug:' in front matter"))
    body = md.renderer.render(tokens, md.options, env)
    page_env: PageEnv = env["page"]
    problems.extend((line, col, "error", msg) for line, col, msg in page_env.problems)
    numbers = tuple(typed_numbers(prose_runs(tokens), file.text))  # warned of when the site is assembled
    return Page(slug, file.rel, title, summary, order, body, _headings(tokens), tuple(page_env.uses),
                tuple(problems), numbers, file.sha)
