"""Links and images written in pages are checked against the built site; static/ is published into it."""
from __future__ import annotations

from PIL import Image

from conftest import cli, tree

GOOD = """
Good: [home](index.html), [a heading](one.html#a), [a source](sources.html#source-src), [data](data.html),
[the CSV](facts.csv), [a chart](#chart-c1), [this page's heading](#b), [mail](mailto:a@example.org),
[elsewhere](https://example.org/x), [a file](files/notes.txt), ![a map](img/map.png)
"""

BAD = """
[no page](nowhere.html)

[markdown name](one.md)

[no anchor](sources.html#source-nope)

[no anchor here](#nope)

![no image](img/missing.png)

![remote](https://example.org/logo.png)

[root](/one.html)

[outside](../../secret.html)
"""


def with_static(mini):
    (mini / "static" / "img").mkdir(parents=True)
    (mini / "static" / "files").mkdir()
    Image.new("RGB", (4, 4), "red").save(mini / "static" / "img" / "map.png")
    (mini / "static" / "files" / "notes.txt").write_text("notes\n")


def test_good_links_and_static_files_pass_strict_check(mini):
    with_static(mini)
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + GOOD)
    result = cli("check", mini, "--strict")
    assert result.exit_code == 0, result.output


def test_broken_links_anchors_and_images_fail_strict_check_at_their_lines(mini):
    page = mini / "content" / "one.md"
    before = page.read_text()
    page.write_text(before + BAD)
    first = before.count("\n") + 2  # the line of the first bad link
    result = cli("check", mini, "--strict")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines == [
        f"content/one.md:{first}:11: warning: link to 'nowhere.html' leads nowhere: the site has no nowhere.html "
        "(did you mean 'one.html'?)",
        f"content/one.md:{first + 2}:17: warning: link to 'one.md' leads nowhere: pages are linked by their .html "
        "name ('one.html')",
        f"content/one.md:{first + 4}:13: warning: link to 'sources.html#source-nope': sources.html has no anchor "
        "'#source-nope' (did you mean 'source-src'?)",
        f"content/one.md:{first + 6}:18: warning: link to '#nope': one.html has no anchor '#nope'",
        f"content/one.md:{first + 8}:13: warning: image 'img/missing.png' is not in the site; put the file in "
        "static/ (static/img/missing.png is published as img/missing.png)",
        f"content/one.md:{first + 10}:11: warning: image 'https://example.org/logo.png' is on another host: the "
        "site would not work offline and its Content-Security-Policy loads images from the site only; put the file "
        "in static/",
        f"content/one.md:{first + 12}:8: warning: link to '/one.html' starts at the root of the host, which breaks "
        "when the site is published under a path; write it relative to the page",
        f"content/one.md:{first + 14}:11: warning: link to '../../secret.html' leads out of the site",
        "check failed: 8 problems; nothing was written",
    ]
    build = cli("build", mini)  # a build warns and goes on
    assert build.exit_code == 0 and "leads nowhere" in build.output


def test_static_files_are_published_and_removed_with_their_source(mini):
    with_static(mini)
    (mini / "static" / "robots.txt").write_text("User-agent: *\nDisallow: /drafts/\n")
    assert cli("build", mini).exit_code == 0
    site = tree(mini / "site")
    assert site["img/map.png"] == (mini / "static" / "img" / "map.png").read_bytes()
    assert site["files/notes.txt"] == b"notes\n"
    assert site["robots.txt"] == b"User-agent: *\nDisallow: /drafts/\n"  # a default the author may replace
    (mini / "static" / "files" / "notes.txt").unlink()
    assert cli("build", mini).exit_code == 0
    assert not (mini / "site" / "files" / "notes.txt").exists()


def test_a_static_file_may_not_replace_a_page_the_build_writes(mini):
    (mini / "static").mkdir()
    (mini / "static" / "sources.html").write_text("<p>mine</p>")
    result = cli("build", mini)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == ("static/sources.html:1: error: static/sources.html would replace the "
                                             "sources.html the build writes; rename it (a page belongs in content/)")
