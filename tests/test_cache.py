"""Rebuilds through the CLI: unchanged output is left alone, edits reach exactly the pages they affect."""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import cli, is_search_file, tree


def _stats(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted(site.rglob("*")) if p.is_file()}


def _build(project: Path):
    result = cli("build", project)
    assert result.exit_code == 0, result.output
    return result


def test_no_change_rebuild_writes_no_file(mini):
    _build(mini)
    site = mini / "site"
    before, files = _stats(site), tree(site)
    result = _build(mini)
    assert "0 written" in result.output
    assert _stats(site) == before
    assert tree(site) == files


def test_prose_edit_changes_only_that_page(report):
    _build(report)
    site = report / "site"
    before = tree(site)
    page = sorted((report / "content").glob("*.md"))[-1]
    page.write_text(page.read_text("utf-8") + "\nAn added closing sentence.\n", "utf-8")
    _build(report)
    after = tree(site)
    changed = {name for name in after if before.get(name) != after[name]}
    assert f"{page.stem}.html" in changed
    assert all(name.endswith((".html", ".json", ".xml", ".txt")) for name in changed if not is_search_file(name)), changed
    assert "An added closing sentence." in after[f"{page.stem}.html"].decode()
    untouched = [n for n in after if n.endswith(".html") and n not in changed]
    assert untouched, "a prose edit should not rewrite every page"


def test_fact_edit_updates_every_page_citing_it(mini):
    _build(mini)
    facts = mini / "content" / "facts" / "a.yaml"
    facts.write_text(facts.read_text("utf-8").replace("value: 1.47", "value: 1.52", 1), "utf-8")
    _build(mini)
    site = mini / "site"
    one = (site / "one.html").read_text("utf-8")
    assert "1.52" in one and "1.47" not in one


def test_corrupted_cache_is_rebuilt_not_fatal(report):
    _build(report)
    good = tree(report / "site")
    cache = report / ".factpress-cache"
    if cache.is_dir():
        for f in cache.rglob("*"):
            if f.is_file():
                f.write_bytes(b"\x00not a cache entry")
    shutil.rmtree(report / "site")
    _build(report)
    assert tree(report / "site") == good


def test_up_to_date_build_is_skipped_and_any_change_ends_the_shortcut(mini):
    _build(mini)
    site = mini / "site"
    assert "up to date" in _build(mini).output
    facts = mini / "content" / "facts" / "a.yaml"
    text = facts.read_text()
    assert "1.47" in text
    facts.write_text(text.replace("1.47", "1.52", 1))  # same size: found by content, not by size or time
    result = _build(mini)
    assert "up to date" not in result.output
    assert "1.52 trillion yuan" in (site / "one.html").read_text()
    (site / "one.html").unlink()  # the output folder is not as the build left it
    result = _build(mini)
    assert "up to date" not in result.output and (site / "one.html").is_file()
    assert "up to date" in _build(mini).output
    other = mini / "elsewhere"
    assert "up to date" not in cli("build", mini, "-o", other).output  # another output folder builds
    assert tree(other) == tree(site)


def test_a_skipped_build_shows_the_warnings_of_the_build_it_stands_for(mini):
    facts = next((mini / "content" / "facts").glob("*.yaml"))
    facts.write_text(facts.read_text() + """
  - id: spare-fact
    label: Spare
    value: 1
    unit: count
    period: "2020"
    region: Zhejiang
    source: src
""")
    first = _build(mini)
    assert "spare-fact" in first.output
    second = _build(mini)
    assert "up to date" in second.output
    warning = [line for line in first.output.splitlines() if "spare-fact" in line]
    assert warning and warning == [line for line in second.output.splitlines() if "spare-fact" in line]


@pytest.mark.slow
def test_vega_bundle_is_shared_between_projects_only_when_whole(mini, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    _build(mini)
    shared = list((tmp_path / "user-cache" / "factpress").glob("vega-bundle-*.js"))
    assert len(shared) == 1
    made = [p.read_bytes() for p in (mini / "site" / "assets").glob("vega-*.js")]
    assert made == [shared[0].read_bytes()]

    # a new project takes the bundle from the user's cache, as it is there
    other = tmp_path / "other"
    shutil.copytree(mini, other, ignore=shutil.ignore_patterns("site", ".factpress-cache"))
    marked = made[0] + b"\n// from the user cache\n"
    shared[0].write_bytes(marked)
    shared[0].with_suffix(".sha256").write_text(hashlib.sha256(marked).hexdigest())
    _build(other)
    assert [p.read_bytes() for p in (other / "site" / "assets").glob("vega-*.js")] == [marked]

    # a damaged one is not used: the project makes its own, byte for byte the first
    third = tmp_path / "third"
    shutil.copytree(mini, third, ignore=shutil.ignore_patterns("site", ".factpress-cache"))
    shared[0].write_bytes(marked + b"damage")
    _build(third)
    assert [p.read_bytes() for p in (third / "site" / "assets").glob("vega-*.js")] == made
