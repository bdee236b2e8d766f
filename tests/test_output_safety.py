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
