"""The build end to end: files written, numbers the same everywhere, atomic and deterministic."""
from __future__ import annotations

import csv
import io
import json
import os
import re

from conftest import cli, is_search_file, tree


def test_build_writes_the_site(mini):
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    files = tree(mini / "site")
    for name in ("index.html", "one.html", "sources.html", "data.html", "facts.csv", "facts.json", "assets/style.css"):
        assert name in files


def test_fact_reference_is_machine_readable_and_linked(mini):
    cli("build", mini)
    html = (mini / "site" / "one.html").read_text()
    assert '<data value="1470000000000" data-fact="zj-trade">1.47 trillion yuan</data>' in html
    assert '<data value="4.2" data-fact="zj-trade.change">+4.2% year on year</data>' in html
    assert '<data value="244160000000" data-fact="anhui-trade">244.16 billion yuan</data>' in html
    assert 'data-fact="delta-share">about one third</data>' in html
    assert 'href="sources.html#source-src"' in html


def test_editing_a_fact_changes_it_everywhere(mini):
    cli("build", mini)
    facts = mini / "content" / "facts" / "a.yaml"
    facts.write_text(facts.read_text().replace("value: 1.47", "value: 1.52"))
    assert cli("build", mini).exit_code == 0
    site = mini / "site"
    for name in ("index.html", "one.html", "data.html", "sources.html"):
        text = (site / name).read_text()
        assert "1.52 trillion yuan" in text, name
        assert "1.47 trillion" not in text, name
    assert '"value": 1.52' in (site / "facts.json").read_text()
    svg = (site / "one.html").read_text()
    assert "1.52e+12" in svg  # the chart's bar carries the new value


def test_values_keep_their_written_decimals(mini):
    cli("build", mini)
    data = json.loads((mini / "site" / "facts.json").read_text())
    raw = (mini / "site" / "facts.json").read_text()
    assert '"value": 244.16' in raw and '"base_value": 244160000000' in raw
    by_id = {f["id"]: f for f in data["facts"]}
    assert by_id["delta-share"]["value"] == "1/3"
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((mini / "site" / "facts.csv").read_text()))}
    assert rows["anhui-trade"]["value"] == "244.16"
    assert rows["zj-trade"]["change_value"] == "4.2"


def test_text_from_yaml_is_escaped(mini):
    cli("build", mini)
    html = (mini / "site" / "sources.html").read_text()
    assert "<b>markup</b>" not in html
    assert "&lt;b&gt;markup&lt;/b&gt; &amp; more" in html


def test_two_builds_are_byte_identical(mini, tmp_path):
    cli("build", mini, "-o", tmp_path / "a")
    cli("build", mini, "-o", tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_unchanged_files_are_not_rewritten(mini):
    cli("build", mini)
    site = mini / "site"
    before = {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*.html")}
    assert len(before) > 3
    files = tree(site)
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\nOne more sentence.\n")
    result = cli("build", mini)
    changed = {name for name, data in tree(site).items() if files.get(name) != data} - {".factpress-manifest.json"}
    assert {name for name in changed if not is_search_file(name)} == {"one.html"}  # and the search index
    assert f"({len(changed)} written," in result.output
    after = {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*.html")}
    assert {name for name in after if after[name] != before.get(name)} == {"one.html"}
    assert "One more sentence." in (mini / "site" / "one.html").read_text()


def test_a_failed_build_leaves_the_old_site(mini):
    cli("build", mini)
    before = tree(mini / "site")
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\n{fact}`no-such-fact`\n")
    result = cli("build", mini)
    assert result.exit_code == 1
    assert tree(mini / "site") == before
    assert not [p for p in mini.iterdir() if p.name.startswith(".site")]


def test_folders_left_by_a_killed_build_are_swept(mini):
    gone = mini / ".site.tmp-999999999"  # no process has this number
    gone.mkdir()
    (gone / "half.html").write_text("half written")
    running = mini / f".site.tmp-{os.getppid()}"  # a build of a process that still runs keeps its folder
    running.mkdir()
    result = cli("build", mini)
    assert result.exit_code == 0, result.output
    assert not gone.exists()
    assert running.is_dir()


def test_check_writes_nothing_and_strict_fails_on_warnings(mini):
    result = cli("check", mini)
    assert result.exit_code == 0, result.output
    assert not (mini / "site").exists()
    (mini / "content" / "facts" / "c.yaml").write_text(
        "facts:\n  - id: unused-fact\n    label: U\n    value: 1\n    unit: count\n    period: '2020'\n"
        "    region: R\n    source: src\n")
    result = cli("check", mini)
    assert result.exit_code == 0
    assert "content/facts/c.yaml:2:5: warning: fact 'unused-fact' is not used" in result.output
    result = cli("check", mini, "--strict")
    assert result.exit_code == 1
    assert "content/facts/c.yaml:2:5: warning: fact 'unused-fact' is not used" in result.output


def test_project_templates_override_the_theme(mini):
    (mini / "templates").mkdir()
    (mini / "templates" / "base.html").write_text(
        (__import__("factpress.site.templates", fromlist=["THEME"]).THEME / "templates" / "base.html").read_text()
        .replace("Skip to content", "Jump to the report"))
    cli("build", mini)
    assert "Jump to the report" in (mini / "site" / "one.html").read_text()


def test_an_override_can_extend_the_template_it_replaces(mini):
    (mini / "templates").mkdir()
    (mini / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}{% block title %}Chapter: {{ page.title }}{% endblock %}')
    assert cli("build", mini).exit_code == 0
    html = (mini / "site" / "one.html").read_text()
    assert "<title>Chapter: " in html and 'class="site-footer"' in html  # the rest is the theme's page
    assert "<title>Chapter: " not in (mini / "site" / "sources.html").read_text()


def test_the_report_uses_its_own_footer(report):
    assert cli("build", report).exit_code == 0
    for name in ("index.html", "overview.html", "sources.html"):
        html = (report / "site" / name).read_text()
        assert "the commentary is this report's own" in html and "Skip to content" in html, name


def test_new_project_builds_as_it_stands(tmp_path):
    target = tmp_path / "my-report"
    result = cli("new", target)
    assert result.exit_code == 0, result.output
    assert cli("check", target, "--strict").exit_code == 1  # it does not know its address yet
    assert cli("check", target, "--strict", "--base-url", "https://octo.github.io/my-report/").exit_code == 0
    assert cli("build", target).exit_code == 0
    assert re.search(r'data-fact="example-population-2023"', (target / "site" / "findings.html").read_text())
    assert cli("new", target).exit_code == 1  # not over an existing project


def test_builds_in_one_process_share_no_state(tmp_path):
    """Two projects built in turn in one process, each with the same file names: neither build sees
    what the other read, parsed or rendered; each gives the bytes a fresh process gives."""
    import shutil
    import subprocess
    import sys

    from conftest import copy_project

    first = copy_project("mini", tmp_path / "a")
    second = copy_project("mini", tmp_path / "b")
    page = second / "content" / "one.md"
    page.write_text(page.read_text().replace("---\n\n", "---\n\nA sentence only the second project has.\n\n", 1))
    facts = second / "content" / "facts" / "a.yaml"
    facts.write_text(facts.read_text().replace("value: 1.47", "value: 1.52"))
    for project in (first, second, first):
        assert cli("build", project).exit_code == 0
    assert "A sentence only the second project has." in (second / "site" / "one.html").read_text()
    assert "1.52 trillion yuan" not in (first / "site" / "one.html").read_text()
    for project in (first, second):
        fresh = tmp_path / f"fresh-{project.parent.name}"
        shutil.copytree(project, fresh, ignore=shutil.ignore_patterns("site", ".factpress-cache"))
        run = subprocess.run([sys.executable, "-m", "factpress", "build", "-q", str(fresh)], capture_output=True,
                             text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1600000000"))
        assert run.returncode == 0, run.stderr
        assert tree(fresh / "site") == tree(project / "site")
