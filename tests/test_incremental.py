"""Incremental and parallel builds: cached pages, -j, and the progress line, all through the CLI.

Every rebuild here is compared with a cold build of the same input into another folder: a cache
may save work, never change a byte.
"""
from __future__ import annotations

import os
import pickle
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, cli, tree

sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import write_corpus  # noqa: E402


def build(project: Path, *args: str, out: Path | None = None):
    result = cli("build", project, *(["-o", out] if out else []), "-v", *args)
    assert result.exit_code == 0, result.output
    return result


def cold(project: Path, tmp: Path) -> dict[str, bytes]:
    """The site a first build makes of the project as it now is, with no cache and a fresh process."""
    copy = tmp / f"cold-{len(list(tmp.iterdir()))}"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".factpress-cache"))
    run = subprocess.run([sys.executable, "-m", "factpress", "build", "-q", str(copy)], capture_output=True, text=True,
                         env=dict(os.environ, SOURCE_DATE_EPOCH="1600000000"))
    assert run.returncode == 0, run.stderr
    return tree(copy / "site")


def pages_line(output: str) -> str:
    return re.search(r"^pages: .*$", output, re.M).group(0)


def test_prose_edit_parses_one_page_and_matches_a_cold_build(report, tmp_path):
    first = build(report)
    pages = len(list((report / "content").glob("*.md")))
    assert pages_line(first.output) == f"pages: {pages} parsed, 0 cached"
    stages = re.search(r"^time: (.+); total (\d+\.\d\d) s$", first.output, re.M)
    spent = dict(re.fullmatch(r"(\w+) (\d+\.\d\d) s", part).groups() for part in stages.group(1).split(", "))
    assert list(spent)[:3] == ["reading", "pages", "charts"] and "rendering" in spent and list(spent)[-1] == "writing", spent
    assert abs(sum(map(float, spent.values())) - float(stages.group(2))) < 0.02
    page = report / "content" / "overview.md"
    page.write_text(page.read_text("utf-8") + "\nOne more sentence of commentary.\n", "utf-8")
    again = build(report)
    assert pages_line(again.output) == f"pages: 1 parsed, {pages - 1} cached"
    site = tree(report / "site")
    assert "One more sentence of commentary." in site["overview.html"].decode()
    assert site == cold(report, tmp_path)


class KeptBuilds:
    """Builds as the preview makes them: one BuildCache that keeps inputs in memory, handed to every build."""

    def __init__(self):
        from factpress.shared.cache import BuildCache

        self.cache = BuildCache(keep=True, persist=None)

    def __call__(self, project: Path):
        from factpress.build import run_build
        from factpress.site.output import FolderOutput

        result = run_build(project, FolderOutput(project / "site"), cache=self.cache)
        p = result.pages
        return type("Built", (), {"output": f"pages: {p.parsed} parsed, {p.cached} cached\n"})


@pytest.fixture(params=["one-off", "kept"])
def keeping(request):
    """Builds as `factpress build` makes them, and as the preview makes them (inputs kept in memory)."""
    return build if request.param == "one-off" else KeptBuilds()


def test_edits_outside_a_page_reach_every_page_that_shows_them(report, tmp_path, keeping):
    """Pages come from the cache, but a fact, a title or a template edit still shows everywhere it should:
    after each edit, the site is the one a cold build makes."""
    build = keeping
    build(report)
    facts = report / "content" / "facts" / "domestic.yaml"  # facts no chart reads
    text = facts.read_text("utf-8")
    label = re.search(r"^\s+label: (.+)$", text, re.M).group(1)
    facts.write_text(text.replace(f"label: {label}", f"label: {label} (revised)", 1), "utf-8")
    assert pages_line(build(report).output).startswith("pages: 0 parsed")
    site = tree(report / "site")
    assert site == cold(report, tmp_path)
    pages = [n for n in site if n.endswith(".html") and n not in ("index.html", "sources.html", "data.html", "404.html",
                                                                   "search.html") and not n.startswith("charts/")]
    assert any(f"{label} (revised)" in site[n].decode() for n in pages)

    page = report / "content" / "domestic-circulation.md"
    page.write_text(re.sub(r"^title: .*$", "title: Circulation at home, retitled", page.read_text("utf-8"), count=1,
                           flags=re.M), "utf-8")
    assert pages_line(build(report).output).startswith("pages: 1 parsed")
    site = tree(report / "site")
    assert site == cold(report, tmp_path)
    assert sum(b"Circulation at home, retitled" in site[n] for n in pages) >= 2  # the page and a neighbour

    (report / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}{% block head %}<meta name="x-edition" content="second">{% endblock %}\n', "utf-8")
    assert pages_line(build(report).output).startswith("pages: 0 parsed")
    site = tree(report / "site")
    assert site == cold(report, tmp_path)
    assert all(b'content="second"' in site[n] for n in pages)

    home = report / "content" / "index.md"
    home.write_text(home.read_text("utf-8") + "\nA closing line on the home page.\n", "utf-8")
    build(report)
    site = tree(report / "site")
    assert b"A closing line on the home page." in site["index.html"]
    assert site == cold(report, tmp_path)

    fact_id = re.search(r"^\s+- id: (\S+)$", text, re.M).group(1)  # a fact no page need cite: the template shows it
    (report / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}{% block head %}<meta name="x-figure" content="{{ fact("' + fact_id
        + '", "label") | striptags }}">{% endblock %}\n', "utf-8")
    build(report)
    text = facts.read_text("utf-8")
    facts.write_text(text.replace(f"label: {label} (revised)", f"label: {label} (revised twice)", 1), "utf-8")
    build(report)
    site = tree(report / "site")
    assert site == cold(report, tmp_path)
    shown = [n for n in pages if b'name="x-figure"' in site[n]]
    assert shown and all(b"(revised twice)" in site[n] for n in shown)


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess:
    """factpress build -v in a fresh process: it has only the cache on disk to go by."""
    run = subprocess.run([sys.executable, "-m", "factpress", "build", "-v", *args, str(project)], capture_output=True,
                         text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1600000000"))
    assert run.returncode == 0, run.stderr[-2000:]
    return run


def rendered_line(output: str) -> tuple[int, int]:
    made, reused = re.search(r"^rendered: (\d+) files, (\d+) unchanged$", output, re.M).groups()
    return int(made), int(reused)


def test_a_new_process_renders_only_what_an_edit_changed(tmp_path):
    project = tmp_path / "corpus"
    write_corpus(project, 40, 200, 0, 11)
    first = rendered_line(run_build(project).stdout)
    assert first[1] == 0 and first[0] > 40
    total = sum(first)

    page = project / "content" / "p00007.md"
    page.write_text(page.read_text("utf-8") + "\nA sentence added later.\n", "utf-8")
    again = run_build(project)
    assert pages_line(again.stdout) == "pages: 1 parsed, 39 cached"
    assert rendered_line(again.stdout) == (1, total - 1)
    assert tree(project / "site") == cold(project, tmp_path)

    cited = re.search(r"\{fact\}`(f\d+)`", (project / "content" / "p00003.md").read_text("utf-8")).group(1)
    citing = [p.name for p in (project / "content").glob("*.md") if f"`{cited}`" in p.read_text("utf-8")]
    fact_file = next(f for f in (project / "content" / "facts").glob("*.yaml") if f"id: {cited}\n" in f.read_text("utf-8"))
    text = fact_file.read_text("utf-8")
    block = text.index(f"id: {cited}\n")
    label = text.index("label: ", block)
    fact_file.write_text(text[:label] + "label: Revised " + text[label + len("label: "):], "utf-8")
    made, reused = rendered_line(run_build(project).stdout)
    assert len(citing) <= made < total / 2, (made, citing)  # the pages citing it and the data page, not the rest
    assert made + reused == total
    assert tree(project / "site") == cold(project, tmp_path)

    cache = project / ".factpress-cache" / "rendered.pickle"
    data = pickle.loads(cache.read_bytes())
    data["code"] = "made by another version of factpress"
    cache.write_bytes(pickle.dumps(data))
    assert rendered_line(run_build(project).stdout) == (total, 0)  # a cache from other code is not used


def test_a_damaged_cache_is_rebuilt_silently(report, tmp_path):
    build(report)
    for name in ("pages.pickle", "rendered.pickle"):
        cache = report / ".factpress-cache" / name
        assert cache.is_file()
        cache.write_bytes(b"not a pickle at all")
    out = tmp_path / "second"
    result = subprocess.run([sys.executable, "-m", "factpress", "build", "-v", "-o", str(out), str(report)],
                            capture_output=True, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1600000000"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(r"^pages: \d+ parsed, 0 cached$", result.stdout, re.M)
    assert rendered_line(result.stdout)[1] == 0
    assert tree(out) == tree(report / "site")


def test_parallel_and_serial_builds_are_byte_identical(tmp_path):
    project = tmp_path / "corpus"
    write_corpus(project, 90, 300, 0, 7)
    runs = {}
    for jobs in ("1", "2"):
        shutil.rmtree(project / ".factpress-cache", ignore_errors=True)
        out = tmp_path / f"site-j{jobs}"
        run = subprocess.run([sys.executable, "-m", "factpress", "build", "-v", "-j", jobs, "-o", str(out), str(project)],
                             capture_output=True, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1600000000"))
        assert run.returncode == 0, run.stderr[-2000:]
        runs[jobs] = (tree(out), pages_line(run.stdout), run.stderr)
    assert runs["1"][1] == "pages: 90 parsed, 0 cached"
    assert runs["2"][1] == "pages: 90 parsed in 2 processes, 0 cached"
    assert runs["1"][0] == runs["2"][0]
    assert len(runs["1"][0]) > 90
    assert runs["1"][2] == runs["2"][2]  # the same warnings, in the same order


def _in_terminal(args: list[str], env: dict[str, str]) -> bytes:
    """What a terminal shows while `factpress ARGS` runs with its output on a pseudo-terminal."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: factpress, with the terminal as stdout and stderr
        os.execvpe(sys.executable, [sys.executable, "-m", "factpress", *args], env)
    shown = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 120)
        if not ready:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, shown.decode(errors="replace")[-2000:]
    return shown


def test_progress_shows_on_a_terminal_and_nowhere_else(tmp_path):
    project = tmp_path / "corpus"
    write_corpus(project, 70, 100, 0, 3)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(SOURCE_DATE_EPOCH="1600000000", TERM="xterm")
    shown = _in_terminal(["build", "-o", str(tmp_path / "a"), str(project)], env)
    assert re.search(rb"\rfactpress: pages \d+/70", shown), shown[:500]
    assert b"\rfactpress: writing" in shown
    assert re.search(rb"built \d+ files into", shown)
    quiet = _in_terminal(["build", "-q", "-o", str(tmp_path / "b"), str(project)], env)
    assert quiet.strip() == b""
    in_ci = _in_terminal(["build", "-o", str(tmp_path / "c"), str(project)], dict(env, CI="true"))
    assert b"\r" not in in_ci.replace(b"\r\n", b"\n")
    assert re.search(rb"built \d+ files into", in_ci)
    piped = subprocess.run([sys.executable, "-m", "factpress", "build", "-o", str(tmp_path / "d"), str(project)],
                           capture_output=True, env=env)
    assert piped.returncode == 0
    assert b"factpress: pages" not in piped.stderr + piped.stdout


def _errors_with_page_template(tmp_path, head: str, runs: tuple[str, ...]) -> dict[int, list[str]]:
    """The error lines of builds of an 80-page corpus whose page template's head block is head,
    one build per entry of runs (its -j)."""
    project = tmp_path / "corpus"
    write_corpus(project, 80, 100, 0, 5)
    (project / "templates").mkdir()
    (project / "templates" / "page.html").write_text(
        '{% extends "theme/page.html" %}\n{% block head %}\n' + head + '\n{% endblock %}\n', "utf-8")
    out = {}
    for n, jobs in enumerate(runs):
        run = subprocess.run([sys.executable, "-m", "factpress", "build", "-q", "-j", jobs, str(project)],
                             capture_output=True, text=True, env=dict(os.environ, SOURCE_DATE_EPOCH="1600000000"))
        assert run.returncode == 1
        assert "Traceback" not in run.stderr
        out[n] = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert not (project / "site").exists()
    return out


def test_the_first_page_with_a_template_error_is_reported_whatever_the_processes(tmp_path):
    runs = _errors_with_page_template(
        tmp_path, '{% if page.slug in ("p00011", "p00070") %}{{ {}[page.slug] }}{% endif %}', ("1", "2", "2"))
    for errors in runs.values():
        assert len(errors) == 1 and errors[0].startswith("templates/page.html:3: error: template error:"), errors
        assert "p00011" in errors[0], errors


def test_a_template_error_reads_the_same_from_parallel_workers(tmp_path):
    messages = _errors_with_page_template(tmp_path, '<meta name="x" content="{{ page.no_such_field }}">', ("1", "2"))
    assert messages[0] == messages[1]
    assert messages[0][0].startswith("templates/page.html:3: error: template error:"), messages[0]
