"""The output folder: refused when building there could harm the author's files, unless --force; only
files factpress wrote are ever removed."""
from __future__ import annotations


from conftest import cli, tree


def refused(result, why: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "refusing to build into this output folder" in result.output
    assert why in result.output


def test_project_root_is_refused(mini):
    before = tree(mini)
    refused(cli("build", mini, "-o", mini), "is the project folder itself")
    assert tree(mini) == before


def test_folder_above_the_project_is_refused(mini):
    refused(cli("build", mini, "-o", mini.parent), "holds the project (it is above it)")


def test_folder_inside_content_is_refused(mini):
    refused(cli("build", mini, "-o", mini / "content" / "out"), "is inside content/")
    assert not (mini / "content" / "out").exists()


def test_folder_with_a_content_folder_is_refused(mini, tmp_path):
    other = tmp_path / "other"
    (other / "content").mkdir(parents=True)
    (other / "content" / "notes.md").write_text("mine")
    refused(cli("build", mini, "-o", other), "holds a content/ folder")
    assert (other / "content" / "notes.md").read_text() == "mine"


def test_folder_with_foreign_files_is_refused_and_force_keeps_them(mini, tmp_path):
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    (out / "notes.txt").write_text("mine")
    (out / "sub" / "draft.txt").write_text("also mine")
    refused(cli("build", mini, "-o", out), "holds files factpress did not write (notes.txt and 1 more)")
    assert sorted(tree(out)) == ["notes.txt", "sub/draft.txt"]

    result = cli("build", mini, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "sub" / "draft.txt").read_text() == "also mine"
    assert (out / "index.html").is_file()


def test_force_cleans_only_what_factpress_wrote(mini, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert cli("build", mini, "-o", out, "--force").exit_code == 0
    assert (out / "one.html").is_file()
    # the page goes away: its old file is removed, the author's file stays
    (mini / "content" / "one.md").rename(mini / "content" / "two.md")
    (mini / "content" / "report.yaml").write_text((mini / "content" / "report.yaml").read_text().replace("[one]", "[two]"))
    result = cli("build", mini, "-o", out, "--force")
    assert result.exit_code == 0, result.output
    assert not (out / "one.html").exists() and (out / "two.html").is_file()
    assert (out / "notes.txt").read_text() == "mine"


def test_rebuilding_own_site_needs_no_force(mini):
    assert cli("build", mini).exit_code == 0
    (mini / "site" / "stray.txt").write_text("someone else's")
    refused(cli("build", mini), "holds files factpress did not write (stray.txt)")
    (mini / "site" / "stray.txt").unlink()
    assert cli("build", mini).exit_code == 0


def test_empty_or_missing_folder_is_fine(mini, tmp_path):
    (tmp_path / "empty").mkdir()
    assert cli("build", mini, "-o", tmp_path / "empty").exit_code == 0
    assert cli("build", mini, "-o", tmp_path / "new" / "deep").exit_code == 0


import os  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from conftest import ROOT  # noqa: E402


@pytest.mark.parametrize("folder", ["templates", "charts", "static", "content/facts"])
def test_folders_inside_any_input_folder_are_refused(mini, folder):
    (mini / "templates").mkdir(exist_ok=True)
    (mini / "static").mkdir(exist_ok=True)
    before = tree(mini)
    refused(cli("build", mini, "-o", mini / folder), f"is inside {folder.split('/')[0]}/, which the build reads")
    refused(cli("build", mini, "-o", mini / folder / "out"), f"is inside {folder.split('/')[0]}/")
    assert tree(mini) == before


@pytest.mark.parametrize("target", ["content/one.md", "charts/c.py", "content/report.pdf"])
def test_pdf_into_an_input_folder_is_refused(mini, target):
    before = tree(mini)
    result = cli("pdf", mini, "-o", mini / target)
    assert result.exit_code == 1, result.output
    assert "refusing to write the PDF there: it is inside" in result.output and "Traceback" not in result.output
    assert tree(mini) == before


def test_pdf_over_a_file_that_is_not_a_pdf_is_refused(mini, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes")
    result = cli("pdf", mini, "-o", notes)
    assert result.exit_code == 1
    assert "it holds a file that is not a PDF" in result.output
    assert notes.read_text() == "my notes"


@pytest.mark.parametrize("force", [False, True])
def test_a_hand_edit_of_the_same_size_is_rewritten(mini, force):
    assert cli("build", mini).exit_code == 0
    page = mini / "site" / "one.html"
    good = page.read_bytes()
    edited = good.replace(b"Trade was", b"Trade WAS")
    assert len(edited) == len(good) and edited != good
    page.write_bytes(edited)
    result = cli("build", mini, *(["--force"] if force else []))
    assert result.exit_code == 0, result.output
    assert page.read_bytes() == good
    assert "1 written" in result.output


def _limit_file_size():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))


def test_a_full_disk_is_a_one_line_error_and_the_old_site_stays(mini):
    assert cli("build", mini).exit_code == 0
    before = tree(mini / "site")
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\nMore words.\n")
    result = subprocess.run([sys.executable, "-m", "factpress", "build", str(mini)], capture_output=True, text=True,
                            preexec_fn=_limit_file_size, env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1] in ("site: error: cannot write the site (File too large); the site as it was is kept",
                         "build failed: 1 problem; nothing was written"), lines
    assert "(File too large)" in result.stderr  # the site's files, or the search index's working files
    assert tree(mini / "site") == before
    assert sorted(p.name for p in mini.iterdir() if p.name.startswith(".site")) == []


def test_pdf_onto_a_fifo_or_a_device_is_refused_and_left_alone(mini, tmp_path):
    import os
    import stat

    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)  # nobody reads it: writing to it would wait for ever
    result = cli("pdf", mini, "-o", fifo)
    assert result.exit_code == 1 and "refusing to write the PDF there: it is not an ordinary file" in result.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    result = cli("pdf", mini, "-o", "/dev/null")  # a device is never replaced by a file
    assert result.exit_code == 1 and "is not an ordinary file" in result.output
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_new_where_no_folder_can_be_made_is_one_line(tmp_path):
    (tmp_path / "afile").write_text("x")
    result = cli("new", tmp_path / "afile" / "sub")
    assert result.exit_code == 1 and "cannot make the project there (Not a directory)" in result.output
    assert "Traceback" not in result.output
    result = cli("new", tmp_path / "my report")
    assert result.exit_code == 0 and result.output.rstrip().endswith(f"factpress build '{tmp_path / 'my report'}'")
