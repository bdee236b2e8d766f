"""Property tests: random fact files and Markdown never end in a traceback; text from YAML is always escaped;
facts.json and facts.csv keep every value exactly.

Example counts are kept small so the file runs in well under a minute; each test prints its count (pytest -s).
"""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import cli, copy_project

COMMON = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
              derandomize=True)
DIAG_RE = re.compile(r"^[^\s:][^:]*:\d+(:\d+)?: (error|warning): \S")
COUNTS: dict[str, int] = {}


def assert_clean_outcome(result) -> None:
    """Exit 0, or exit 1 with every line a located message and a closing summary; never a traceback."""
    out = result.output
    assert "Traceback" not in out and "unexpected error" not in out, out
    assert result.exit_code in (0, 1), out
    if result.exit_code == 1:
        lines = out.splitlines()
        assert lines and lines[-1].endswith("nothing was written"), out
        assert all(DIAG_RE.match(line) for line in lines[:-1]), out
        assert len(lines) >= 2, out


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return copy_project("mini", tmp_path_factory.mktemp("prop"))


def count(name: str) -> None:
    COUNTS[name] = COUNTS.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def report_counts():
    yield
    for name, n in sorted(COUNTS.items()):
        print(f"hypothesis examples: {name}: {n}")


# ---- random fact files -------------------------------------------------------------------------------------

scalars = st.one_of(
    st.sampled_from(["1.47", "-3", "1e400", ".nan", "~", "yes", "2020-H1", "2020-13-01", "'1/3'", "[a, b]", "{x: 1}",
                     "zj-trade", "src", "yuan", "percent", "billion", '"<b>"', "''", "0x1F", "1_000", "!!binary aGk="]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
keys = st.sampled_from(["id", "label", "value", "unit", "scale", "period", "region", "entity", "source", "change",
                        "tags", "note", "approx", "decimals", "display_scale", "lable", "value"])


@st.composite
def fact_files(draw) -> str:
    lines = ["facts:"]
    for _ in range(draw(st.integers(0, 3))):
        fields = draw(st.lists(st.tuples(keys, scalars), max_size=8))
        first = True
        for key, value in fields:
            indent = "  - " if first else "    "
            lines.append(f"{indent}{key}: {value}")
            first = False
        if first:
            lines.append("  - {}")
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(["", "\t", ":", "- ", "\n  ]", "&a", "*a", "---\n"])) + text[cut:]
    return text


@settings(max_examples=40, **COMMON)
@given(text=fact_files())
def test_random_fact_files_never_crash(project, text):
    count("random fact files")
    target = project / "content" / "facts" / "random.yaml"
    target.write_text(text, "utf-8")
    try:
        assert_clean_outcome(cli("check", project))
    finally:
        target.unlink()


# ---- random Markdown ---------------------------------------------------------------------------------------

md_pieces = st.sampled_from([
    "{fact}`zj-trade`", "{fact}`zj-trade.change`", "{fact}`nope`", "{fact}`zj-trade.x`", "{fact}``", "{chart}`c1`",
    "```{chart} c1\n", "```{chart}\n", "```{facts}\n:tag: trade\n", ":caption: x\n", "```\n", "~~~\n", "---\n",
    "# ", "## ", "- ", "1. ", "> ", "[^1]", "[^1]: note\n", "| a | b |\n|---|---|\n", "<b>", "</script>", "&amp;",
    "12", "2020", "COVID-19", "\n", "\n\n", " ", "*", "_", "`", "{", "}", "\\", "title: x\n", "<!-- -->",
])


@settings(max_examples=40, **COMMON)
@given(pieces=st.lists(st.one_of(md_pieces, st.text(max_size=6)), max_size=25), front=st.booleans())
def test_random_markdown_never_crashes(project, pieces, front):
    count("random Markdown pages")
    body = "".join(pieces).replace("\x00", "")
    text = ("---\ntitle: Random\n---\n" if front else "") + body
    (project / "content" / "random.md").write_text(text, "utf-8")
    try:
        assert_clean_outcome(cli("check", project))
    finally:
        (project / "content" / "random.md").unlink()


# ---- escaping ----------------------------------------------------------------------------------------------

DANGEROUS = ["<b>bold</b>", '"quoted"', "Tom & Jerry", "</script><script>alert(1)</script>", "]]>", "<!--", "'single'"]

LABEL_CHART = '''import altair as alt
from factpress import chart

@chart("c1", title="Trade")
def c1(facts):
    f = facts["zj-trade"]
    data = alt.Data(values=[{"r": f.label, "v": facts.value("zj-trade")}])
    return alt.Chart(data, title=f.label).mark_bar(tooltip=True).encode(x="r:N", y="v:Q")
'''


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def with_texts(project, label: str, note: str, title: str) -> None:
    facts = project / "content" / "facts" / "a.yaml"
    text = facts.read_text().replace("label: Zhejiang trade", f"label: {yaml_quote(label)}\n    note: {yaml_quote(note)}")
    facts.write_text(text)
    sources = project / "content" / "sources.yaml"
    sources.write_text(re.sub(r'title: ".*"', f"title: {yaml_quote(title)}", sources.read_text()))
    (project / "charts" / "c.py").write_text(LABEL_CHART)


def never_raw(payload: str, document: str) -> None:
    """The payload's markup never appears as markup: no tag, comment or CDATA end survives unescaped."""
    for needle in ("<b>", "</script><script>", "<!--", "]]>"):
        if needle in payload:
            assert needle not in document, needle


texts = st.lists(st.sampled_from(DANGEROUS) | st.text(alphabet="ab <>&\"'/]!-", min_size=1, max_size=8),
                 min_size=1, max_size=3).map(" ".join).filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=15, **COMMON)
@given(label=texts, note=texts, title=texts)
def test_yaml_text_is_escaped_in_html_and_svg(tmp_path_factory, label, note, title):
    count("escaping in HTML and SVG")
    project = copy_project("mini", tmp_path_factory.mktemp("esc"))
    with_texts(project, label, note, title)
    result = cli("build", project, "-q")
    assert result.exit_code == 0, result.output
    site = project / "site"
    for page in sorted(site.glob("*.html")):
        html = page.read_text("utf-8")
        for payload in (label, note, title):
            never_raw(payload, html)
    one = (site / "one.html").read_text("utf-8")
    assert "&lt;" in one or "<" not in label + title
    svgs = [p.read_text("utf-8") for p in site.rglob("*.svg")] + re.findall(r"<svg.*?</svg>", one, re.S)
    assert svgs, "the chart is drawn as SVG"
    for svg in svgs:
        never_raw(label, svg)
    shutil.rmtree(project)


@pytest.mark.slow
def test_yaml_text_reaches_the_pdf_as_plain_text(tmp_path):
    count("escaping in the PDF (fixed payloads)")
    project = copy_project("mini", tmp_path)
    label, note, title = "Label <b>bold</b> & \"q\"", "Note </script> ]]> end", "Title <i>it</i> & co"
    with_texts(project, label, note, title)
    result = cli("pdf", project, "-q")
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", "-layout", str(project / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = " ".join(text.split())
    for payload in ("Label <b>bold</b> &", "Title <i>it</i> & co"):
        assert payload in flat, payload


# ---- exact values in facts.json and facts.csv -------------------------------------------------------------

decimals = st.builds(
    lambda sign, whole, frac: f"{sign}{whole}{'.' + frac if frac else ''}",
    st.sampled_from(["", "-"]),
    st.integers(0, 10**15).map(str),
    st.text(alphabet="0123456789", max_size=8),
).filter(lambda s: not (s.startswith("-") and Decimal(s) == 0))  # YAML reads -0 as 0: no sign to keep


@settings(max_examples=25, **COMMON)
@given(value=decimals, change=decimals)
def test_values_survive_exactly_in_json_and_csv(project, value, change):
    count("exact values in facts.json / facts.csv")
    facts = project / "content" / "facts" / "exact.yaml"
    facts.write_text(f"facts:\n  - id: exact\n    label: Exact\n    value: {value}\n    unit: yuan\n    period: '2020'\n"
                     f"    region: R\n    source: src\n    change: {{value: {change}, unit: percent, basis: year-on-year}}\n")
    out = project / "out"
    try:
        result = cli("build", project, "-q", "-o", out)
        assert result.exit_code == 0, result.output
        data = json.loads((out / "facts.json").read_text("utf-8"), parse_float=Decimal, parse_int=Decimal)
        fact = next(f for f in data["facts"] if f["id"] == "exact")
        assert Decimal(fact["value"]) == Decimal(value)
        assert Decimal(fact["change"]["value"]) == Decimal(change)
        raw_json = (out / "facts.json").read_text("utf-8")
        assert re.search(rf'"value": {re.escape(format(Decimal(value), "f"))},', raw_json)
        row = next(r for r in csv.DictReader(io.StringIO((out / "facts.csv").read_text("utf-8"))) if r["id"] == "exact")
        assert Decimal(row["value"]) == Decimal(value) and row["value"] == format(Decimal(value), "f")
        assert Decimal(row["change_value"]) == Decimal(change)
    finally:
        facts.unlink()


# ---- a value is shown as written, or refused: never changed ------------------------------------------------

CORE_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")  # YAML 1.2 core schema


def reading(text: str) -> Decimal | None:
    """The oracle, written apart from the code under test: the number a YAML 1.2 reader and a human
    agree the text means, or None when it must be refused (not a plain decimal number, a leading zero
    that YAML 1.1 reads as octal, not finite, or over 24 digits written out)."""
    if not CORE_NUMBER.fullmatch(text) or re.match(r"[-+]?0[0-9]", text):
        return None
    number = Decimal(text)
    written_out = format(abs(number), "f").replace(".", "")
    return number if len(written_out) <= 24 else None


scalar_forms = st.one_of(
    decimals,
    st.builds(lambda m, e: f"{m}e{e}", st.sampled_from(["1", "1.5", "-2.25", "9.99", ".5"]), st.integers(-30, 30)),
    st.builds(lambda d: "0" + d, st.text(alphabet="01234567", min_size=1, max_size=4)),  # leading zeros
    st.sampled_from(["0x1F", "0o17", "0b101", "-0x10", "1:30", "190:20:30.15", "1_000", "1_000.5", "+1", "1.",
                     "+.5", ".inf", "-.Inf", ".nan", "1.0e+400", "1e-30", "yes", "on", "'12'", '"3.5"', "12abc",
                     "1,000", "9" * 25, "0." + "0" * 23 + "1", "1" + "0" * 23]),
)


@settings(max_examples=40, **COMMON)
@given(text=scalar_forms)
def test_a_value_is_shown_as_written_or_refused_never_changed(project, text):
    count("values shown as written or refused")
    facts = project / "content" / "facts" / "exact.yaml"
    facts.write_text(f"facts:\n  - id: exact\n    label: Exact\n    value: {text}\n    unit: count\n"
                     f"    period: '2020'\n    region: R\n    source: src\n")
    page = project / "content" / "one.md"
    before = page.read_text()
    page.write_text(before + "\nExact: {fact}`exact`.\n")
    out = project / "out"
    try:
        result = cli("build", project, "-q", "-o", out)
        expected = reading(text)
        if expected is None:
            assert result.exit_code == 1, f"{text!r} was accepted: {result.output}"
            assert result.output.startswith("content/facts/exact.yaml:4:12: error: "), result.output
            return
        assert result.exit_code == 0, result.output
        shown = format(expected, "f")
        fact = next(f for f in json.loads((out / "facts.json").read_text("utf-8"))["facts"] if f["id"] == "exact")
        raw = (out / "facts.json").read_text("utf-8")
        assert re.search(rf'"id": "exact",\s+"label": "Exact",\s+"value": {re.escape(shown)},', raw), (text, fact)
        html = (out / "one.html").read_text("utf-8")
        whole, dot, frac = shown.lstrip("-").partition(".")
        text_shown = ("-" if shown.startswith("-") else "") + f"{int(whole):,}" + dot + frac
        assert f'data-fact="exact">{text_shown}</data>' in html, (text, text_shown)
    finally:
        facts.unlink()
        page.write_text(before)
        shutil.rmtree(out, ignore_errors=True)
