"""Markdown extensions, case by case from tests/fixtures/markdown.txt (markdown-it-py's fixture format)."""
from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PROJECTS
from factpress.build import load_site
from factpress.shared.cache import BuildCache
from factpress.shared.diagnostics import Diagnostics
from factpress.pages.parse import parse_page
from factpress.site.render import Renderer
from factpress.site.templates import make_environment
from factpress.project.files import SourceFile

FIXTURES = Path(__file__).parent / "fixtures" / "markdown.txt"


def read_fixtures(path: Path):
    """Blocks of: title line, '.', input, '.', expected, '.'."""
    lines = path.read_text("utf-8").split("\n")
    cases, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        title = lines[i]
        assert lines[i + 1] == ".", f"{path}:{i + 2}: expected '.'"
        j = lines.index(".", i + 2)
        k = lines.index(".", j + 1)
        cases.append(pytest.param("\n".join(lines[i + 2:j]) + "\n", "\n".join(lines[j + 1:k]) + "\n", id=title))
        i = k + 1
    return cases


@pytest.fixture(scope="module")
def renderer():
    diags = Diagnostics()
    site = load_site(PROJECTS / "mini", diags, cache=BuildCache(persist=False))
    assert not diags.errors, diags.errors
    return Renderer(site, make_environment(PROJECTS / "mini" / "templates"), diags, {})


@pytest.mark.parametrize("source,expected", read_fixtures(FIXTURES))
def test_markdown_fixture(renderer, source, expected):
    text = "---\ntitle: T\n---\n" + source
    diags = Diagnostics()
    page = parse_page(SourceFile("page", Path("content/t.md"), "content/t.md", text, ""), False, diags)
    assert not page.problems and not diags.items
    assert str(renderer.body(page)).strip() == expected.strip()


def test_role_positions_point_at_the_role():
    text = "---\ntitle: T\n---\n\nFirst line\nand {fact}`a` then {fact}`b`\n"
    page = parse_page(SourceFile("page", Path("content/t.md"), "content/t.md", text, ""), False, Diagnostics())
    assert [(u.name, u.line, u.col) for u in page.uses] == [("a", 6, 5), ("b", 6, 20)]


def test_a_fact_in_a_heading_shows_in_the_contents_and_the_heading(mini):
    from conftest import cli

    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\n## Growth of {fact}`zj-trade.change` in trade\n\nText.\n")
    result = cli("build", mini, "-q")
    assert result.exit_code == 0, result.output
    html = (mini / "site" / "one.html").read_text()
    toc = html[html.index('<nav class="toc"'):html.index("</nav>", html.index('<nav class="toc"'))]
    assert ">Growth of +4.2% year on year in trade</a>" in toc
    assert "\x00" not in html
    assert 'data-fact="zj-trade.change">+4.2% year on year</data></a> in trade</h2>' in html
