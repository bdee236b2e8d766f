"""The PDF as a book, read back with poppler: title page, contents and list of figures, the foreword,
numbered figures, footnotes on the page of their call, citations once per source per paragraph,
running heads on alternate sides, an appendix without ids, dates written out, the site's typeface."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, cli, copy_project

pytestmark = pytest.mark.slow

FILLER = ("The delta's provinces describe their plans in long reports, and this paragraph stands in for "
          "such prose so that the chapter runs over several pages and its notes fall near page ends. ")
NOTES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]


def run(*args) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, words joined by single spaces."""
    return [" ".join(t.split()) for t in run("pdftotext", pdf, "-").split("\f")[:-1]]


def long_page() -> str:
    """A chapter of several pages: notes called at the end of paragraphs of different lengths (so
    some calls fall near the foot of a page), a paragraph citing two sources, a chart shown again."""
    parts = ["---\ntitle: One\nsummary: first\n---\n\n# One\n\n## A\n\n"
             "Trade was {fact}`zj-trade`, {fact}`zj-trade.change`; Anhui reached {fact}`anhui-trade`, and the "
             "source counts {fact}`other-count`.\n\n```{chart} c1\n:caption: hi\n```\n\n## B\n\n"
             "```{facts}\n:tag: trade\n```\n\n"]
    for i, name in enumerate(NOTES):
        parts.append(FILLER * (3 + i % 4) + f"Here ends {name}call.[^{name}]\n\n")
    parts.append("The delta handles {fact}`delta-share`.\n\n```{chart} c1\n```\n\n")
    parts.extend(f"[^{name}]: NOTE{name.upper()} is the note for {name}.\n" for name in NOTES)
    return "".join(parts)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1600000000")
        project = copy_project("mini", tmp_path_factory.mktemp("book"))
        content = project / "content"
        (content / "report.yaml").write_text(
            "title: Test report\nsubtitle: A subtitle for the title page\nauthors: [A, B]\nlanguage: en-GB\n"
            "date: 2021-03-04\nedition: Second edition\nbase_url: https://x.github.io/r/\n"
            "key_figures: [zj-trade]\npages: [one]\n")
        (content / "sources.yaml").write_text(
            "sources:\n  - id: src\n    title: A source\n    publisher: P\n    date: 2020-09-05\n"
            "  - id: other\n    title: Another source\n    publisher: Q\n    date: 2020-10-01\n    print_only: true\n")
        (content / "facts" / "c.yaml").write_text(
            "facts:\n  - id: other-count\n    label: Other count\n    value: 12\n    unit: count\n    noun: firms\n"
            "    period: '2020'\n    region: Anhui\n    source: other\n    note: Counted by hand.\n")
        (content / "index.md").write_text("---\ntitle: Test report\n---\n\n```{chart} c1\n```\n\n"
                                          "The intro says {fact}`zj-trade` once.\n")
        (content / "one.md").write_text(long_page())
        result = cli("pdf", project)
        assert result.exit_code == 0, result.output
        return project, project / "report.pdf"


def test_title_page_has_title_subtitle_authors_edition_and_date(book):
    _, pdf = book
    first = page_texts(pdf)[0]
    assert first == "Test report A subtitle for the title page A, B Second edition, published 4 March 2021"


def test_contents_list_the_foreword_chapters_back_matter_and_figures(book):
    _, pdf = book
    layout = run("pdftotext", "-layout", "-f", 2, "-l", 2, pdf, "-")
    listed = re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", layout, re.M)
    titles = [re.sub(r"\s+", " ", t) for t, _ in listed]
    assert titles == ["Foreword", "1 One", "Sources", "Appendix: data", "Figure 1. Trade"]
    texts = page_texts(pdf)
    pages = {t: int(p) for t, p in zip(titles, (p for _, p in listed))}
    assert texts[pages["Foreword"] - 1].startswith("Foreword The figures in this foreword are from P, A source, "
                                                   "5 September 2020 [1].")
    assert texts[pages["1 One"] - 1].startswith("CHAPTER 1 One first")
    assert "Figure 1. Trade" in texts[pages["Figure 1. Trade"] - 1]


def test_figures_are_numbered_and_a_chart_shown_again_is_a_reference(book):
    _, pdf = book
    texts = page_texts(pdf)
    text = " ".join(texts)
    assert text.count("Figure 1. Trade") == 2  # in the list of figures and over the figure
    first = next(i for i, t in enumerate(texts[2:], start=3) if "Figure 1. Trade" in t)
    refs = re.findall(r"See Figure 1, page (\d+), “Trade”\.", text)
    assert len(refs) == 2 and all(int(p) == first for p in refs)  # in chapter 1, twice
    assert "Figure 2" not in text


def test_footnotes_are_on_the_page_of_their_call_without_back_links(book):
    _, pdf = book
    texts = page_texts(pdf)
    for name in NOTES:
        calls = [i for i, t in enumerate(texts) if re.search(rf"{name}call\.\d", t)]
        notes = [i for i, t in enumerate(texts) if f"NOTE{name.upper()} is the note" in t]
        assert len(calls) == 1 and notes == calls, (name, calls, notes)
    numbers = [int(re.search(rf"{n}call\.(\d+)", " ".join(texts)).group(1)) for n in NOTES]
    assert numbers == list(range(1, len(NOTES) + 1))  # numbered from 1 in the chapter
    full = run("pdftotext", pdf, "-")
    assert "↩" not in full and "[^" not in full and "fnref" not in full


def test_citations_once_per_source_per_paragraph_and_a_source_note_for_one_source(book):
    _, pdf = book
    text = " ".join(page_texts(pdf))
    # Two sources in the paragraph: one mark each, after the last figure from each, none after the others.
    assert ("Trade was 1.47 trillion yuan, +4.2% year on year; Anhui reached 244.16 billion yuan [1], and the "
            "source counts 12 firms [2].") in text
    # The foreword's figures have one source: named once under its title, no marks in the text.
    assert "The intro says 1.47 trillion yuan once." in text
    # Tables name their source under them, once; facts in tables carry no marks.
    assert "1.47 trillion yuan [1]" not in text
    assert text.count("Source: P, A source, 5 September 2020 [1].") >= 2  # the facts table and the key figures
    assert "Q, Another source, 1 October 2020. Print only." in text


def test_running_heads_report_on_left_pages_chapter_on_right_none_on_a_chapter_opening(book):
    _, pdf = book
    texts = page_texts(pdf)
    layout = run("pdftotext", "-layout", pdf, "-").split("\f")
    chapter = [i for i, t in enumerate(texts) if t.startswith("CHAPTER 1 One")]
    assert len(chapter) == 1
    start = chapter[0]
    end = next(i for i, t in enumerate(texts) if t.startswith("Sources A number in brackets"))
    assert end - start >= 3, "the chapter should run over several pages"
    for i in range(start + 1, end):
        number = i + 1
        head = next(line for line in layout[i].splitlines() if line.strip())
        if number % 2 == 0:  # a left page: the report's title, at the left
            assert head.strip() == "Test report" and not head.startswith(" " * 20), (number, head)
        else:  # a right page: the chapter's, at the right
            assert head.strip() == "One" and head.startswith(" " * 20), (number, head)
    assert texts[start].startswith("CHAPTER 1 One first")  # the opening page: no running head
    foot = [line for line in layout[start + 1].splitlines() if line.strip()][-1]
    assert foot.strip() == str(start + 2)  # page numbers alone, at the outer corner


def test_appendix_has_labels_not_ids_and_dates_are_written_out(book):
    project, pdf = book
    texts = page_texts(pdf)
    start = next(i for i, t in enumerate(texts) if t.startswith("Appendix: data"))
    appendix = " ".join(texts[start:])
    ids = ["zj-trade", "anhui-trade", "delta-share", "other-count"]
    assert "Zhejiang trade" in appendix and "Other count" in appendix
    assert not [i for i in ids if i in appendix]
    assert not re.search(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b", appendix)
    assert "Counted by hand." in appendix  # notes shown as notes
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", " ".join(texts))  # no ISO date anywhere


def test_the_sites_typeface_is_embedded(book):
    _, pdf = book
    fonts = run("pdffonts", pdf)
    assert re.search(r"\bInter-(Regular|Bold)", fonts) or "Inter" in fonts, fonts


@pytest.mark.skipif(not (ROOT / "content" / "report.yaml").exists(), reason="the repository's report is not here")
def test_the_first_report_as_a_book(report):
    assert cli("pdf", report).exit_code == 0
    pdf = report / "report.pdf"
    texts = page_texts(pdf)
    layout = run("pdftotext", "-layout", "-f", 1, "-l", 1, pdf, "-")
    lines = [line.strip() for line in layout.splitlines() if line.strip()]
    assert lines[:2] == ["Dual Circulation", "in the Yangtze River Delta"]  # balanced, not "... the Yangtze / River Delta"
    assert "First edition, published 1 December 2026" in texts[0]
    assert "5 September 2020" in " ".join(texts) and "2020-09-05" not in " ".join(texts)
    text = " ".join(texts)
    assert text.count("[1]") < 20  # once per chapter and per table or chart, not after each of 44 numbers
    assert "US$877,200[1]" not in text and "↩" not in text
    assert re.findall(r"Figure (\d+)\. ", texts[1]) == ["1", "2", "3"]
