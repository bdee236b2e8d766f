"""Markdown raw HTML is off unless the report turns on trusted-author mode; every template escapes what it prints."""
from __future__ import annotations

from conftest import cli

SCRIPT = "<script>alert('x')</script>"


def test_raw_html_in_markdown_is_escaped_by_default(mini):
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + f"\n{SCRIPT}\n\nInline <b>bold</b> too.\n")
    assert cli("build", mini, "-q").exit_code == 0
    html = (mini / "site" / "one.html").read_text()
    assert SCRIPT not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_trusted_author_mode_passes_raw_html_through(mini):
    (mini / "content" / "report.yaml").write_text((mini / "content" / "report.yaml").read_text() + "raw_html: true\n")
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + '\n<div class="note">Trusted <b>markup</b></div>\n')
    assert cli("build", mini, "-q").exit_code == 0
    assert '<div class="note">Trusted <b>markup</b></div>' in (mini / "site" / "one.html").read_text()


def test_a_script_in_any_yaml_text_is_escaped_on_every_page(mini):
    facts = mini / "content" / "facts" / "a.yaml"
    facts.write_text(facts.read_text().replace("label: Zhejiang trade", f'label: "{SCRIPT}"')
                     .replace("region: Zhejiang", f'region: "{SCRIPT}"\n    note: "{SCRIPT}"'))
    report = mini / "content" / "report.yaml"
    report.write_text(report.read_text().replace("title: Test report", f'title: "Report {SCRIPT}"'))
    page = mini / "content" / "one.md"
    page.write_text(page.read_text().replace("title: One", f'title: "One {SCRIPT}"'))
    result = cli("build", mini, "-q")
    assert result.exit_code == 0, result.output
    pages = sorted((mini / "site").glob("*.html"))
    assert len(pages) >= 4
    for path in pages:
        html = path.read_text()
        assert "<script>alert" not in html, path.name
    assert "&lt;script&gt;alert(" in (mini / "site" / "data.html").read_text()
    assert "&lt;script&gt;alert(" in (mini / "site" / "one.html").read_text()
