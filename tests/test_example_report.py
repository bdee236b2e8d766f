"""The second example report (examples/iowa-electricity): built and checked --strict, its data the
public-domain table the vega_datasets package ships, and a CSV edit carried through facts drawn
from it, facts derived from those, the charts that read them and the PDF, in one build."""
from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, cli, needs_browser


EXAMPLE = ROOT / "examples" / "iowa-electricity"
CSV = Path("content") / "data" / "iowa-electricity.csv"


@pytest.fixture
def example(tmp_path) -> Path:
    target = tmp_path / "iowa-electricity"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("site", ".factpress-cache", "__pycache__"))
    return target


def facts_of(site: Path) -> dict[str, dict]:
    return {f["id"]: f for f in json.loads((site / "facts.json").read_text("utf-8"))["facts"]}


def pdf_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built_example(tmp_path_factory):
    """The example checked --strict and built once: (check output, build output, project)."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")
    target = tmp_path_factory.mktemp("example") / "iowa-electricity"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("site", ".factpress-cache", "__pycache__"))
    check = cli("check", "--strict", "--base-url", "https://octo.github.io/iowa-electricity/", target)
    build = cli("build", target)
    return check, build, target


def test_the_example_checks_strict_and_builds(built_example):
    check, build, example = built_example
    assert check.exit_code == 0, check.output
    assert check.output.strip() == "ok: 16 facts, 1 sources, 3 pages, 2 charts; 0 warnings"
    assert build.exit_code == 0, build.output
    site = example / "site"
    facts = facts_of(site)
    assert facts["renewables-share-2017"]["text"] == "38.8%"
    assert facts["renewables-multiple-2001-2017"]["text"] == "15.3 times"
    assert facts["renewables-multiple-2001-2017"]["period"] == "2001/2017"
    assert facts["renewables-2017"]["unit"] == "TWh" and facts["renewables-2017"]["base_unit"] == "J"
    assert facts["nuclear-2017"]["data_only"] is True
    assert "2001–2017" in (site / "renewables.html").read_text("utf-8")
    assert (site / "data" / "iowa-electricity.csv").read_bytes() == (example / CSV).read_bytes()
    sources = json.loads((site / "facts.json").read_text("utf-8"))["sources"]
    assert [s["publisher"] for s in sources] == ["U.S. Energy Information Administration"]


def test_the_example_data_is_the_table_vega_datasets_ships():
    spec = importlib.util.find_spec("vega_datasets")  # found without importing it (and pandas)
    if spec is None:
        pytest.skip("vega_datasets is not installed (pip install -e '.[test]')")
    shipped = Path(spec.submodule_search_locations[0]) / "_data" / "iowa-electricity.csv"
    assert (EXAMPLE / CSV).read_bytes() == shipped.read_bytes()


@pytest.mark.slow
def test_a_csv_edit_changes_drawn_and_derived_facts_the_charts_and_the_pdf_in_one_build(example):
    first = cli("build", "--pdf", example)
    assert first.exit_code == 0, first.output
    site = example / "site"
    before = pdf_text(site / "report.pdf")
    assert "21.9 TWh" in before and "38.8%" in before and "56.5 TWh" in before
    csv = example / CSV
    csv.write_text(csv.read_text("utf-8").replace("2017-01-01,Renewables,21933", "2017-01-01,Renewables,23933"), "utf-8")

    result = cli("build", "--pdf", example)
    assert result.exit_code == 0, result.output
    facts = facts_of(site)
    assert facts["renewables-2017"]["text"] == "23.9 TWh"  # drawn from the edited cell
    assert facts["total-2017"]["text"] == "58.5 TWh"  # a sum of rows that include it
    assert facts["renewables-share-2017"]["text"] == "40.9%"  # derived from both
    assert facts["renewables-multiple-2001-2017"]["text"] == "16.7 times"
    page = (site / "renewables.html").read_text("utf-8")
    assert "23.9 TWh" in page and "21.9 TWh" not in page
    line = (site / "charts" / "generation-by-source.svg").read_text("utf-8")
    assert "Net generation (thousand MWh): 23933; Energy source: Renewables" in line
    assert "2017-01-01,23933,Renewables" in (site / "charts" / "generation-by-source.csv").read_text("utf-8")
    bars = (site / "charts" / "mix-2017.svg").read_text("utf-8")
    assert "Share: 40.9%" in bars and "Share: 38.8%" not in bars
    after = pdf_text(site / "report.pdf")
    for text in ("23.9 TWh", "40.9%", "58.5 TWh", "16.7 times", "1,437–42,750"):
        assert text in after, text
    for text in ("21.9 TWh", "38.8%", "56.5 TWh"):
        assert text not in after, text
    # The appendix says how each fact was made in words: inputs by label and period, tables by title, no ids
    flowing = subprocess.run(["pdftotext", str(site / "report.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    flowing = " ".join(flowing.split()).replace("– ", "–")  # a line may break after an en dash
    appendix = flowing[flowing.index("All facts ("):]
    assert ("Derived: Net generation from renewables (2017) / Net generation from renewables (2001)"
            in appendix)
    assert "From the table Net generation of electricity in Iowa by source, 2001–2017, line 52" in appendix
    for fid in facts:
        assert fid not in appendix, fid
    data_page = (site / "data.html").read_text("utf-8")  # the Data page gives the formula as written, by id
    assert 'Derived: <a href="#fact-renewables-2017"><code>renewables-2017</code></a>' in data_page


TOOLS = Path(__file__).resolve().parent / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not VNU.exists() or not AXE.exists() or not Path("/usr/bin/chromium").exists(),
                    reason="npm tools or chromium missing: run scripts/test.sh")
def test_the_example_pages_are_valid_html_and_pass_axe_light_and_dark(built_example):
    """The Data page with its tables and derived facts, and the pages with charts from a table."""
    _, build, example = built_example
    assert build.exit_code == 0, build.output
    site = example / "site"
    pages = sorted(p for p in site.rglob("*.html"))
    run = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, pages)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    assert [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
    from playwright.sync_api import sync_playwright

    axe = AXE.read_text()
    found = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for scheme in ("light", "dark"):
            context = browser.new_context(color_scheme=scheme, bypass_csp=True)  # axe is injected; the page's policy would refuse it
            for name in ("data.html", "renewables.html", "mix.html", "sources.html"):
                page = context.new_page()
                page.goto((site / name).as_uri())
                page.add_script_tag(content=axe)
                result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: "
                                       "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
                found[(scheme, name)] = [f"{v['id']}: {v['nodes'][0]['target']}" for v in result["violations"]]
                page.close()
            context.close()
        browser.close()
    assert {k: v for k, v in found.items() if v} == {}


COLUMN_CELLS = """() => [...document.querySelectorAll('table.columns th, table.columns td')].map(c => {
  const r = c.getBoundingClientRect();
  return {left: r.left, right: r.right, text: c.innerText};
})"""


@needs_browser
@pytest.mark.browser
def test_on_a_phone_a_data_table_lists_its_columns_without_scrolling_sideways(built_example, browser):
    _, build, project = built_example
    assert build.exit_code == 0, build.output
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 844})
        page.goto((project / "site" / "data.html").as_uri())
        cells = page.evaluate(COLUMN_CELLS)
        wraps = page.evaluate("[...document.querySelectorAll('.data-table .table-wrap')].map(w => [w.scrollWidth, w.clientWidth])")
        text = page.inner_text("table.columns")
        page.close()
        assert cells and all(c["left"] >= 0 and c["right"] <= width - 10 for c in cells), (width, cells)
        assert all(sw <= cw for sw, cw in wraps), (width, wraps)
        assert "2001–2017" in text and "thousand MWh" in text


def test_explain_names_the_rows_a_chart_plots_from_a_data_table_and_their_source(built_example):
    _, _, project = built_example
    result = cli("check", "--explain", project)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "chart generation-by-source" in x)
    assert "51 rows plotted" in line and "from a data table <- Electricity Data Browser" in line, line
