"""The searchable text of a page, by section: what search leaves out (IGNORED, as CSS selectors for
Pagefind) and the text under each heading with an id (for the search that works from disk)."""
from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

# Parts of a page that are not its text or only repeat it: a chart's SVG and plotted-data table
# (its caption and description stay), its reuse panel, the contents list and the pager.
IGNORED = (".chart-image", ".chart-data .table-wrap", ".chart-reuse", ".toc", ".pager", "[data-pagefind-ignore]")
SKIPPED_TAGS = {"script", "style", "template", "svg", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCKS = {"p", "li", "td", "th", "tr", "div", "section", "article", "figure", "figcaption", "caption", "details",
          "summary", "dt", "dd", "blockquote", "pre", "table", "ul", "ol", "br", "aside", "header", "footer"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def _parts(selector: str) -> list[tuple[str, str]]:
    """'.a .b' -> [('class', 'a'), ('class', 'b')]; '[x]' -> [('attr', 'x')]: the two forms IGNORED uses."""
    out = []
    for part in selector.split():
        out.append(("attr", part[1:-1]) if part.startswith("[") else ("class", part[1:]))
    return out


RULES = [_parts(s) for s in IGNORED]


def _matches(part: tuple[str, str], attrs: dict[str, str]) -> bool:
    kind, name = part
    return name in attrs if kind == "attr" else name in attrs.get("class", "").split()


class _Sections(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str], bool]] = []  # tag, attributes, ignored
        self.out: list[dict[str, str]] = [{"a": "", "h": "", "x": ""}]
        self.heading: list[str] | None = None
        self.text: list[str] = []

    def _ignored(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in SKIPPED_TAGS or (self.stack and self.stack[-1][2]):
            return True
        for rule in RULES:
            if _matches(rule[-1], attrs) and all(any(_matches(p, a) for _, a, _ in self.stack) for p in rule[:-1]):
                return True
        return False

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = {k: v or "" for k, v in attrs}
        ignored = self._ignored(tag, attrs)
        if tag in BLOCKS:
            self.text.append(" ")
        if tag in HEADINGS and not ignored:
            self._close()
            self.out.append({"a": attrs.get("id", ""), "h": "", "x": ""})
            self.heading = []
        if tag not in VOID:
            self.stack.append((tag, attrs, ignored))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            top, _, _ = self.stack.pop()
            if top == tag:
                break
        if tag in HEADINGS and self.heading is not None:
            self.out[-1]["h"] = _squash("".join(self.heading))
            self.heading = None
        elif tag in BLOCKS:
            self.text.append(" ")

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][2]:
            return
        (self.heading if self.heading is not None else self.text).append(data)

    def _close(self) -> None:
        self.out[-1]["x"] = _squash("".join(self.text))
        self.text = []

    def result(self) -> list[dict[str, str]]:
        self._close()
        return [s for s in self.out if s["h"] or s["x"]]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# The markup factpress and Markdown write: tags with quoted attribute values, no '<' in text or
# values (it is escaped), a doctype. _fast_feed reads only that, calling the parser's handlers as
# HTMLParser would; anything else (a comment, an unquoted value, a stray '<') is left to HTMLParser.
_TOKEN_RE = re.compile(r"""<(?:/([a-zA-Z][\w-]*)\s*|([a-zA-Z][\w-]*)((?:\s+[a-zA-Z_:@][-\w:.@]*(?:\s*=\s*(?:"[^"<]*"|'[^'<]*'))?)*)\s*(/?)|!DOCTYPE[^<>]*)>""", re.I)
_ATTR_RE = re.compile(r"""\s+([a-zA-Z_:@][-\w:.@]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'))?""")
_RAW_END = {tag: re.compile(rf"</{tag}\s*>", re.I) for tag in HTMLParser.CDATA_CONTENT_ELEMENTS}


def _fast_sections(html: str) -> list[dict[str, str]] | None:
    """What _Sections finds in html, in one pass over its tags with the handlers' work inlined
    (several times faster than HTMLParser); None when html is not plain markup (see _TOKEN_RE)."""
    stack: list[tuple[str, dict[str, str], bool]] = []
    out = [{"a": "", "h": "", "x": ""}]
    heading: list[str] | None = None
    text: list[str] = []
    at, search, count = 0, _TOKEN_RE.search, html.count
    while True:
        m = search(html, at)
        end = m.start() if m is not None else len(html)
        if count("<", at, end):
            return None
        if end > at and not (stack and stack[-1][2]):
            (heading if heading is not None else text).append(unescape(html[at:end]))
        if m is None:
            break
        at = m.end()
        closing, tag = m.group(1), m.group(2)
        if tag is not None:
            tag = tag.lower()
            raw = m.group(3)
            attrs = {name.lower(): unescape(double or single) for name, double, single in _ATTR_RE.findall(raw)} if raw else {}
            ignored = tag in SKIPPED_TAGS or bool(stack and stack[-1][2]) or any(
                _matches(rule[-1], attrs) and all(any(_matches(p, a) for _, a, _ in stack) for p in rule[:-1])
                for rule in RULES)
            if tag in BLOCKS:
                text.append(" ")
            if tag in HEADINGS and not ignored:
                out[-1]["x"] = _squash("".join(text))
                text = []
                out.append({"a": attrs.get("id", ""), "h": "", "x": ""})
                heading = []
            if tag not in VOID:
                stack.append((tag, attrs, ignored))
            if m.group(4):
                closing = tag  # <br />: HTMLParser calls both handlers
            elif tag in _RAW_END:  # script, style: their text is not markup, and not searched
                close = _RAW_END[tag].search(html, at)
                if close is None:
                    return None
                at, closing = close.end(), tag
        if closing is not None:
            closing = closing.lower()
            while stack:
                if stack.pop()[0] == closing:
                    break
            if closing in HEADINGS and heading is not None:
                out[-1]["h"] = _squash("".join(heading))
                heading = None
            elif closing in BLOCKS:
                text.append(" ")
    out[-1]["x"] = _squash("".join(text))
    return [s for s in out if s["h"] or s["x"]]


def sections(html: str, fast: bool = True) -> list[dict[str, str]]:
    """[{a: heading id ('' before the first heading), h: heading text, x: text}] of a page's main part."""
    found = _fast_sections(html) if fast else None
    if found is None:
        parser = _Sections()
        parser.feed(html)
        parser.close()
        found = parser.result()
    if found and not found[0]["h"] and len(found) > 1:  # text before the first heading belongs to the page's title
        first = found.pop(0)
        found[0]["x"] = _squash(first["x"] + " " + found[0]["x"])
    return found
