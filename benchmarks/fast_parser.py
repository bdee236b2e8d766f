"""Would a compiled Markdown parser give factpress the same pages, and how much faster? Measured, not guessed.

    pip install markdown-it-pyrs
    python benchmarks/fast_parser.py --spec COMMONMARK.json [--fixtures FILE ...] [--markdown FILE ...] [--pages 1000]

Compares markdown-it-pyrs (the Rust port of markdown-it) with markdown-it-py, factpress's parser:

1. the CommonMark spec examples (COMMONMARK.json: the `commonmark.json` of markdown-it-py's source
   distribution, tests/test_cmark_spec/), both with the plain "commonmark" preset, each also against
   the spec's own HTML;
2. the same examples, fixture files in markdown-it-py's format (--fixtures: its
   tests/test_port/fixtures/tables.md and strikethrough.md, mdit-py-plugins' tests/fixtures/footnote.md)
   and the Markdown files given (--markdown) with factpress's own configuration (tables,
   strikethrough, footnotes, front matter, ids on h2-h4) against markdown-it-pyrs with the same
   plugins; raw HTML off, as factpress has it by default. Compared twice: as they come, and
   patched as factpress would have to (markdown-it-pyrs's GitHub-style heading anchor link turned
   into the id attribute factpress writes, no line break after a footnote's <li>, the blank line
   markdown-it-py leaves for front matter);
3. the benchmark corpus's pages (benchmarks/corpus.py, the Markdown-only variant: markdown-it-pyrs
   has no `{fact}` role or `{chart}` directive): identical output, and the time per page of each
   parser in this process (best of 3 passes), markdown-it-py's parse and render as factpress calls
   them against markdown-it-pyrs's render and its syntax tree (what a walk for factpress's roles
   and directives would start from).

Prints the counts, the differing examples by number and section, and the times.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import markdown_it
import markdown_it_pyrs

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from corpus import write_corpus  # noqa: E402
from factpress.pages.parse import markdown_parser  # noqa: E402
from factpress.pages.plugins import PageEnv  # noqa: E402

# markdown-it-pyrs's "commonmark" preset minus raw HTML, plus factpress's plugins
COMMONMARK_RULES = ["blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
                    "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline"]
FACTPRESS_PLUGINS = ["table", "strikethrough", "footnote", "front_matter", "heading_anchors"]
FOOTNOTE_ITEM = re.compile(r'(<li id="fn\d+" class="footnote-item">)\n')  # markdown-it-py puts the note's first block on the same line
ANCHOR = re.compile(r'<(h[1-6])><a aria-hidden="true" class="anchor" id="([^"]*)" href="#[^"]*"><svg.*?</svg></a>')


def fast_factpress() -> markdown_it_pyrs.MarkdownIt:
    return markdown_it_pyrs.MarkdownIt("zero").enable_many(COMMONMARK_RULES + FACTPRESS_PLUGINS)


def factpress_html(md, text: str) -> str:
    env = {"page": PageEnv()}
    return md.renderer.render(md.parse(text, env), md.options, env)


def ids_as_attributes(html: str) -> str:
    """markdown-it-pyrs's heading anchor link as the id attribute factpress writes (on h2-h4 only)."""
    return ANCHOR.sub(lambda m: f'<{m[1]} id="{m[2]}">' if m[1] in ("h2", "h3", "h4") else f"<{m[1]}>", html)


def patched(md, text: str) -> str:
    """markdown-it-pyrs's HTML less the differences a patch could remove: anchors, footnote items, a blank line."""
    return FOOTNOTE_ITEM.sub(r"\1", ids_as_attributes(md.render(text))).lstrip("\n")


def fixture_cases(path: Path) -> list[str]:
    """The Markdown inputs of a markdown-it-py fixture file (title, '.', input, '.', output, '.')."""
    parts = re.split(r"^\.\n", path.read_text("utf-8"), flags=re.M)
    return [parts[i] for i in range(1, len(parts) - 1, 3)]


def spec_examples(spec: list[dict]) -> None:
    py, rs = markdown_it.MarkdownIt("commonmark"), markdown_it_pyrs.MarkdownIt("commonmark")
    differ = [ex for ex in spec if py.render(ex["markdown"]) != rs.render(ex["markdown"])]
    print(f"CommonMark spec, preset 'commonmark': {len(differ)} of {len(spec)} examples differ between the two")
    for ex in differ:
        print(f"  example {ex['example']} ({ex['section']})")
    for name, md in (("markdown-it-py", py), ("markdown-it-pyrs", rs)):
        wrong = [ex["example"] for ex in spec if md.render(ex["markdown"]) != ex["html"]]
        print(f"  {name} against the spec's HTML: {len(wrong)} differ {wrong[:20]}")


def with_factpress_plugins(name: str, texts: list[tuple[str, str]]) -> None:
    py, rs = markdown_parser(False), fast_factpress()
    raw = [label for label, t in texts if factpress_html(py, t) != rs.render(t)]
    left = [label for label, t in texts if factpress_html(py, t).lstrip("\n") != patched(rs, t)]
    print(f"{name}, factpress's configuration: {len(raw)} of {len(texts)} differ as they come, {len(left)} patched")
    for label in left[:40]:
        print(f"  {label}")
    if len(left) > 40:
        print(f"  ... and {len(left) - 40} more")


def best(fn, texts: list[str], passes: int = 3) -> float:
    times = []
    for _ in range(passes):
        start = time.process_time()
        for t in texts:
            fn(t)
        times.append(time.process_time() - start)
    return min(times) / len(texts)


def corpus(pages: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_corpus(Path(tmp), pages, 1000, 0, 1, markdown_only=True)
        texts = [p.read_text("utf-8") for p in sorted((Path(tmp) / "content").glob("*.md"))]
    py, rs = markdown_parser(False), fast_factpress()
    raw = sum(factpress_html(py, t) == rs.render(t) for t in texts)
    same = sum(factpress_html(py, t).lstrip("\n") == patched(rs, t) for t in texts)
    print(f"corpus, {len(texts)} Markdown-only pages: {raw} identical as they come, {same} patched")
    slow = best(lambda t: factpress_html(py, t), texts)
    fast = best(rs.render, texts)
    tree = best(rs.tree, texts)
    print(f"CPU per page: markdown-it-py parse and render {slow * 1000:.3f} ms; markdown-it-pyrs render "
          f"{fast * 1000:.3f} ms ({fast / slow:.3f}x), syntax tree {tree * 1000:.3f} ms ({tree / slow:.3f}x)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", type=Path, required=True, help="commonmark.json from markdown-it-py's sources")
    ap.add_argument("--fixtures", type=Path, nargs="*", default=[], help="fixture files: title, '.', input, '.', HTML, '.'")
    ap.add_argument("--markdown", type=Path, nargs="*", default=[], help="more Markdown files to compare")
    ap.add_argument("--pages", type=int, default=1000)
    args = ap.parse_args()
    print(f"markdown-it-py {markdown_it.__version__}, markdown-it-pyrs {markdown_it_pyrs.__version__}")
    spec = json.loads(args.spec.read_text("utf-8"))
    spec_examples(spec)
    with_factpress_plugins("CommonMark spec", [(f"example {ex['example']} ({ex['section']})", ex["markdown"])
                                              for ex in spec])
    for path in args.fixtures:
        cases = fixture_cases(path)
        with_factpress_plugins(f"fixtures {path.name}", [(f"case {i + 1}", t) for i, t in enumerate(cases)])
    if args.markdown:
        with_factpress_plugins("Markdown files", [(str(p), p.read_text("utf-8")) for p in args.markdown])
    corpus(args.pages)


if __name__ == "__main__":
    main()
