"""Charts of a German report drawn from a data table with several series: what the generated
description says (per series, never a change across series, no percentage on °C), the axes in
the report's language (static and interactive), and the data table's headings of a facet."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from conftest import cli
from test_charts import figure, http_site, svg_texts

STATIONS = {"Köln": (50.7, 2522, 1.3), "Basel": (67.2, 1296, -0.8), "Koblenz": (40.6, 2375, 0.4)}
MONTHS = ("2023-01", "2023-03", "2023-10", "2023-12")
RISE = {"Köln": (50.7, 60.1, 84.1, 83.4), "Basel": (67.2, 70.0, 61.5, 85.2), "Koblenz": (40.6, 50.2, 70.3, 82.8)}
FLOW = {"Köln": (2522, 2909, 1514, 2164), "Basel": (1296, 1420, 990, 1112), "Koblenz": (2375, 2600, 1400, 1993)}
TEMP = {"Köln": (1.3, 6.0, 20.5, 3.4), "Basel": (-0.8, 4.1, 18.0, 2.8), "Koblenz": (0.4, 5.2, 19.1, 3.6)}
MANY = {f"Pegel {n}": (10.0 * n, 12.0 * n) for n in range(1, 7)}

TABLE = """source: src
license: {name: CC0-1.0, title: CC0 1.0, path: https://creativecommons.org/publicdomain/zero/1.0/}
fields:
  - {name: monat, type: yearmonth, title: Monat}
  - {name: pegel, type: string, title: Pegel}
  - {name: niederschlag, type: number, title: Monatlicher Niederschlag, unit: mm}
  - {name: abfluss, type: number, title: Mittlerer Abfluss, unit: m3/s}
  - {name: temperatur, type: number, title: Mittlere Lufttemperatur, unit: degC}
"""

CHARTS = '''import altair as alt
from factpress import chart


@chart("regen", title="Niederschlag je Pegel")
def regen(facts):
    rows = facts.table("pegel")
    return alt.Chart(alt.Data(values=rows)).mark_line(point=True).encode(
        x=alt.X("monat:T", title=rows.title_of("monat"), axis=alt.Axis(format="%b")),
        y=alt.Y("niederschlag:Q", title=rows.label("niederschlag")),
        color=alt.Color("pegel:N", title=rows.title_of("pegel")))


@chart("abfluss", title="Abfluss je Pegel")
def abfluss(facts):
    rows = facts.table("pegel")
    return alt.Chart(alt.Data(values=rows)).mark_area().encode(
        x=alt.X("monat:T", title=rows.title_of("monat"), axis=alt.Axis(format="%b")),
        y=alt.Y("abfluss:Q", title=rows.label("abfluss"))).properties(width=150, height=120).facet(
        column=alt.Column("pegel:N", title=rows.title_of("pegel")))


@chart("temperatur", title="Temperatur in Köln")
def temperatur(facts):
    rows = facts.table("pegel")
    return alt.Chart(alt.Data(values=[r for r in rows if r["pegel"] == "Köln"])).mark_line().encode(
        x=alt.X("monat:T", title=rows.title_of("monat")), y=alt.Y("temperatur:Q", title=rows.label("temperatur")))


@chart("viele", title="Sechs Pegel")
def viele(facts):
    rows = facts.table("viele")
    return alt.Chart(alt.Data(values=rows)).mark_line().encode(
        x=alt.X("monat:T", title="Monat"), y=alt.Y("wert:Q", title="Wert (mm)"), color=alt.Color("pegel:N", title="Pegel"))
'''

PAGE = """---
title: Eins
summary: erste
---

```{chart} regen
```

```{chart} abfluss
```

```{chart} temperatur
```

```{chart} viele
```
"""


def german_project(mini: Path) -> Path:
    data = mini / "content" / "data"
    data.mkdir()
    lines = ["monat,pegel,niederschlag,abfluss,temperatur"]
    for i, month in enumerate(MONTHS):
        lines += [f"{month},{s},{RISE[s][i]},{FLOW[s][i]},{TEMP[s][i]}" for s in STATIONS]
    (data / "pegel.csv").write_text("\n".join(lines) + "\n")
    (data / "pegel.yaml").write_text("title: Monatswerte an drei Pegeln\n" + TABLE)
    many = ["monat,pegel,wert"] + [f"{m},{s},{v[i]}" for s, v in MANY.items() for i, m in enumerate(("2023-01", "2023-12"))]
    (data / "viele.csv").write_text("\n".join(many) + "\n")
    (data / "viele.yaml").write_text("title: Sechs Pegel\n" + TABLE.split("fields:")[0] + """fields:
  - {name: monat, type: yearmonth, title: Monat}
  - {name: pegel, type: string, title: Pegel}
  - {name: wert, type: number, title: Wert, unit: mm}
""")
    (mini / "charts" / "pegel.py").write_text(CHARTS)
    (mini / "content" / "zwei.md").write_text(PAGE)
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text().replace("pages: [one]", "pages: [one, zwei]") + "language: de\n")
    return mini


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    from conftest import copy_project

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1600000000")
        project = german_project(copy_project("mini", tmp_path_factory.mktemp("de")))
        result = cli("build", project)
        assert result.exit_code == 0, result.output
    return project


def description(site: Path, chart_id: str) -> str:
    fig = figure((site / "zwei.html").read_text(), chart_id)
    return html.unescape(re.search(r'<p class="chart-description">(.*?)</p>', fig, re.S).group(1))


def test_a_chart_of_several_series_is_described_series_by_series(german):
    text = description(german / "site", "regen")
    # each station with its own start, end and change, named; none from one station's start to another's end
    assert "Köln, 50,7 mm at the start and 83,4 mm at the end, rising, +64,5%" in text
    assert "Basel, 67,2 mm at the start and 85,2 mm at the end, rising, +26,8%" in text
    assert "Koblenz, 40,6 mm at the start and 82,8 mm at the end, rising, +103,9%" in text
    assert "The highest value is 85,2 mm, Basel in Dezember 2023." in text
    assert "+63,3%" not in text  # Köln's January to Koblenz's December
    assert "It shows Monatlicher Niederschlag (mm) by Pegel from Januar 2023 to Dezember 2023" in text  # German capitals kept
    facet = description(german / "site", "abfluss")  # a facet is a series too
    assert "Köln, 2.522 m³/s at the start and 2.164 m³/s at the end, falling, −14,2%" in facet
    assert "Koblenz, 2.375 m³/s at the start and 1.993 m³/s at the end, falling, −16,1%" in facet


def test_many_series_name_the_highest_and_count_the_others(german):
    text = description(german / "site", "viele")
    assert "6 series; the 3 highest at the end: Pegel 6, 60 mm at the start and 72 mm at the end, rising, +20%; " \
           "Pegel 5, 50 mm" in text
    assert "; and 3 others. The highest value is 72 mm, Pegel 6 in Dezember 2023." in text
    assert "Pegel 1," not in text


def test_a_temperature_changes_by_degrees_not_by_percent(german):
    text = description(german / "site", "temperatur")
    assert "1,3 °C at the start and 3,4 °C at the end" in text
    assert text.endswith("overall rising by 2,1 °C.")
    assert "%" not in text


def test_axes_write_numbers_and_months_in_the_reports_language(german):
    fig = figure((german / "site" / "zwei.html").read_text(), "regen")
    texts = svg_texts(fig)
    assert {"Jan", "Mrz", "Okt", "Dez"} <= set(texts)
    assert not {"Mar", "Oct", "Dec"} & set(texts)
    flow = svg_texts((german / "site" / "charts" / "abfluss.svg").read_text())  # the export image too
    assert "1.000" in flow and "2.000" in flow and "1,000" not in flow
    assert "Okt" in svg_texts(figure((german / "site" / "zwei.html").read_text(), "abfluss"))


def test_a_facets_title_heads_its_column_in_the_table_and_csv(german):
    csv_head = (german / "site" / "charts" / "abfluss.csv").read_text().splitlines()[0]
    assert csv_head.split(",")[0] == "Pegel"
    fig = figure((german / "site" / "zwei.html").read_text(), "abfluss")
    heads = [html.unescape(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', fig)]
    assert heads[0] == "Pegel" and "pegel" not in heads


def test_a_change_of_language_draws_the_charts_again(german, tmp_path):
    import shutil

    project = tmp_path / "p"
    shutil.copytree(german, project, ignore=shutil.ignore_patterns("site"))
    settings = project / "content" / "report.yaml"
    settings.write_text(settings.read_text().replace("language: de\n", "language: en-US\n"))
    assert cli("build", project).exit_code == 0
    flow = svg_texts((project / "site" / "charts" / "abfluss.svg").read_text())
    assert "1,000" in flow and "1.000" not in flow
    assert not list((project / "site" / "assets").glob("chart-locale-*.js"))  # en-US is vega-embed's own
    assert "data-locale" not in (project / "site" / "zwei.html").read_text()


@pytest.mark.slow
@pytest.mark.browser
def test_the_interactive_chart_speaks_the_reports_language(german, browser, tmp_path):
    with http_site(german / "site", tmp_path) as url:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(url + "zwei.html")
        fig = page.locator("#chart-abfluss")
        fig.locator(".chart-frame").hover()
        fig.locator(".chart-live svg").wait_for()
        labels = fig.locator(".chart-live svg text").all_text_contents()
        assert "Okt" in labels and "1.000" in labels and "Oct" not in labels
        assert not errors
        page.close()
