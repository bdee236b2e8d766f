"""Reproducible builds: with SOURCE_DATE_EPOCH set, the same project built in two folders at two times gives the
same bytes, for the site and for the PDF."""
from __future__ import annotations

import os
import time

import pytest

from conftest import cli, copy_project, tree


@pytest.mark.slow
def test_two_builds_in_different_folders_at_different_times_are_identical(tmp_path):
    first = copy_project("mini", tmp_path / "a")
    second = copy_project("mini", tmp_path / "somewhere" / "else" / "b")
    assert cli("build", first, "--pdf", "-q").exit_code == 0
    time.sleep(1.1)  # a clock that moved on must not show in the output
    later = time.time() + 86400
    for path in second.rglob("*"):
        os.utime(path, (later, later))  # files saved a day later, same content
    assert cli("build", second, "--pdf", "-q").exit_code == 0
    a, b = tree(first / "site"), tree(second / "site")
    assert "report.pdf" in a and "index.html" in a
    assert sorted(a) == sorted(b)
    assert [name for name in a if a[name] != b[name]] == []
    assert str(first) not in a["index.html"].decode() and str(tmp_path) not in str(a["report.pdf"])
