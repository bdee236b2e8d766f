"""Charts end to end: real chart code, real vl-convert, the built site, a real browser."""
from __future__ import annotations

import contextlib
import csv
import functools
import html
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, cli, tree

SVG_TEXT_RE = re.compile(r"<text[^>]*>([^<]*)</text>")


def figure(page_html: str, chart_id: str) -> str:
    start = page_html.index(f'<figure class="chart" id="chart-{chart_id}"')
    return page_html[start:page_html.index("</figure>", start)]


def svg_texts(fragment: str) -> list[str]:
    return [html.unescape(t) for t in SVG_TEXT_RE.findall(fragment)]


def table_rows(fragment: str) -> list[list[str]]:
    body = fragment[fragment.index("<tbody>"):fragment.index("</tbody>")]
    return [[html.unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)] for tr in re.findall(r"<tr>(.*?)</tr>", body)]


def layout_svg(fragment: str, layout: str) -> str:
    start = fragment.index(f'<div class="chart-image chart-{layout}"')
    return fragment[start:fragment.index("</svg>", start)]


@pytest.fixture(scope="module")
def built_report(tmp_path_factory):
    from conftest import copy_project

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1600000000")
        project = copy_project("report", tmp_path_factory.mktemp("charts"))
        result = cli("build", project, "--base-url", "https://octo.github.io/factpress/")
        assert result.exit_code == 0, result.output
    return project


def test_svg_text_matches_the_fact_values_as_the_site_shows_them(built_report):
    site = built_report / "site"
    fig = figure((site / "opening-up.html").read_text(), "trade-growth")
    for layout in ("wide", "narrow"):
        trade = svg_texts(layout_svg(fig, layout))
        for text in ("1.47 trillion yuan", "244.16 billion yuan", "+4.2%", "+9%"):
            assert text in trade, layout
    # The same text as the prose shows for the same facts.
    page = (site / "opening-up.html").read_text()
    assert 'data-fact="zhejiang-trade-2020h1">1.47 trillion yuan</data>' in page
    assert 'data-fact="anhui-trade-2020h1">244.16 billion yuan</data>' in page
    weight = figure((site / "overview.html").read_text(), "delta-weight")
    for text in ("one quarter", "about one third"):
        assert text in svg_texts(weight)
    assert "the delta covers 358,000 km²" in weight  # in the subtitle, from the fact
    chain = svg_texts(figure((site / "regional-integration.html").read_text(), "regional-chain"))
    for text in ("3. Manufacturing", "Shanghai", "Zhejiang", "Anhui"):
        assert text in chain


def test_figure_is_accessible_and_cites_its_sources(built_report):
    fig = figure((built_report / "site" / "opening-up.html").read_text(), "trade-growth")
    assert fig.startswith('<figure class="chart" id="chart-trade-growth" aria-labelledby="chart-trade-growth-title">')
    assert '<div class="chart-frame" tabindex="0" role="group" aria-labelledby="chart-trade-growth-title">' in fig
    for layout in ("w", "n"):
        assert (f'<svg role="img" aria-labelledby="chart-trade-growth-{layout}-name" '
                f'aria-describedby="chart-trade-growth-{layout}-desc"') in fig
        assert re.search(rf'<title id="chart-trade-growth-{layout}-name">[^<]+</title>'
                         rf'<desc id="chart-trade-growth-{layout}-desc">[^<]+</desc>', fig)
    assert re.search(r'<figcaption class="chart-head">\n<p class="chart-title" id="chart-trade-growth-title">Anhui', fig)
    assert 'Source: <a href="sources.html#source-xinhua-2020-09-05">Xinhua News Agency, ' in fig
    # The generated description names the kind, the measures, the extremes as the site shows them, the period.
    desc = html.unescape(re.search(r'<p class="chart-description">(.*?)</p>', fig).group(1))
    assert desc.startswith("Bar chart: ")
    assert "It shows imports and exports (billion yuan) by province: highest Zhejiang, 1.47 trillion yuan" in desc, desc
    assert "lowest Anhui, 244.16 billion yuan" in desc
    assert "highest Anhui, +9% year on year" in desc and "lowest Zhejiang, +4.2% year on year" in desc
    assert "first half of 2020" in desc


def test_marks_and_text_meet_wcag_contrast_on_the_chart_card(built_report):
    from factpress.charts.theme import CARD, contrast

    for svg_file in sorted((built_report / "site" / "charts").glob("*.svg")):
        svg = svg_file.read_text()
        for colour in set(re.findall(r'(?:fill|stroke)="(#[0-9a-fA-F]{6})"', svg)) - {CARD}:
            if colour.lower() in ("#d9d9d9",):  # grid lines are not information
                continue
            assert contrast(colour, CARD) >= 3, (svg_file.name, colour)
        for text_fill in set(re.findall(r'<text[^>]*fill="(#[0-9a-fA-F]{6})"', svg)):
            assert contrast(text_fill, CARD) >= 4.5, (svg_file.name, text_fill)


def test_author_description_and_alt_override(mini):
    page = mini / "content" / "one.md"
    page.write_text(page.read_text().replace(":caption: hi", ":caption: hi\n:alt: Zhejiang trade bar\n:description: Written by hand.\n:width: 300"))
    assert cli("build", mini).exit_code == 0
    fig = figure((mini / "site" / "one.html").read_text(), "c1")
    for layout in ("w", "n"):
        assert (f'<title id="chart-c1-{layout}-name">Zhejiang trade bar</title>'
                f'<desc id="chart-c1-{layout}-desc">Written by hand.</desc>') in fig
    assert '<p class="chart-description">Written by hand.</p>' in fig
    assert 'style="max-width:300px"' in fig


def test_downloads_hold_exactly_the_plotted_data(built_report):
    site = built_report / "site"
    page = (site / "opening-up.html").read_text()
    fig = figure(page, "trade-growth")
    spec = json.loads((site / "charts" / "trade-growth.vl.json").read_text())
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    with open(site / "charts" / "trade-growth.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    # Headed by the titles the chart gives its fields (with their units), the raw values as plotted.
    assert list(rows[0]) == ["Imports and exports (billion yuan)", "Province", "Imports and exports",
                             "Change on a year earlier", "Change on a year earlier (%)"]
    assert [r["Province"] for r in rows] == ["Zhejiang", "Anhui"]
    assert [float(r["Change on a year earlier (%)"]) for r in rows] == [4.2, 9.0]
    assert [r["Imports and exports (billion yuan)"] for r in rows] == ["1470", "244.16"]
    # The table under the chart holds the same rows, numbers as the site writes them.
    assert table_rows(fig) == [["1,470", "Zhejiang", "1.47 trillion yuan", "+4.2%", "4.2"],
                               ["244.16", "Anhui", "244.16 billion yuan", "+9%", "9"]]
    assert (site / "charts" / "trade-growth.png").read_bytes().startswith(b"\x89PNG")
    assert (site / "charts" / "trade-growth.svg").read_text().startswith("<svg")
    for name in ("csv", "svg", "png", "vl.json", "html"):
        assert f'href="charts/trade-growth.{name}"' in fig
    # Embed code and citation use the published address.
    assert "&lt;iframe src=&#34;https://octo.github.io/factpress/charts/trade-growth.html&#34;" in fig
    citation = html.unescape(re.sub(r"<[^>]+>", "", re.search(r'<p class="chart-citation"[^>]*>(.*?)</p>', fig).group(1)))
    assert citation.startswith("The factpress authors (2026). Anhui's trade grew faster than Zhejiang's, from a far "
                               "smaller base [Chart]. In Dual Circulation in the Yangtze River Delta. Retrieved "), citation
    assert citation.endswith(", from https://octo.github.io/factpress/charts/trade-growth.html")


def test_embed_page_uses_only_relative_links(built_report):
    embed = (built_report / "site" / "charts" / "trade-growth.html").read_text()
    refs = re.findall(r'(?:href|src)="([^"]+)"', embed)
    assert refs and all(not r.startswith("/") for r in refs)
    assert 'href="../sources.html#source-xinhua-2020-09-05"' in embed
    assert re.search(r'<script src="\.\./assets/charts\.js\?v=[0-9a-f]+" data-vega="\.\./assets/vega-[0-9a-f]{12}\.js" '
                     r'data-locale="\.\./assets/chart-locale-[0-9a-f]{12}\.js" defer>', embed)  # the report is in en-GB
    assert 'href="../opening-up.html"' in embed


def test_scripts_only_on_pages_with_charts(built_report):
    site = built_report / "site"
    assert "vega-" in (site / "opening-up.html").read_text()
    for name in ("sources.html", "data.html", "domestic-circulation.html"):
        scripts = re.findall(r"<script\b[^>]*>", (site / name).read_text())
        # Structured data only; the Data page also its own sorting and filter, never chart code.
        assert scripts[0] == '<script type="application/ld+json">' and len(scripts) == (2 if name == "data.html" else 1), name
        assert all(re.fullmatch(r'<script src="assets/data\.js\?v=[0-9a-f]+" defer>', s) for s in scripts[1:]), name


URL_RE = re.compile(r"https?://[^\s\"'<>)\\`]+")


def test_the_built_site_references_no_other_host(built_report):
    """Every http(s) URL in the site is the report's own address, a source's link or an XML namespace."""
    base = "https://octo.github.io/factpress/"  # the address the report is built for below
    source_urls = set(re.findall(r"url:\s*(\S+)", (built_report / "content" / "sources.yaml").read_text()))
    allowed = ("http://www.w3.org/", "https://www.w3.org/", "https://schema.org", "http://www.sitemaps.org/schemas/", base)
    bad = {}
    for name, data in tree(built_report / "site").items():
        if name.endswith((".png", ".pdf", ".woff2")) or re.fullmatch(r"assets/vega-[0-9a-f]+\.js", name) or name.startswith("pagefind/"):
            continue  # the vega bundle and Pagefind are checked in the browser: they make no request elsewhere
        if name.endswith(".vl.json"):  # a downloaded spec names its schema, as Vega-Lite specs do
            data = re.sub(rb'"\$schema": "[^"]+"', b"", data)
        for url in URL_RE.findall(data.decode()):
            if not url.startswith(allowed) and html.unescape(url) not in source_urls:
                bad.setdefault(name, set()).add(url)
    assert bad == {}


def chart_project(mini: Path, code: str, timeout: int | None = None) -> Path:
    (mini / "charts" / "c.py").write_text(code)
    if timeout:
        settings = mini / "content" / "report.yaml"
        settings.write_text(settings.read_text() + f"chart_timeout: {timeout}\n")
    return mini


BAD_CHARTS = '''import altair as alt
from factpress import chart

@chart("c1", title="Trade")
def c1(facts):
    return alt.Chart(alt.Data(values=[{"r": "Zhejiang", "v": facts.value("zj-trade")}])).mark_bar().encode(x="r:N", y="v:Q")

@chart("raises")
def raises(facts):
    return 1 / 0

@chart("not-a-chart")
def not_a_chart(facts):
    return {"mark": "bar"}

@chart("unknown-fact")
def unknown_fact(facts):
    return facts.value("zj-trad")

@chart("forever")
def forever(facts):
    while True:
        pass
'''


@pytest.mark.slow
def test_every_bad_chart_is_reported_in_one_run(mini):
    chart_project(mini, BAD_CHARTS, timeout=1)
    cli("build", mini)
    before = tree(mini / "site")
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\n```{chart} c1x\n:captoin: x\n```\n")
    result = cli("build", mini)
    assert result.exit_code == 1
    out = result.output
    assert "Traceback" not in out
    assert "charts/c.py:10: error: chart 'raises' raised ZeroDivisionError: division by zero" in out
    assert "charts/c.py:12: error: chart 'not-a-chart' returned dict, not an Altair chart" in out
    assert "charts/c.py:18: error: chart 'unknown-fact': unknown fact 'zj-trad'" in out and "zj-trade" in out
    assert "charts/c.py:20: error: chart 'forever' timed out after 1s" in out
    assert re.search(r"content/one\.md:\d+:1: error: unknown chart 'c1x'.*did you mean 'c1'", out)
    assert re.search(r"content/one\.md:\d+:1: error: unknown option ':captoin:' for \{chart\}.*caption", out)
    assert tree(mini / "site") == before  # a failed build leaves the old site


def test_a_chart_file_that_does_not_run_is_reported(mini):
    chart_project(mini, "import altair as alt\nfrom factpress import chart\n\nraise RuntimeError('boom')\n")
    result = cli("build", mini)
    assert result.exit_code == 1
    assert "charts/c.py:4: error: chart file raised RuntimeError: boom" in result.output


def test_cached_rebuild_renders_no_chart_and_a_fact_edit_renders_it_again(mini):
    first = cli("build", mini, "-v")
    assert "charts: 1 rendered, 0 cached" in first.output
    second = cli("build", mini, "-v")
    assert "chart c1: cached" in second.output and "charts: 0 rendered, 1 cached" in second.output
    facts = mini / "content" / "facts" / "a.yaml"
    facts.write_text(facts.read_text().replace("value: 1.47", "value: 1.52"))
    third = cli("build", mini, "-v")
    assert "charts: 1 rendered, 0 cached" in third.output
    assert "v: 1.52e+12" in (mini / "site" / "one.html").read_text()
    out = {p.name.split(".")[0] for p in (mini / ".factpress-cache" / "charts" / "out").iterdir()}
    assert len(out) == 1  # the old chart's files were let go


def test_a_no_change_build_does_not_import_altair(mini):
    assert cli("build", mini).exit_code == 0
    code = ("import sys; from factpress.build import run_build; from factpress.site.output import MemoryOutput; "
            f"run_build(__import__('pathlib').Path({str(mini)!r}), MemoryOutput()); "
            "print('altair' in sys.modules, 'vl_convert' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_chart_from_a_data_table_with_sourced_rows(mini):
    data = mini / "content" / "data"
    data.mkdir()
    (data / "series.csv").write_text("year,value,source\n2018,1.1,src\n2019,1.25,src\n")
    chart_project(mini, '''import altair as alt
from factpress import chart

@chart("c1", title="Series")
def c1(facts):
    facts["zj-trade"]
    return alt.Chart(alt.Data(values=facts.table("series"))).mark_line().encode(x="year:O", y="value:Q")
''')
    assert cli("build", mini).exit_code == 0
    assert (mini / "site" / "charts" / "c1.csv").read_text() == "year,value\n2018,1.1\n2019,1.25\n"
    (data / "series.csv").write_text("year,value,source\n2018,1.1,src\n2019,1.3,nowhere\n")
    result = cli("build", mini)
    assert result.exit_code == 1
    # The table is checked as a table, whether or not a chart reads it: one error, at its row.
    assert result.output.splitlines()[0] == "content/data/series.csv:3: error: table 'series': row cites unknown source 'nowhere'"


@contextlib.contextmanager
def http_site(site: Path, tmp: Path, subpath: str = "report"):
    """The site served under a subpath, as on a project site of a static host."""
    www = tmp / "www"
    www.mkdir()
    (www / subpath).symlink_to(site)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{subpath}/"
    finally:
        server.shutdown()


SHOTS = Path(os.environ.get("FACTPRESS_SCREENSHOTS", ROOT / "benchmarks" / "out"))


@pytest.mark.slow
@pytest.mark.browser
def test_interactive_chart_with_js_and_static_svg_without(built_report, tmp_path):
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with http_site(built_report / "site", tmp_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            hosts = []
            page.on("request", lambda r: hosts.append(r.url))
            page.goto(url + "opening-up.html")
            fig = page.locator("#chart-trade-growth")
            assert fig.locator(".chart-live").count() == 0  # nothing drawn until the reader comes to the chart
            page.wait_for_load_state("networkidle")
            assert not [h for h in hosts if "/vega-" in h]  # nor the bundle downloaded
            fig.locator(".chart-frame").hover()
            fig.locator(".chart-live svg").wait_for()
            assert "chart-interactive" in fig.get_attribute("class")
            assert fig.locator(".chart-wide svg").count() == 1  # the live chart replaced the static one
            live = fig.locator(".chart-live svg")
            assert live.get_attribute("role") == "img"
            assert live.locator("> title").text_content().startswith("Anhui's trade grew faster")
            bar = fig.locator('.chart-live [aria-roledescription="bar"]').last
            bar.hover()
            tooltip = page.locator("#vg-tooltip-element")
            tooltip.wait_for()
            assert "+9%" in tooltip.inner_text()
            fig.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "chart-js-on.png"), full_page=False)
            fig.locator(".chart-frame").focus()
            assert page.evaluate("document.activeElement.className") == "chart-frame"
            embed = browser.new_page()
            embed.on("request", lambda r: hosts.append(r.url))
            embed.goto(url + "charts/trade-growth.html")
            embed.wait_for_load_state("networkidle")
            assert len([h for h in hosts if "/vega-" in h]) == 1  # a standalone chart page, too, waits for the reader
            embed.locator(".chart-frame").hover()
            embed.locator(".chart-live svg").wait_for()
            assert all(h.startswith(url) for h in hosts), [h for h in hosts if not h.startswith(url)]

            dark = browser.new_context(color_scheme="dark", viewport={"width": 1100, "height": 900}).new_page()
            dark.goto(url + "opening-up.html")
            dark.locator("#chart-trade-growth .chart-frame").focus()
            dark.locator("#chart-trade-growth .chart-live svg").wait_for()
            card = dark.locator("#chart-trade-growth .chart-live").evaluate("e => getComputedStyle(e).backgroundColor")
            assert card == "rgb(29, 33, 38)"  # the chart follows the dark theme
            painted = dark.locator("#chart-trade-growth .chart-live svg").evaluate("e => getComputedStyle(e).backgroundColor")
            assert painted == "rgba(0, 0, 0, 0)"  # no light card painted over the dark one under light text
            label = dark.locator("#chart-trade-growth .chart-live svg text").first
            assert label.evaluate("e => getComputedStyle(e).fill") == "rgb(232, 232, 232)"
            dark.locator("#chart-trade-growth").scroll_into_view_if_needed()
            dark.screenshot(path=str(SHOTS / "chart-dark.png"), full_page=False)

            off = browser.new_context(java_script_enabled=False, viewport={"width": 1100, "height": 900}).new_page()
            off.goto(url + "opening-up.html")
            still = off.locator("#chart-trade-growth .chart-wide svg")
            assert still.is_visible()
            assert still.get_attribute("role") == "img"
            off.locator("#chart-trade-growth").scroll_into_view_if_needed()
            off.screenshot(path=str(SHOTS / "chart-js-off.png"), full_page=False)
        finally:
            browser.close()


def test_chart_outputs_are_byte_identical_without_the_cache(mini, tmp_path):
    import shutil

    assert cli("build", mini, "-o", tmp_path / "a").exit_code == 0
    shutil.rmtree(mini / ".factpress-cache")
    assert cli("build", mini, "-o", tmp_path / "b").exit_code == 0
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert "charts/c1.png" in a and a == b


UNDRAWABLE = '''import altair as alt
from factpress import chart

@chart("c1", title="Trade")
def c1(facts):
    return alt.Chart(alt.Data(values=[{"r": "Zhejiang", "v": facts.value("zj-trade")}])).mark_bar().encode(x="r:N", y="v:Q")

@chart("undrawable")
def undrawable(facts):
    base = alt.Chart(alt.Data(values=[{"r": "Zhejiang", "v": 1}]))
    return base.transform_calculate(w="nosuchfunction(datum.v)").mark_bar().encode(x="r:N", y="w:Q")
'''


def test_chart_vega_cannot_draw_is_a_one_line_error(mini):
    chart_project(mini, UNDRAWABLE)
    result = cli("build", mini)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert re.search(r"^charts/c\.py:8: error: chart 'undrawable' could not be rendered: .*nosuchfunction", result.output, re.M), result.output
    assert not (mini / "site").exists()


LAYERED = '''import altair as alt
from factpress import chart

@chart("c1", title="Trade over time")
def c1(facts):
    series = alt.Chart(alt.Data(values=[{"year": 2018, "value": 1.1}, {"year": 2019, "value": 1.3},
                                        {"year": 2020, "value": facts.written("zj-trade")}]))
    area = series.mark_area().encode(x=alt.X("year:O", title="Year"), y=alt.Y("value:Q", title="Trade (trillion yuan)"))
    notes = alt.Chart(alt.Data(values=[{"year": 2020, "value": 1.47, "label": "Latest"}])).mark_text(dy=-8).encode(
        x="year:O", y="value:Q", text=alt.Text("label:N", title="Note"))
    return area + notes
'''


def test_a_layered_chart_with_data_per_layer_has_every_plotted_row(mini):
    chart_project(mini, LAYERED)
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    site = mini / "site"
    with open(site / "charts" / "c1.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [["Year", "Trade (trillion yuan)", "Note"], ["2018", "1.1", ""], ["2019", "1.3", ""],
                    ["2020", "1.47", ""], ["2020", "1.47", "Latest"]]
    fig = figure((site / "one.html").read_text(), "c1")
    assert table_rows(fig) == [["2018", "1.1", ""], ["2019", "1.3", ""], ["2020", "1.47", ""], ["2020", "1.47", "Latest"]]
    desc = html.unescape(re.search(r'<p class="chart-description">(.*?)</p>', fig).group(1))
    assert desc.startswith("Area chart: Trade over time. It shows trade (trillion yuan) from 2018 to 2020: 1.1 "), desc
    assert "at the end" in desc and "rising" in desc


def test_a_downloaded_image_stands_alone(built_report):
    charts = built_report / "site" / "charts"
    svg = (charts / "trade-growth.svg").read_text()
    texts = svg_texts(svg)
    assert texts[0] == "Anhui's trade grew faster than Zhejiang's, from a far smaller base"
    assert any(t.startswith("Source: Xinhua News Agency, ") and "2020" in t for t in texts), texts
    assert any(t.startswith("Dual Circulation in the Yangtze River Delta") for t in texts), texts
    assert "@font-face{font-family:Inter" in svg and "data:font/woff2;base64," in svg  # its typeface inside it
    assert 'font-family="Inter, sans-serif"' in svg
    png = (charts / "trade-growth.png").read_bytes()
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert (width, height) == (round(float(view.group(1)) * 2), round(float(view.group(2)) * 2))


def test_dark_theme_colours_in_the_stylesheet_are_the_themes(built_report):
    """The stylesheet's dark chart colours are the theme's, and they meet contrast on the dark card."""
    from factpress.charts.theme import DARK, PALETTE, contrast, dark_css

    css = (built_report / "site" / "assets" / "style.css").read_text()
    for rule in dark_css(".chart-image").strip().splitlines():
        assert rule in css, rule
    assert len(set(PALETTE)) == len(PALETTE) >= 8  # eight series, eight colours
    for colour in PALETTE:
        assert contrast(colour, "#ffffff") >= 3, colour
        assert contrast(colour, DARK["card"]) >= 3, colour
        assert contrast("#ffffff", colour) >= 4.5, colour
    assert contrast(DARK["text"], DARK["card"]) >= 4.5 and contrast(DARK["muted"], DARK["card"]) >= 4.5


@pytest.mark.slow
@pytest.mark.browser
def test_chart_panel_tabs_work_by_keyboard_and_copy(built_report, tmp_path):
    from playwright.sync_api import sync_playwright

    with http_site(built_report / "site", tmp_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.goto(url + "opening-up.html")
            fig = page.locator("#chart-trade-growth")
            tabs = fig.locator('[role="tab"]')
            assert tabs.all_inner_texts() == ["Chart", "Table", "Download", "Embed", "Cite"]
            assert fig.locator("details").count() == 0
            assert fig.locator(".chart-frame").is_visible() and not fig.locator(".chart-table").is_visible()
            tabs.first.focus()
            page.keyboard.press("ArrowRight")
            assert page.evaluate("document.activeElement.textContent") == "Table"
            assert tabs.nth(1).get_attribute("aria-selected") == "true"
            assert fig.locator(".chart-table").is_visible() and not fig.locator(".chart-frame").is_visible()
            page.keyboard.press("End")
            assert fig.locator(".chart-citation").is_visible()
            accessed = fig.locator(".chart-accessed").inner_text()
            fig.get_by_role("button", name="Copy citation").click()
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied.startswith("The factpress authors (2026). Anhui's trade") and accessed in copied
            tabs.nth(4).focus()
            page.keyboard.press("Home")
            assert fig.locator(".chart-frame").is_visible()
            page.keyboard.press("ArrowLeft")
            assert page.evaluate("document.activeElement.textContent") == "Cite"
            off = browser.new_context(java_script_enabled=False).new_page()
            off.goto(url + "opening-up.html")
            assert off.locator("#chart-trade-growth details").count() == 4
            assert off.locator("#chart-trade-growth button.chart-copy").first.is_hidden()
        finally:
            browser.close()


ROW_FACETS = '''import altair as alt
from factpress import chart


@chart("c1", title="Flow by station")
def c1(facts):
    rows = [{"station": s, "month": m, "flow": (i + 1) * 100 + m} for i, s in enumerate(["Basel", "Koblenz", "Köln"])
            for m in range(1, 13)]
    return alt.Chart(alt.Data(values=rows)).mark_area().encode(
        x=alt.X("month:O", title="Month"),
        y=alt.Y("flow:Q", title="Mean monthly discharge at the gauging station (m³/s)"),
        row=alt.Row("station:N", title="Station")).properties(height=100)
'''


def test_an_upright_axis_title_repeated_on_facet_rows_wraps_to_a_row_on_a_phone(mini):
    (mini / "charts" / "c.py").write_text(ROW_FACETS)
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    assert "overlaps" not in result.output, result.output
    page = (mini / "site" / "one.html").read_text("utf-8")
    narrow = json.loads(html.unescape(re.search(r'class="chart-spec" data-layout="narrow">(.*?)</script>', page, re.S).group(1)))
    title = narrow["encoding"]["y"]["title"]
    assert isinstance(title, list) and len(title) > 1 and " ".join(title) == "Mean monthly discharge at the gauging station (m³/s)"


SMALL_MULTIPLES = '''import altair as alt
from factpress import chart

PLACES = ["Zhejiang", "Anhui", "Jiangsu", "Shanghai", "Fujian", "Shandong"]


@chart("c1", title="Trade by province")
def c1(facts):
    rows = [{"year": y, "place": p, "trade": 100 + j * 15 + (y - 2010) * (2 + j), "half": h}
            for j, p in enumerate(PLACES) for y in range(2010, 2024) for h in ("H1", "H2")]
    return alt.Chart(alt.Data(values=rows)).mark_line().encode(
        x=alt.X("year:O", title="Year"), y=alt.Y("trade:Q", title="Trade (billion yuan)"), ENCODING)
'''


def narrow_svg_width(page: str) -> float:
    svg = re.search(r'class="chart-image chart-narrow"[^>]*>\s*<svg[^>]*?width="([\d.]+)"', page)
    return float(svg.group(1))


def test_side_by_side_panels_wrap_two_a_row_on_a_phone_so_their_text_keeps_its_size(mini):
    (mini / "charts" / "c.py").write_text(SMALL_MULTIPLES.replace("ENCODING", 'column=alt.Column("place:N", title="Province")'))
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    page = (mini / "site" / "one.html").read_text("utf-8")
    narrow = json.loads(html.unescape(re.search(r'class="chart-spec" data-layout="narrow">(.*?)</script>', page, re.S).group(1)))
    assert narrow["encoding"]["facet"]["columns"] == 2 and "column" not in narrow["encoding"]
    assert narrow_svg_width(page) <= 321  # drawn for the phone, not 428 px scaled down to 9 px text


def test_a_drawing_wider_than_the_phone_is_warned_of_as_text_shown_too_small(mini):
    (mini / "charts" / "c.py").write_text(SMALL_MULTIPLES.replace(
        "ENCODING", 'column=alt.Column("place:N", title="Province"), row=alt.Row("half:N")'))  # a grid stays a grid
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    assert re.search(r"warning: chart 'c1' \(narrow layout\): '[^']+' is set at \d\.\d px, under 10 px", result.output), \
        result.output
