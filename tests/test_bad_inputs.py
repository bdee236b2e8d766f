"""Every bad input in tests/bad/ gives its exact one-line error, exit code 1, no traceback, and leaves site/ as it was.

Each case folder holds case.json (what the case is and how it changes the mini project), files/ (files laid
over the project) and expected.txt (what the build prints). FACTPRESS_UPDATE_GOLDENS=1 rewrites expected.txt.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import cli, copy_project, tree

BAD = Path(__file__).resolve().parent / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "case.json").is_file())
UPDATE = os.environ.get("FACTPRESS_UPDATE_GOLDENS") == "1"


@pytest.fixture(scope="module")
def built_mini(tmp_path_factory) -> Path:
    """The mini project, built once: each case starts from a copy with a good site/."""
    base = tmp_path_factory.mktemp("good")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1600000000")
    project = copy_project("mini", base)
    result = cli("build", project, "-q")
    assert result.exit_code == 0, result.output
    return project


def apply_case(project: Path, case_dir: Path) -> dict:
    manifest = json.loads((case_dir / "case.json").read_text("utf-8"))
    overlay = case_dir / "files"
    if overlay.is_dir():
        for src in overlay.rglob("*"):
            if src.is_file():
                dest = project / src.relative_to(overlay)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
    for rel in manifest.get("remove", []):
        (project / rel).unlink()
    for rel, text in manifest.get("raw", {}).items():
        (project / rel).write_bytes(text.encode("latin-1"))
    for rel in manifest.get("bom", []):
        path = project / rel
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    for rel in manifest.get("crlf", []):
        path = project / rel
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    for rel, target in manifest.get("symlink", {}).items():
        link = project / rel
        outside = (link.parent / target).resolve()
        if not outside.is_relative_to(project.resolve()):
            outside.write_text("facts: []\n")  # a real file outside the project: only the link's direction is wrong
        link.symlink_to(target)
    for rel, target in manifest.get("symlink_dir", {}).items():
        link = project / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        (link.parent / target).resolve().mkdir(parents=True, exist_ok=True)
        ((link.parent / target).resolve() / "secret.txt").write_text("not part of the report\n")
        link.symlink_to(target, target_is_directory=True)
    for rel in manifest.get("fifo", []):
        os.mkfifo(project / rel)  # nobody writes to it: reading it would wait for ever
    for rel in manifest.get("symlink_loop", []):
        (project / rel).symlink_to((project / rel).name)  # a link to itself
    for rel, (text, times) in manifest.get("append_repeated", {}).items():
        with open(project / rel, "a", encoding="utf-8") as f:  # a large pathological file, made here, not stored
            f.write(text * times + "\n")
    for rel, size in manifest.get("sparse", {}).items():
        with open(project / rel, "wb") as f:  # sparse: takes no disk space, still reports its full size
            f.truncate(size)
    return manifest


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, built_mini, tmp_path):
    project = tmp_path / "p"
    shutil.copytree(built_mini, project, symlinks=True)
    before = tree(project / "site")
    manifest = apply_case(project, BAD / name)
    result = cli("build", project)
    output = result.output.replace(str(project), "PROJECT")
    assert "Traceback" not in output
    assert result.exit_code == 1, output
    assert tree(project / "site") == before, "a failed build changed site/"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == [], "a failed build left a folder"
    first = output.splitlines()[0]
    assert first.split(":", 1)[0].startswith(("content/", "charts/", "templates/", "static/")), first
    expected = BAD / name / "expected.txt"
    if UPDATE:
        expected.write_text(output)
    assert output == expected.read_text(), manifest["about"]
    for rel in manifest.get("sparse", {}):
        (project / rel).unlink()
    for rel in manifest.get("fifo", []):
        (project / rel).unlink()


def test_corpus_is_large():
    assert len(CASES) >= 45


def test_debug_shows_no_traceback_for_user_errors(built_mini, tmp_path):
    """--debug adds tracebacks to unexpected errors only: a bad input is still its one line."""
    project = tmp_path / "p"
    shutil.copytree(built_mini, project, symlinks=True)
    apply_case(project, BAD / "page-unknown-fact")
    result = cli("--debug", "build", project)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "content/one.md:8:11: error: unknown fact 'zj-trad' (did you mean 'zj-trade'?)" in result.output


def test_files_saved_and_deleted_during_builds(built_mini, tmp_path):
    """An editor saving (truncate, write in parts) or deleting files while builds run: each build ends in a
    clean result or located one-line errors, never a traceback, and site/ is whole after each."""
    import re
    import threading
    import time

    project = tmp_path / "p"
    shutil.copytree(built_mini, project, symlinks=True)
    facts = project / "content" / "facts" / "b.yaml"
    text = facts.read_text()
    stop = threading.Event()

    def editor():
        while not stop.is_set():
            with open(facts, "w") as f:  # a non-atomic save: empty, then half, then whole
                f.flush()
                time.sleep(0.001)
                f.write(text[: len(text) // 2])
                f.flush()
                time.sleep(0.001)
                f.write(text[len(text) // 2:])
            facts.unlink()
            time.sleep(0.001)
            facts.write_text(text)

    thread = threading.Thread(target=editor, daemon=True)
    thread.start()
    outcomes = set()
    try:
        for _ in range(25):
            result = cli("build", project)
            output = result.output
            assert "Traceback" not in output and "unexpected error" not in output, output
            assert result.exit_code in (0, 1), output
            if result.exit_code == 1:
                lines = output.splitlines()
                assert all(re.match(r"^[^\s:]+:\d+(:\d+)?: (error|warning): ", line) for line in lines[:-1]), output
            outcomes.add(result.exit_code)
            assert (project / "site" / "index.html").is_file()
    finally:
        stop.set()
        thread.join()
    print("build outcomes while files changed:", sorted(outcomes))
    assert outcomes  # which mix of 0 and 1 depends on timing; both are fine
