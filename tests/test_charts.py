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
    return [[html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", tr)] for tr in re.findall(r"<tr>(.*?)</tr>", body)]


@pytest.fixture(scope="module")
def built_report(tmp_path_factory):
    from conftest import copy_project

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1600000000")
        project = copy_project("report", tmp_path_factory.mktemp("charts"))
        result = cli("build", project)
        assert result.exit_code == 0, result.output
    return project


def test_svg_text_matches_the_fact_values_as_the_site_shows_them(built_report):
    site = built_report / "site"
    trade = svg_texts(figure((site / "opening-up.html").read_text(), "trade-growth"))
    for text in ("1.47 trillion yuan", "244.16 billion yuan", "+4.2%", "+9%", "+15.9%"):
        assert text in trade
    # The same text as the prose shows for the same facts.
    page = (site / "opening-up.html").read_text()
    assert 'data-fact="zhejiang-trade-2020h1">1.47 trillion yuan</data>' in page
    assert 'data-fact="anhui-trade-2020h1">244.16 billion yuan</data>' in page
    weight = svg_texts(figure((site / "overview.html").read_text(), "delta-weight"))
    for text in ("one quarter", "about one third"):
        assert text in weight
    assert any("358,000 km²" in t for t in weight)
    chain = svg_texts(figure((site / "regional-integration.html").read_text(), "regional-chain"))
    for text in ("1 Research and development", "2 Mould processing", "3 Manufacturing", "Shanghai", "Zhejiang", "Anhui"):
        assert text in chain


def test_figure_is_accessible_and_cites_its_sources(built_report):
    fig = figure((built_report / "site" / "opening-up.html").read_text(), "trade-growth")
    assert 'tabindex="0"' in fig.split(">", 1)[0]
    assert '<svg role="img" aria-labelledby="chart-trade-growth-name" aria-describedby="chart-trade-growth-desc"' in fig
    assert re.search(r'<title id="chart-trade-growth-name">[^<]+</title><desc id="chart-trade-growth-desc">[^<]+</desc>', fig)
    assert '<figcaption id="chart-trade-growth-caption">' in fig
    assert 'Source: <a href="sources.html#source-xinhua-2020-09-05">' in fig
    # The generated description names the kind, the measure, the extremes as the site shows them, the period.
    desc = html.unescape(re.search(r'<p class="chart-description">(.*?)</p>', fig).group(1))
    assert desc.startswith("Bar chart: ")
    assert "highest" in desc and "+15.9% year on year" in desc and "+4.2% year on year" in desc
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
    assert '<title id="chart-c1-name">Zhejiang trade bar</title><desc id="chart-c1-desc">Written by hand.</desc>' in fig
    assert 'style="max-width:300px"' in fig


def test_downloads_hold_exactly_the_plotted_data(built_report):
    site = built_report / "site"
    page = (site / "opening-up.html").read_text()
    fig = figure(page, "trade-growth")
    spec = json.loads((site / "charts" / "trade-growth.vl.json").read_text())
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    plotted = [row for values in spec["datasets"].values() for row in values] if "datasets" in spec else spec["data"]["values"]
    with open(site / "charts" / "trade-growth.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["series"] for r in rows] == [p["series"] for p in plotted] == ["Zhejiang", "Anhui", "LCFC computer exports"]
    assert [float(r["growth_percent"]) for r in rows] == [4.2, 9.0, 15.9]
    assert [r["volume"] for r in rows] == ["1.47 trillion yuan", "244.16 billion yuan", "4.05 million computers"]
    # The table under the chart is the same data as the CSV.
    with open(site / "charts" / "trade-growth.csv", newline="") as f:
        assert table_rows(fig) == list(csv.reader(f))[1:]
    assert (site / "charts" / "trade-growth.png").read_bytes().startswith(b"\x89PNG")
    assert (site / "charts" / "trade-growth.svg").read_text().startswith("<svg")
    for name in ("csv", "svg", "png", "vl.json", "html"):
        assert f'href="charts/trade-growth.{name}"' in fig
    # Embed code and citation use the published address.
    assert "&lt;iframe src=&#34;https://example.github.io/factpress/charts/trade-growth.html&#34;" in fig
    assert re.search(r'class="chart-citation">Cite as: Dual Circulation in the Yangtze River Delta, “Foreign trade[^<]*Xinhua', fig)


def test_embed_page_uses_only_relative_links(built_report):
    embed = (built_report / "site" / "charts" / "trade-growth.html").read_text()
    refs = re.findall(r'(?:href|src)="([^"]+)"', embed)
    assert refs and all(not r.startswith("/") for r in refs)
    assert 'href="../sources.html#source-xinhua-2020-09-05"' in embed
    assert re.search(r'<script src="\.\./assets/charts\.js\?v=[0-9a-f]+" data-vega="\.\./assets/vega-[0-9a-f]{12}\.js" defer>', embed)
    assert 'href="../opening-up.html"' in embed


def test_scripts_only_on_pages_with_charts(built_report):
    site = built_report / "site"
    assert "vega-" in (site / "opening-up.html").read_text()
    for name in ("sources.html", "data.html", "domestic-circulation.html"):
        scripts = re.findall(r"<script\b[^>]*>", (site / name).read_text())
        assert scripts == ['<script type="application/ld+json">'], name  # structured data only, no code


URL_RE = re.compile(r"https?://[^\s\"'<>)\\`]+")


def test_the_built_site_references_no_other_host(built_report):
    """Every http(s) URL in the site is the report's own address, a source's link or an XML namespace."""
    settings = (built_report / "content" / "report.yaml").read_text()
    base = re.search(r"base_url:\s*(\S+)", settings).group(1).rstrip("/") + "/"
    source_urls = set(re.findall(r"url:\s*(\S+)", (built_report / "content" / "sources.yaml").read_text()))
    allowed = ("http://www.w3.org/", "https://www.w3.org/", "https://schema.org", "http://www.sitemaps.org/schemas/", base)
    bad = {}
    for name, data in tree(built_report / "site").items():
        if name.endswith((".png", ".pdf")) or re.fullmatch(r"assets/vega-[0-9a-f]+\.js", name):
            continue  # the vega bundle is checked in the browser: it makes no request
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
    out = sorted(p.suffix for p in (mini / ".factpress-cache" / "charts" / "out").iterdir())
    assert out == [".json", ".png", ".svg"]  # the old chart's files were let go


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
    assert (mini / "site" / "charts" / "c1.csv").read_text() == "year,value,source\n2018,1.1,src\n2019,1.25,src\n"
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
            fig.hover()
            fig.locator(".chart-live svg").wait_for()
            assert "chart-interactive" in fig.get_attribute("class")
            assert fig.locator("svg").count() == 1  # the live chart replaced the static one
            assert fig.locator("svg").get_attribute("role") == "img"
            assert fig.locator("svg > title").text_content() == "Foreign trade in the first half of 2020: volume and growth"
            bar = fig.locator('.chart-live [aria-roledescription="bar"]').last
            bar.hover()
            tooltip = page.locator("#vg-tooltip-element")
            tooltip.wait_for()
            assert "+15.9%" in tooltip.inner_text()
            fig.scroll_into_view_if_needed()
            page.screenshot(path=str(SHOTS / "chart-js-on.png"), full_page=False)
            fig.focus()
            assert page.evaluate("document.activeElement.id") == "chart-trade-growth"
            embed = browser.new_page()
            embed.on("request", lambda r: hosts.append(r.url))
            embed.goto(url + "charts/trade-growth.html")
            embed.locator(".chart-live svg").wait_for()
            assert all(h.startswith(url) for h in hosts), [h for h in hosts if not h.startswith(url)]

            dark = browser.new_context(color_scheme="dark", viewport={"width": 1100, "height": 900}).new_page()
            dark.goto(url + "opening-up.html")
            dark.locator("#chart-trade-growth").focus()
            dark.locator("#chart-trade-growth .chart-live svg").wait_for()
            card = dark.locator("#chart-trade-growth .chart-live").evaluate("e => getComputedStyle(e).backgroundColor")
            assert card == "rgb(255, 255, 255)"  # the chart keeps its light card in the dark theme
            assert dark.evaluate("getComputedStyle(document.body).backgroundColor") != card
            dark.locator("#chart-trade-growth").scroll_into_view_if_needed()
            dark.screenshot(path=str(SHOTS / "chart-dark.png"), full_page=False)

            off = browser.new_context(java_script_enabled=False, viewport={"width": 1100, "height": 900}).new_page()
            off.goto(url + "opening-up.html")
            still = off.locator("#chart-trade-growth .chart-image svg")
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
