"""The site as a publication: dates and numbers per language, one h1 per page, tables that work on a
phone (in Chromium at 390 px) and compact on a wide screen, the Data page sorted and filtered by
script and whole without it, the text's measure, figures breaking out of it, key figures that fit
their cards, and a social card that draws what the title holds."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from conftest import ROOT, cli, copy_project, needs_browser



def build(project: Path, *args) -> Path:
    result = cli("build", project, *args)
    assert result.exit_code == 0, result.output
    return project / "site"


def set_language(project: Path, language: str) -> None:
    settings = project / "content" / "report.yaml"
    settings.write_text(settings.read_text() + f"language: {language}\ndate: 2020-09-05\n")


def add_dated_fact(project: Path) -> None:
    (project / "content" / "facts" / "c.yaml").write_text(
        "facts:\n  - id: day-count\n    label: Firms on the day\n    value: 12345.5\n    unit: count\n    noun: firms\n"
        "    period: 2020-09-05\n    region: Anhui\n    source: src\n  - id: month-count\n    label: Firms in July\n"
        "    value: 7\n    unit: count\n    period: 2020-07\n    region: Anhui\n    source: src\n")
    page = project / "content" / "one.md"
    page.write_text(page.read_text() + "\nOn the day {fact}`day-count`, in July {fact}`month-count`.\n")
    (project / "charts" / "d.py").write_text(
        "import altair as alt\nfrom factpress import chart\n\n@chart('by-day', title='By day')\ndef by_day(facts):\n"
        "    rows = [{'day': '2020-09-05', 'n': facts.value('day-count')}, {'day': '2020-09-06', 'n': 3}]\n"
        "    return alt.Chart(alt.Data(values=rows)).mark_line().encode(x='day:T', y='n:Q')\n")
    page.write_text(page.read_text() + "\n```{chart} by-day\n```\n")


@pytest.mark.parametrize("language, day, month, number, source_date", [
    ("en-GB", "5 September 2020", "July 2020", "12,345.5 firms", "5 September 2020"),
    ("en", "September 5, 2020", "July 2020", "12,345.5 firms", "September 5, 2020"),
    ("de", "5. September 2020", "Juli 2020", "12.345,5 firms", "5. September 2020"),
])
def test_dates_and_numbers_are_written_as_the_language_writes_them(mini, language, day, month, number, source_date):
    set_language(mini, language)
    add_dated_fact(mini)
    site = build(mini)
    page = (site / "one.html").read_text()
    data = (site / "data.html").read_text()
    assert f">{number}</data>" in page and f">{number}</data>" in data
    assert f">{day}</td>" in data and f">{month}</td>" in data
    assert f"<time datetime=\"2020-09-05\">{source_date}</time>" in (site / "sources.html").read_text()
    assert f'<time datetime="2020-09-05">{source_date}</time>' in (site / "index.html").read_text()  # the byline
    # The chart's description and its table agree with the page: the same dates, the same digits.
    figure = page[page.index('id="chart-by-day"'):]
    description = re.search(r'<p class="chart-description">([^<]*)</p>', figure).group(1)
    assert day in description and number in description, description
    assert f">{day}</td>" in figure
    assert f"{source_date}</a>" in figure  # the source line under the chart
    assert "2020-09-05<" not in page + data


def test_a_leading_h1_equal_to_the_title_is_merged_and_every_page_has_one_h1(mini):
    page = mini / "content" / "one.md"
    page.write_text(page.read_text().replace("---\n\n## A", "---\n\n# One\n\n## A", 1))
    site = build(mini)
    for html in site.glob("*.html"):
        assert html.read_text().count("<h1") == 1, html.name
    assert "<h1>One</h1>" in (site / "one.html").read_text()


def test_facts_tables_name_their_source_once_and_drop_empty_columns(mini):
    site = build(mini)
    page = (site / "one.html").read_text()
    table = page[page.index('<table class="facts">'):page.index("</div>", page.index('<table class="facts">'))]
    assert table.count('class="source-name"') == 1 and table.count("<cite>") == 1  # the line under it
    assert ">Change</th>" in table  # both facts changed
    (mini / "content" / "facts" / "a.yaml").write_text(
        (mini / "content" / "facts" / "a.yaml").read_text().replace("    change: {value: 4.2, unit: percent, basis: year-on-year}\n", ""))
    (mini / "content" / "facts" / "b.yaml").write_text(
        (mini / "content" / "facts" / "b.yaml").read_text().replace("    change: {value: 9, unit: percent, basis: year-on-year}\n", ""))
    (mini / "content" / "one.md").write_text((mini / "content" / "one.md").read_text()
                                             .replace(", {fact}`zj-trade.change`", "").replace(" ({fact}`anhui-trade.change`)", ""))
    site = build(mini)
    data = (site / "data.html").read_text()
    assert ">Change</th>" not in data and 'class="num fact-change"' not in data
    assert "<code>" not in data  # ids are the rows' anchors and in the downloads, not in the reading view
    assert 'id="fact-zj-trade"' in data


def test_social_card_draws_an_en_dash_not_a_missing_glyph_box(mini):
    from PIL import Image

    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text().replace("title: Test report", "title: Trade – 2001–2017"))
    image = Image.open(io.BytesIO((build(mini) / "assets" / "social.png").read_bytes())).convert("L")
    band = image.crop((60, 90, 1140, 190))  # the title's first line
    w, h = band.size
    px = band.load()
    columns = {x for x in range(w) if any(px[x, y] < 128 for y in range(h))}
    # Split the line into glyphs by blank columns; an en dash is wide and thin, a missing-glyph box tall.
    glyphs, start = [], None
    for x in range(w + 1):
        inked = x in columns
        if inked and start is None:
            start = x
        elif not inked and start is not None:
            rows = [y for y in range(h) if any(px[i, y] < 128 for i in range(start, x))]
            glyphs.append((x - start, max(rows) - min(rows) + 1))
            start = None
    dashes = [g for g in glyphs if g[0] > 2.5 * g[1]]
    assert len(dashes) == 2, glyphs  # both dashes drawn as dashes
    tallest = max(g[1] for g in glyphs)
    assert all(height < tallest / 4 for _, height in dashes)


@pytest.fixture(scope="module")
def first_report(tmp_path_factory):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1600000000")
        project = copy_project("report", tmp_path_factory.mktemp("publication"))
        return build(project)



VALUE_CELLS = """() => [...document.querySelectorAll('table.facts td.fact-value')].map(td => {
  const r = td.getBoundingClientRect();
  return {left: r.left, right: r.right, width: r.width, text: td.innerText};
})"""


@needs_browser
@pytest.mark.browser
@pytest.mark.skipif(not (ROOT / "content" / "report.yaml").exists(), reason="the repository's report is not here")
@pytest.mark.parametrize("name", ["data.html", "overview.html", "opening-up.html", "domestic-circulation.html"])
def test_on_a_phone_every_value_is_visible_without_scrolling_sideways(first_report, browser, name):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto((first_report / name).as_uri())
    cells = page.evaluate(VALUE_CELLS)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    wraps = page.evaluate("[...document.querySelectorAll('.facts-wrap')].map(w => [w.scrollWidth, w.clientWidth])")
    page.close()
    assert cells and all(c["text"].strip() for c in cells)
    assert all(c["left"] >= 0 and c["right"] <= 390 for c in cells), cells
    assert scroll <= 390 and all(sw <= cw for sw, cw in wraps), (scroll, wraps)


@needs_browser
@pytest.mark.browser
@pytest.mark.skipif(not (ROOT / "content" / "report.yaml").exists(), reason="the repository's report is not here")
def test_at_every_width_a_facts_table_fits_its_column(first_report, browser):
    """Between a phone's stacked rows and a wide screen (700, 800 px) and on one (1280 px), no
    facts table scrolls sideways: a change such as "+4.2% year on year" was cut off at 1280 px."""
    for width in (700, 800, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900})
        for name in ("data.html", "opening-up.html", "overview.html"):
            page.goto((first_report / name).as_uri())
            wraps = page.evaluate("[...document.querySelectorAll('.facts-wrap')].map(w => [w.scrollWidth, w.clientWidth])")
            assert wraps and all(sw <= cw + 1 for sw, cw in wraps), (width, name, wraps)
        page.close()


@needs_browser
@pytest.mark.browser
@pytest.mark.skipif(not (ROOT / "content" / "report.yaml").exists(), reason="the repository's report is not here")
def test_on_a_wide_screen_the_data_page_is_compact_with_notes_and_no_ids(first_report, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((first_report / "data.html").as_uri())
    table = page.evaluate("document.querySelector('table.facts').getBoundingClientRect().height")
    text = page.inner_text("main")
    notes = page.evaluate("[...document.querySelectorAll('.table-notes li')].filter(li => li.offsetHeight).length")
    page.close()
    assert table < 1100, table  # eleven facts, each on a line or two
    assert not re.search(r"\b[a-z]+(?:-[a-z0-9]+){2,}\b", text)  # no fact id in the reading view
    assert text.count("Xinhua News Agency") == 1  # the one source, named once
    assert notes == 11 and "lower bound" in text


@needs_browser
@pytest.mark.browser
@pytest.mark.skipif(not (ROOT / "content" / "report.yaml").exists(), reason="the repository's report is not here")
def test_the_data_page_sorts_and_filters_with_script_and_is_whole_without(first_report, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((first_report / "data.html").as_uri())
    visible = "[...document.querySelectorAll('tr[data-fact-row]')].filter(r => !r.hidden).map(r => r.dataset.factRow)"
    initial = page.evaluate(visible)
    assert len(initial) == 11
    page.fill("#facts-filter", "first half")
    assert sorted(page.evaluate(visible)) == ["anhui-trade-2020h1", "lcfc-computer-exports-2020h1", "zhejiang-trade-2020h1"]
    assert page.inner_text("#facts-count") == "Showing 3 of 11 facts"
    assert page.evaluate("[...document.querySelectorAll('.table-notes li')].filter(li => !li.hidden).length") == 3
    page.fill("#facts-filter", "lcfc-computer")  # a fact's id finds it, though it is not shown
    assert page.evaluate(visible) == ["lcfc-computer-exports-2020h1"]
    page.fill("#facts-filter", "")
    page.click("th.col-change button")
    assert page.get_attribute("th.col-change", "aria-sort") == "ascending"
    changes = page.evaluate("[...document.querySelectorAll('td.fact-change')].map(td => td.dataset.sort || '')")
    numbers = [float(c) for c in changes if c]
    assert numbers == sorted(numbers) and changes[:len(numbers)] == [c for c in changes if c]  # empty cells last
    page.click("th.col-change button")
    assert page.get_attribute("th.col-change", "aria-sort") == "descending"
    order = "[...document.querySelectorAll('tr[data-fact-row]')].map(r => r.dataset.factRow)"
    page.select_option("#facts-sort", label="Value, descending")  # the list phones sort with
    values = page.evaluate("[...document.querySelectorAll('td.fact-value')].map(td => parseFloat(td.dataset.sort))")
    assert values == sorted(values, reverse=True)
    page.select_option("#facts-sort", label="The report's order")
    assert page.evaluate(order) == initial
    page.close()
    context = browser.new_context(java_script_enabled=False)
    bare = context.new_page()
    bare.goto((first_report / "data.html").as_uri())
    assert bare.locator("tr[data-fact-row]").count() == 11
    assert not bare.is_visible("#facts-tools")
    context.close()


CHARS_PER_LINE = """() => {
  const counts = [];
  for (const p of document.querySelectorAll('.prose > p')) {
    const lines = new Map();
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode());) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getClientRects()[0];
        if (rect) lines.set(Math.round(rect.top), (lines.get(Math.round(rect.top)) || 0) + 1);
      }
    }
    counts.push(...[...lines.values()].slice(0, -1));  // a paragraph's last line is short by nature
  }
  return counts;
}"""


@needs_browser
@pytest.mark.browser
@pytest.mark.skipif(not (ROOT / "content" / "report.yaml").exists(), reason="the repository's report is not here")
@pytest.mark.parametrize("width", [1024, 1280, 1920])
def test_text_has_a_measure_of_60_to_75_characters_and_charts_break_out_of_it(first_report, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((first_report / "opening-up.html").as_uri())
    counts = page.evaluate(CHARS_PER_LINE)
    text_width = page.evaluate("document.querySelector('.prose > p').getBoundingClientRect().width")
    figure = page.evaluate("""() => { const f = document.querySelector('figure.chart');
        return {width: f.getBoundingClientRect().width,
                wide: getComputedStyle(f.querySelector('.chart-wide')).display !== 'none'}; }""")
    toc = page.evaluate("document.querySelector('.toc').getBoundingClientRect().left")
    page.close()
    mean = sum(counts) / len(counts)
    assert 60 <= mean <= 75, mean
    assert figure["width"] > text_width and figure["width"] >= 656 and figure["wide"], (figure, text_width)
    if width >= 1280:
        assert toc > text_width  # the page's contents beside the text, not above it


@needs_browser
@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_key_figures_fit_their_cards(mini, browser, width):
    """A long value ("21,933 thousand MWh") stays whole in its card: no overflow, at most two lines."""
    (mini / "content" / "facts" / "c.yaml").write_text(
        "facts:\n  - id: power\n    label: Electricity generated in Iowa\n    value: 21933\n    unit: count\n"
        "    noun: thousand MWh\n    period: '2017'\n    region: Iowa\n    source: src\n"
        "  - id: homes\n    label: Homes\n    value: 1400000\n    unit: count\n    noun: homes\n    period: '2017'\n"
        "    region: Iowa\n    source: src\n")
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text().replace("key_figures: [zj-trade]",
                                                     "key_figures: [zj-trade, power, homes, delta-share]"))
    site = build(mini)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((site / "index.html").as_uri())
    meta = page.evaluate("[...document.querySelectorAll('.card-meta')].map(m => m.innerText)")
    cards = page.evaluate("""() => [...document.querySelectorAll('.card-value')].map(v => {
        const lh = parseFloat(getComputedStyle(v).lineHeight);
        return {text: v.innerText, lines: Math.round(v.getBoundingClientRect().height / lh),
                overflow: v.scrollWidth > v.clientWidth + 1, size: parseFloat(getComputedStyle(v).fontSize)}; })""")
    page.close()
    assert len(cards) == 4
    assert all(not c["overflow"] and c["size"] >= 19 for c in cards), cards
    assert all(c["lines"] == 1 for c in cards) if width >= 1280 else all(c["lines"] <= 2 for c in cards), cards
    assert meta[1] == "2017" and meta[2] == "Iowa · 2017"  # a region the label names is not said again
