"""The content model for any report: units from the unit library, tables with a schema, facts drawn
from tables, derived facts, interval periods and data-only facts, through the CLI and the built files."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import cli

FACT = """  - id: {id}
    label: {label}
    value: {value}
    unit: {unit}
    period: "{period}"
    region: R
    source: src
    data_only: true
"""


def facts_file(project: Path, text: str, name: str = "extra.yaml") -> None:
    (project / "content" / "facts" / name).write_text("facts:\n" + text)


def built_facts(site: Path) -> dict[str, dict]:
    return {f["id"]: f for f in json.loads((site / "facts.json").read_text("utf-8"))["facts"]}


def csv_rows(site: Path) -> dict[str, dict]:
    return {r["id"]: r for r in csv.DictReader(io.StringIO((site / "facts.csv").read_text("utf-8")))}


def test_units_from_the_unit_library_show_as_written_and_carry_base_values(mini):
    facts_file(mini, "".join(FACT.format(id=i, label=i, value=v, unit=u, period="2020") for i, v, u in [
        ("energy", "21933", "MWh"), ("flow", "12.5", "m3/s"), ("mass", "58", "t"), ("money", "3.5", "EUR"),
        ("code", "1.47", "CNY"), ("multiple", "15.3", "times"), ("area", "358000", "km2"), ("share", "4.2", "percent")]))
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    facts = built_facts(mini / "site")
    shown = {i: facts[i]["text"] for i in ("energy", "flow", "mass", "money", "code", "multiple", "area", "share")}
    assert shown == {"energy": "21,933 MWh", "flow": "12.5 m³/s", "mass": "58 t", "money": "€3.5", "code": "1.47 yuan",
                     "multiple": "15.3 times", "area": "358,000 km²", "share": "4.2%"}
    raw = (mini / "site" / "facts.json").read_text("utf-8")
    assert re.search(r'"unit": "MWh",\s+"base_value": 78958800000000,\s+"base_unit": "J"', raw)
    assert re.search(r'"unit": "km2",\s+"base_value": 358000000000,\s+"base_unit": "m²"', raw)
    assert re.search(r'"unit": "percent",\s+"base_value": 0.042,\s+"base_unit": "1"', raw)
    rows = csv_rows(mini / "site")
    assert (rows["flow"]["unit"], rows["flow"]["base_value"], rows["flow"]["base_unit"]) == ("m3/s", "12.5", "m³/s")
    assert (rows["money"]["base_unit"], rows["zj-trade"]["base_unit"], rows["mass"]["base_value"]) == ("EUR", "CNY", "58000")
    html = (mini / "site" / "data.html").read_text("utf-8")
    assert '<data value="21933" data-fact="energy">21,933 MWh</data>' in html


def test_the_unit_library_is_imported_only_for_a_unit_outside_factpress_own(mini):
    code = ("import sys; from pathlib import Path; from factpress.build import run_build; "
            "from factpress.site.output import MemoryOutput; run_build(Path(sys.argv[1]), MemoryOutput()); "
            "print('pint' in sys.modules)")

    def imports_pint() -> bool:
        run = subprocess.run([sys.executable, "-c", code, str(mini)], capture_output=True, text=True, env=os.environ,
                             check=True)
        return run.stdout.split()[-1] == "True"

    assert not imports_pint()  # yuan, percent, fraction, km2, count: the built-in path
    facts_file(mini, FACT.format(id="energy", label="Energy", value="5", unit="GWh", period="2020"))
    assert imports_pint()


def test_report_declares_its_own_count_nouns_and_units(mini):
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text() + "nouns:\n  households: household\nunits:\n  boe: 6.1178632 GJ\n")
    facts_file(mini, FACT.format(id="one-home", label="Homes", value="1", unit="households", period="2020")
               + FACT.format(id="homes", label="Homes", value="2.5", unit="households", period="2020")
               + FACT.format(id="oil", label="Oil", value="100", unit="boe", period="2020")
               + "  - id: oil-energy\n    label: Oil as energy\n    formula: oil\n    unit: GJ\n    period: '2020'\n"
                 "    region: R\n    data_only: true\n")
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    facts = built_facts(mini / "site")
    assert [facts[i]["text"] for i in ("one-home", "homes", "oil", "oil-energy")] == [
        "1 household", "2.5 households", "100 boe", "611.78632 GJ"]
    assert facts["oil"]["base_unit"] == "J" and facts["homes"]["noun"] == "households"


def test_a_bad_unit_definition_in_the_settings_is_reported_there(mini):
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text() + "units:\n  boe: 6.1 GJJ\n")
    result = cli("build", mini)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("content/report.yaml:7:8: error: settings: unit 'boe': unknown unit 'GJJ' "
                                             "(did you mean 'GJ'?)")


def test_interval_periods_are_shown_in_words(mini):
    facts_file(mini, "".join(FACT.format(id=i, label=i, value="1", unit="count", period=p) for i, p in [
        ("years", "2001/2017"), ("months", "2020-01/2020-06"), ("across", "2019-11/2020-02"), ("days", "2020-06-01/2020-06-15")]))
    assert cli("build", mini).exit_code == 0
    html = (mini / "site" / "data.html").read_text("utf-8")
    for text in ("2001–2017", "January–June 2020", "November 2019–February 2020", "June 1–15, 2020"):
        assert f">{text}</td>" in html, text
    assert built_facts(mini / "site")["years"]["period"] == "2001/2017"


GEN_CSV = "year,source,generation\n2016,Wind,21241\n2016,Coal,28437\n2017,Wind,21933\n2017,Coal,29329\n"
GEN_SCHEMA = """title: Generation by source
description: Net generation, by energy source.
license: Public domain
source: src
fields:
  - {name: year, type: year, title: Year}
  - {name: source, type: string, title: Energy source}
  - {name: generation, type: number, title: Net generation, unit: MWh, scale: thousand}
"""
GEN_FACTS = """  - id: wind-2017
    label: Wind generation
    from: {table: gen, where: {year: 2017, source: Wind}, column: generation}
    unit: TWh
    period: "2017"
    region: R
    tags: [gen]
  - id: total-2017
    label: All generation
    from: {table: gen, where: {year: 2017}, column: generation, aggregate: sum}
    period: "2017"
    region: R
    data_only: true
  - id: wind-mean
    label: Wind generation, average year
    from: {table: gen, where: {source: Wind, year: {from: 2016, to: 2017}}, column: generation, aggregate: mean}
    period: 2016/2017
    region: R
    data_only: true
  - id: years
    label: Years in the table
    from: {table: gen, where: {source: [Wind]}, aggregate: count}
    noun: years
    period: 2016/2017
    region: R
    data_only: true
  - id: wind-share-2017
    label: Wind's share
    formula: wind-2017 / total-2017
    unit: percent
    decimals: 1
    period: "2017"
    region: R
    tags: [gen]
"""
GEN_CHART = '''import altair as alt
from factpress import chart

@chart("gen", title="Generation")
def gen(facts):
    rows = facts.table("gen")
    assert rows[0] == {"year": 2016, "source": "Wind", "generation": 21241.0}, rows[0]
    return alt.Chart(alt.Data(values=rows)).mark_line().encode(
        x=alt.X("year:O", title=rows.title_of("year")), y=alt.Y("generation:Q", title=rows.label("generation")),
        color="source:N")
'''
GEN_PAGE = """---
title: Generation
---

Wind made {fact}`wind-2017`, {fact}`wind-share-2017` of the total.

```{chart} gen
```
"""


def gen_project(mini: Path) -> Path:
    data = mini / "content" / "data"
    data.mkdir()
    (data / "gen.csv").write_text(GEN_CSV)
    (data / "gen.yaml").write_text(GEN_SCHEMA)
    facts_file(mini, GEN_FACTS)
    (mini / "charts" / "gen.py").write_text(GEN_CHART)
    (mini / "content" / "gen.md").write_text(GEN_PAGE)
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text().replace("pages: [one]", "pages: [one, gen]"))
    return mini


def test_facts_drawn_from_a_table_and_derived_from_them(mini):
    gen_project(mini)
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    facts = built_facts(mini / "site")
    assert facts["wind-2017"]["text"] == "21.933 TWh" and facts["wind-2017"]["sources"] == ["src"]
    assert facts["wind-2017"]["drawn_from"] == {"table": "gen", "path": "data/gen.csv", "column": "generation",
                                                "lines": [4], "aggregate": None}
    assert facts["total-2017"]["text"] == "51,262 thousand MWh"
    assert facts["wind-mean"]["text"] == "21,587 thousand MWh"
    assert facts["years"]["text"] == "2 years"
    assert facts["wind-share-2017"]["text"] == "42.8%"
    assert facts["wind-share-2017"]["derived_from"] == {"formula": "wind-2017 / total-2017",
                                                        "inputs": ["wind-2017", "total-2017"]}
    page = (mini / "site" / "gen.html").read_text("utf-8")
    tooltip = re.search(r'<a class="fact" href="data.html#fact-wind-share-2017" title="([^"]*)"', page).group(1)
    assert tooltip == ("Wind&#39;s share, 2017. Derived: wind-2017 / total-2017, where wind-2017 is Wind generation, "
                       "2017: 21.933 TWh; total-2017 is All generation, 2017: 51,262 thousand MWh. "
                       "Source: A source with &lt;b&gt;markup&lt;/b&gt; &amp; more")
    spec = json.loads((mini / "site" / "charts" / "gen.vl.json").read_text("utf-8"))
    assert spec["encoding"]["y"]["title"] == "Net generation (thousand MWh)"
    assert spec["encoding"]["x"]["title"] == "Year"
    data = (mini / "site" / "data.html").read_text("utf-8")
    assert 'Derived: <a href="#fact-wind-2017"><code>wind-2017</code></a> / <a href="#fact-total-2017">' in data
    assert '<section class="data-table" id="table-gen"' in data and "1,437" not in data
    assert '<td class="col-unit">thousand MWh</td><td class="col-values">21,241–29,329</td>' in data
    assert (mini / "site" / "data" / "gen.csv").read_text() == GEN_CSV


def test_the_tables_in_the_downloads_and_the_dataset_description(mini):
    gen_project(mini)
    assert cli("build", mini).exit_code == 0
    site = mini / "site"
    package = json.loads((site / "datapackage.json").read_text("utf-8"))
    gen = next(r for r in package["resources"] if r["name"] == "gen")
    assert gen["path"] == "data/gen.csv" and (site / gen["path"]).is_file()
    assert gen["schema"]["fields"][2] == {"name": "generation", "title": "Net generation", "type": "number", "unit": "MWh",
                                          "scale": "thousand"}
    assert gen["licenses"] == [{"title": "Public domain"}]
    schema = json.loads((site / "data" / "gen.schema.json").read_text("utf-8"))
    assert [f["name"] for f in schema["fields"]] == ["year", "source", "generation"]
    html = (site / "data.html").read_text("utf-8")
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    dataset = next(item for item in ld if item["@type"] == "Dataset")
    part = dataset["hasPart"][0]
    assert part["name"] == "Generation by source" and part["license"] == "Public domain"
    assert {"@type": "PropertyValue", "name": "Net generation", "propertyID": "generation",
            "unitText": "thousand MWh"} in part["variableMeasured"]
    assert part["distribution"][0]["contentUrl"] == "https://x.github.io/r/data/gen.csv"
    sources = (site / "sources.html").read_text("utf-8")
    assert '<a href="data.html#table-gen">Generation by source</a> (4 rows)' in sources


def test_a_table_without_a_schema_has_its_types_inferred_and_cites_sources_per_row(mini):
    data = mini / "content" / "data"
    data.mkdir()
    (data / "s.csv").write_text("year,value,label,source\n2018,1.5,a,src\n2019,2,b,src\n")
    facts_file(mini, "  - id: v-2019\n    label: V\n    from: {table: s, where: {year: 2019}, column: value}\n"
                     "    unit: percent\n    period: '2019'\n    region: R\n    data_only: true\n")
    assert cli("build", mini).exit_code == 0
    facts = built_facts(mini / "site")
    assert facts["v-2019"]["text"] == "2%" and facts["v-2019"]["sources"] == ["src"]


def test_a_source_column_is_ordinary_data_when_the_table_has_a_source(mini):
    gen_project(mini)
    (mini / "content" / "data" / "gen.csv").write_text(GEN_CSV.replace("Coal", "nowhere-source"))
    result = cli("build", mini)
    assert result.exit_code == 0, result.output


def test_data_only_facts_pass_strict_and_other_unused_facts_do_not(mini):
    facts_file(mini, FACT.format(id="quiet", label="Quiet", value="1", unit="count", period="2020"))
    assert cli("check", "--strict", mini).exit_code == 0
    facts_file(mini, FACT.format(id="quiet", label="Quiet", value="1", unit="count", period="2020")
               .replace("    data_only: true\n", ""))
    result = cli("check", "--strict", mini)
    assert result.exit_code == 1
    assert ("content/facts/extra.yaml:2:5: warning: fact 'quiet' is not used on any page or chart "
            "(mark it 'data_only: true' to publish it on the Data page alone)") in result.output


def test_a_derived_fact_that_also_types_its_value_must_agree_at_its_decimals(mini):
    gen_project(mini)
    facts = mini / "content" / "facts" / "extra.yaml"
    facts.write_text(facts.read_text().replace("    formula: wind-2017 / total-2017\n",
                                               "    formula: wind-2017 / total-2017\n    value: 42.8\n"))
    assert cli("build", mini).exit_code == 0
    facts.write_text(facts.read_text().replace("    value: 42.8\n", "    value: 42.7\n"))
    result = cli("build", mini)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("content/facts/extra.yaml:31:12: error: fact 'wind-share-2017': value 42.7 "
                                             "disagrees with the formula, which gives 42.7861 (42.8 to 1 decimal)")


def test_formula_arithmetic_is_exact_and_rounded_once(mini):
    facts_file(mini, FACT.format(id="a", label="A", value="0.1", unit="USD", period="2020")
               + FACT.format(id="b", label="B", value="0.2", unit="USD", period="2020")
               + "  - id: c\n    label: C\n    formula: (a + b) * 3 / 3 - b - a\n    unit: USD\n    period: '2020'\n"
                 "    region: R\n    data_only: true\n"
               + "  - id: third\n    label: Third\n    formula: a / (a + b + a + b + a + b)\n    unit: fraction\n"
                 "    period: '2020'\n    region: R\n    data_only: true\n"
               + "  - id: pct\n    label: Pct\n    formula: 2 * a / (a + b + a + b)\n    unit: percent\n    decimals: 2\n"
                 "    period: '2020'\n    region: R\n    data_only: true\n")
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    facts = built_facts(mini / "site")
    assert (facts["c"]["text"], facts["third"]["text"], facts["pct"]["text"]) == ("US$0", "1/9", "33.33%")
    assert facts["pct"]["value"] == 33.333333333333 and facts["third"]["value"] == "1/9"
    facts_file(mini, FACT.format(id="a", label="A", value="0.1", unit="USD", period="2020")
               + "  - id: n\n    label: N\n    formula: a - 0.1\n    unit: USD\n    period: '2020'\n"
                 "    region: R\n    data_only: true\n")
    result = cli("build", mini)
    assert result.exit_code == 1  # a number in a formula is a pure number, never an amount of money
    assert result.output.splitlines()[0] == ("content/facts/extra.yaml:12:14: error: fact 'n': formula subtracts 0.1 "
                                             "from a (USD, an amount of USD): the units are not compatible")


def test_builds_that_keep_their_inputs_in_memory_follow_a_table_edit(mini):
    """The preview keeps parsed facts from build to build: a fact drawn from a table, and one derived
    from it, still follow an edit of the table (and of the report's nouns) in the next build."""
    from factpress.build import run_build
    from factpress.shared.cache import BuildCache
    from factpress.site.output import MemoryOutput

    gen_project(mini)
    cache = BuildCache(keep=True, persist=None)
    first = run_build(mini, MemoryOutput(), cache=cache)
    assert first.site.book.facts["wind-share-2017"].value_text == "42.8%"
    csv_path = mini / "content" / "data" / "gen.csv"
    csv_path.write_text(GEN_CSV.replace("2017,Wind,21933", "2017,Wind,29329"))
    second = run_build(mini, MemoryOutput(), cache=cache)
    facts = second.site.book.facts
    assert (facts["wind-2017"].value_text, facts["wind-share-2017"].value_text) == ("29.329 TWh", "50.0%")
    assert b"50.0%" in second.rendered.files["gen.html"]
