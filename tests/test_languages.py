"""Amounts as the report's language writes them (CLDR through Babel): scale words, percent, currencies,
approximation and multiples outside English; readings on scales with an offset (°C) in formulas and
tables; how a strict check counts and reports what it finds, and what a check says of values and files
that would mislead."""
from __future__ import annotations

import re

from conftest import cli
from test_content_model import FACT, built_facts, facts_file, gen_project

AMOUNTS = [("volume", "68.2", "m^3", "billion"), ("share", "28.2", "percent", "none"), ("cost", "1250000", "EUR", "none"),
           ("budget", "1.25", "EUR", "million"), ("multiple", "0.99", "times", "none"), ("big", "1500", "USD", "million")]


def amounts_project(mini, language: str):
    text = "".join(FACT.format(id=i, label=i, value=v, unit=u, period="2023") + f"    scale: {s}\n"
                   for i, v, u, s in AMOUNTS)
    text += FACT.format(id="flow", label="flow", value="4870.5", unit="m3/s", period="2023") + "    approx: true\n"
    facts_file(mini, text)
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text() + f"language: {language}\n")
    return mini


def shown(mini) -> dict[str, str]:
    facts = built_facts(mini / "site")
    return {i: facts[i]["text"] for i in ("volume", "share", "cost", "budget", "multiple", "big", "flow")}


def test_german_amounts_use_german_scale_words_signs_and_currency_order(mini):
    result = cli("build", amounts_project(mini, "de"))
    assert result.exit_code == 0, result.output
    assert shown(mini) == {
        "volume": "68,2 Milliarden m³",  # not "billion": a German Billion is a million million
        "share": "28,2\u00a0%", "cost": "1.250.000\u00a0€", "budget": "1,25 Millionen\u00a0€", "multiple": "0,99×",
        "big": "1,5 Milliarden\u00a0$", "flow": "≈4.870,5 m³/s"}
    page = (mini / "site" / "one.html").read_text("utf-8")
    assert "1,47 Billionen\u00a0CN¥" in page  # the mini report's 1.47 trillion yuan, in CLDR's German


def test_chinese_amounts_count_in_ten_thousands_and_keep_every_digit(mini):
    result = cli("build", amounts_project(mini, "zh"))
    assert result.exit_code == 0, result.output
    got = shown(mini)
    assert got["volume"] == "682亿 m³" and got["budget"] == "€125万" and got["big"] == "US$15亿"
    assert got["share"] == "28.2%" and got["flow"] == "~4,870.5 m³/s"


def test_english_amounts_keep_their_own_forms(mini):
    result = cli("build", amounts_project(mini, "en-GB"))
    assert result.exit_code == 0, result.output
    assert shown(mini) == {"volume": "68.2 billion m³", "share": "28.2%", "cost": "€1,250,000", "budget": "€1.25 million",
                           "multiple": "0.99 times", "big": "US$1,500 million", "flow": "about 4,870.5 m³/s"}


def test_the_data_page_summarises_table_columns_in_the_report_language(mini):
    gen_project(mini)
    settings = mini / "content" / "report.yaml"
    settings.write_text(settings.read_text() + "language: de\n")
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    data = (mini / "site" / "data.html").read_text("utf-8")
    assert '<td class="col-unit">thousand MWh</td><td class="col-values">21.241–29.329</td>' in data


TEMPERATURES = """  - id: t-max
    label: Highest
    value: 20.5
    unit: degC
    period: "2023"
    region: R
    source: src
    data_only: true
  - id: t-min
    label: Lowest
    value: -0.8
    unit: degC
    period: "2023"
    region: R
    source: src
    data_only: true
  - id: t-span
    label: Span
    formula: {formula}
    unit: {unit}
    period: "2023"
    region: R
    data_only: true
"""


def test_a_difference_of_two_temperatures_is_a_temperature_difference(mini):
    facts_file(mini, TEMPERATURES.format(formula="t-max - t-min", unit="delta_degC"))
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    facts = built_facts(mini / "site")
    assert facts["t-span"]["text"] == "21.3 °C" and facts["t-max"]["text"] == "20.5 °C"


def test_arithmetic_on_temperature_readings_without_one_meaning_is_an_error_at_the_formula(mini):
    for formula, unit, says in [
            ("t-max + t-min", "degC", "formula 't-max + t-min' uses t-max (degC, a temperature), a reading on a scale "
                                      "with an offset: only the difference of two such readings"),
            ("2 * t-max", "degC", "formula '2 * t-max' uses t-max"),
            ("t-max - t-min", "degC", "formula gives a difference, but unit 'degC' is a scale with an offset, for "
                                      "readings (show a difference in a unit such as 'delta_degC')"),
            ("t-max", "delta_degC", "formula gives a reading, but unit 'delta_degC' is for differences")]:
        facts_file(mini, TEMPERATURES.format(formula=formula, unit=unit))
        result = cli("build", mini)
        assert result.exit_code == 1
        line = next(x for x in result.output.splitlines() if "error" in x)
        assert line.startswith("content/facts/extra.yaml:20:14: error: fact 't-span': ") and says in line, line
        assert "Traceback" not in result.output


def test_a_sum_of_temperatures_from_a_table_is_refused_and_readings_convert_between_scales(mini):
    data = mini / "content" / "data"
    data.mkdir()
    (data / "weather.csv").write_text("month,temp\n2023-01,1.5\n2023-07,20.5\n")
    (data / "weather.yaml").write_text("source: src\nfields:\n  - {name: month, type: yearmonth}\n"
                                       "  - {name: temp, type: number, unit: degC}\n")
    drawn = """  - id: warmest
    label: Warmest month
    from: {table: weather, column: temp, aggregate: AGG}
    unit: degF
    period: "2023"
    region: R
    data_only: true
"""
    facts_file(mini, drawn.replace("AGG", "max"))
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    assert built_facts(mini / "site")["warmest"]["text"] == "68.9 °F"
    facts_file(mini, drawn.replace("AGG", "sum"))
    result = cli("build", mini)
    assert result.exit_code == 1
    assert ("content/facts/extra.yaml:4:11: error: fact 'warmest': column 'temp' of table 'weather' holds readings "
            "in degC, a scale with an offset: their sum has no single meaning (use mean, min or max)") in result.output


def test_a_strict_check_reports_the_warnings_of_every_stage_and_counts_each_once(mini):
    facts_file(mini, FACT.format(id="unused", label="Unused", value="1", unit="count", period="2020").replace(
        "    data_only: true\n", ""))
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\nSee [the top](one.html#no-such-anchor).\n")
    result = cli("check", "--strict", mini)
    assert result.exit_code == 1
    lines = [x for x in result.output.splitlines() if ": warning: " in x]
    assert any("fact 'unused'" in x for x in lines) and any("#no-such-anchor" in x for x in lines), result.output
    assert re.search(rf"check failed: {len(lines)} problems; nothing was written", result.output), result.output
    result = cli("check", mini)
    assert result.exit_code == 0 and result.output.rstrip().endswith(f"; {len(lines)} warnings"), result.output


def test_a_value_that_rounds_to_zero_where_it_is_shown_is_warned_of(mini):
    facts_file(mini, FACT.format(id="tiny", label="Tiny", value="0.001", unit="t", period="2020") + "    decimals: 2\n"
               + FACT.format(id="small", label="Small", value="10", unit="t", period="2020") + "    display_scale: million\n")
    result = cli("check", mini)
    assert result.exit_code == 0, result.output
    assert "content/facts/extra.yaml:2:5: warning: fact 'tiny' is not zero but shows as '0.00' (give it more 'decimals:'" \
        in result.output, result.output
    assert "fact 'small' is not zero but shows as '0.00001 million'" not in result.output
    assert cli("check", "--strict", mini).exit_code == 1


def test_files_under_content_that_are_not_read_are_warned_of(mini):
    (mini / "content" / "sub").mkdir()
    (mini / "content" / "sub" / "p.md").write_text("# A page in a subfolder\n")
    (mini / "content" / "facts" / "c.YAML").write_text("facts: []\n")
    result = cli("check", mini)
    assert result.exit_code == 0, result.output
    assert "content/sub/p.md: warning: not read: pages are content/NAME.md" in result.output
    assert "content/facts/c.YAML: warning: not read:" in result.output
