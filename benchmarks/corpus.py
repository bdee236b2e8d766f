"""Seeded synthetic corpus: N pages of ~800 words, F facts, M charts, for factpress and for Markdown-only tools.

    python benchmarks/corpus.py OUT --pages 1000 --facts 1000 --charts 10 [--seed 1] [--markdown-only]

The same seed gives byte-identical files. The Markdown-only variant has the same pages with fact
references written out as plain text and chart fences dropped, so Hugo, Pelican and MkDocs see
the same prose, headings, tables, lists and links.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = ("trade growth delta region export import market chain supply factory city port province "
         "output demand policy circulation domestic foreign share quarter year value rise fall "
         "industry service investment consumer network logistics").split()


def _sentence(rng: random.Random, n: int = 14) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def page_body(rng: random.Random, i: int, pages: int, facts: int, charts: int, markdown_only: bool) -> str:
    """About 800 words: four sections, a table, a list, five links, fact references."""
    cited = [rng.randrange(facts) for _ in range(4)]
    ref = (lambda k: f"{k * 10 + 3}") if markdown_only else (lambda k: "{fact}`f%05d`" % k)
    links = [f"[page {j}](p{j:05d}.html)" if not markdown_only else f"[page {j}](../p{j:05d}/)"
             for j in (rng.randrange(pages) for _ in range(5))]
    parts = []
    for s in range(4):
        parts.append(f"## Section {s + 1}\n\n{_paragraph(rng)} The figure was {ref(cited[s])}.\n\n{_paragraph(rng)}")
    parts.append("| Item | Note |\n|---|---|\n" + "\n".join(f"| {rng.choice(WORDS)} | {_sentence(rng, 5)} |"
                                                       for _ in range(5)))
    parts.append("\n".join(f"- {_sentence(rng, 8)}" for _ in range(5)))
    parts.append("See also " + ", ".join(links) + ".")
    if charts and not markdown_only and i % max(1, pages // charts) == 0:
        parts.append("```{chart} c%03d\n:caption: A synthetic chart\n```" % ((i // max(1, pages // charts)) % charts))
    return "\n\n".join(parts) + "\n"


def write_corpus(out: Path, pages: int, facts: int, charts: int, seed: int = 1,
                 markdown_only: bool = False) -> Path:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    content = out / "content"
    content.mkdir(exist_ok=True)
    names = [f"p{i:05d}" for i in range(pages)]
    bodies = [page_body(rng, i, pages, facts, charts, markdown_only) for i in range(pages)]
    if markdown_only:
        for i, (name, body) in enumerate(zip(names, bodies)):
            (content / f"{name}.md").write_text(
                f"---\ntitle: Page {i}\ndate: 2020-09-05\n---\n\n{body}", "utf-8")
        return out
    for i, (name, body) in enumerate(zip(names, bodies)):
        (content / f"{name}.md").write_text(f"---\ntitle: Page {i}\nsummary: page {i}\n---\n\n{body}", "utf-8")
    (content / "report.yaml").write_text(
        "title: Benchmark corpus\nauthors: [Bench]\nbase_url: https://example.org/bench/\n"
        f"key_figures: [f00000]\npages: [{', '.join(names)}]\n", "utf-8")
    (content / "sources.yaml").write_text(
        "sources:\n  - id: src\n    title: Synthetic source\n    publisher: Bench\n    date: 2020-09-05\n", "utf-8")
    (content / "facts").mkdir(exist_ok=True)
    per_file = 100
    for start in range(0, facts, per_file):
        lines = ["facts:"]
        for k in range(start, min(facts, start + per_file)):
            lines += [f"  - id: f{k:05d}", f"    label: Figure {k}", f"    value: {k * 10 + 3}",
                      "    unit: yuan", "    period: 2020-H1", "    region: Zhejiang", "    source: src",
                      "    tags: [bench]"]
        (content / "facts" / f"f{start // per_file:04d}.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    if charts:
        (out / "charts").mkdir(exist_ok=True)
        code = ["from factpress import chart", "import altair as alt", ""]
        for c in range(charts):
            a, b = (c * 7) % facts, (c * 7 + 1) % facts
            code += [f"@chart('c{c:03d}', title='Chart {c}')",
                     f"def c{c:03d}(facts):",
                     f"    rows = [{{'k': facts[i].label, 'v': float(facts.value(i))}} for i in ('f{a:05d}', 'f{b:05d}')]",
                     "    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x='k:N', y='v:Q')", ""]
        (out / "charts" / "bench.py").write_text("\n".join(code), "utf-8")
    return out


def write_one_page(out: Path) -> Path:
    """The smallest real project: one page citing one fact, no charts, no PDF."""
    (out / "content" / "facts").mkdir(parents=True, exist_ok=True)
    (out / "content" / "report.yaml").write_text("title: One page\nauthors: [Bench]\n", "utf-8")
    (out / "content" / "sources.yaml").write_text(
        "sources:\n  - id: src\n    title: Synthetic source\n    publisher: Bench\n    date: 2020-09-05\n", "utf-8")
    (out / "content" / "facts" / "f.yaml").write_text(
        "facts:\n  - id: f1\n    label: A figure\n    value: 12\n    unit: percent\n    period: '2020'\n"
        "    region: Zhejiang\n    source: src\n", "utf-8")
    (out / "content" / "page.md").write_text("---\ntitle: The page\n---\n\n## Start\n\nThe figure is {fact}`f1`.\n",
                                             "utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--facts", type=int, default=1000)
    ap.add_argument("--charts", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--markdown-only", action="store_true")
    a = ap.parse_args()
    write_corpus(a.out, a.pages, a.facts, a.charts, a.seed, a.markdown_only)


if __name__ == "__main__":
    main()
