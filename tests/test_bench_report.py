"""The benchmark report: built by factpress from the results that benchmarks/run.py writes."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal

import pytest

from conftest import ROOT, cli

BENCH = ROOT / "benchmarks"


def copy_report(dest):
    target = dest / "report"
    shutil.copytree(BENCH / "report", target, ignore=shutil.ignore_patterns("site", ".factpress-cache", "__pycache__"))
    return target


def built_facts(project) -> dict[str, dict]:
    return {f["id"]: f for f in json.loads((project / "site" / "facts.json").read_text("utf-8"))["facts"]}


def to_report(results, project):
    done = subprocess.run([sys.executable, str(BENCH / "to_report.py"), *map(str, results), "--out", str(project)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_committed_report_is_strict_clean_builds_and_shows_the_measured_figures(tmp_path):
    project = copy_report(tmp_path)
    check = cli("check", "--strict", "--base-url", "https://octo.github.io/factpress/benchmarks/", project)
    assert check.exit_code == 0, check.output
    assert "0 warnings" in check.output
    build = cli("build", project)
    assert build.exit_code == 0, build.output

    results = [json.loads(p.read_text("utf-8")) for p in sorted((BENCH / "results").glob("*.json"))]
    runs = {r["pages"]: r for res in results for r in res["runs"] if "factpress" in r["tools"]}
    n = max(runs)
    cold = runs[n]["tools"]["factpress"]["cold_s"]
    facts = built_facts(project)
    assert facts[f"factpress-cold-{n}"]["value"] == cold
    shown = f"{Decimal(str(cold)).quantize(Decimal('0.01'))} seconds"  # two decimals, as the fact asks
    assert facts[f"factpress-cold-{n}"]["text"] == shown
    assert f'data-fact="factpress-cold-{n}">{shown}<' in (project / "site" / "results.html").read_text("utf-8")
    for chart in ("cold-time-by-pages", "tool-ratios", "rebuild-ratios"):
        assert (project / "site" / "charts" / f"{chart}.svg").is_file()

    # the committed facts are exactly what to_report makes of the committed results
    fresh = copy_report(tmp_path / "fresh")
    to_report(sorted((BENCH / "results").glob("*.json")), fresh)
    for name in ("facts/results.yaml", "sources.yaml", "results.md", "report.yaml"):
        assert (fresh / "content" / name).read_text("utf-8") == (project / "content" / name).read_text("utf-8"), name


@pytest.mark.slow
def test_a_benchmark_run_becomes_the_facts_of_the_report(tmp_path):
    results = tmp_path / "run.json"
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--pages", "5", "--facts", "20", "--charts", "0",
                           "--repeat", "1", "--tools", "factpress", "--json", str(results)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "| 5 | factpress |" in done.stdout
    measured = json.loads(results.read_text("utf-8"))
    run = measured["runs"][0]
    assert measured["repeat"] == 1 and measured["machine"]["cpus"] >= 1 and measured["versions"]["python"]

    project = copy_report(tmp_path)
    for stale in (project / "content" / "facts").glob("*.yaml"):
        stale.unlink()
    to_report([results], project)
    check = cli("check", "--strict", "--base-url", "https://octo.github.io/factpress/benchmarks/", project)
    assert check.exit_code == 0, check.output
    build = cli("build", project)
    assert build.exit_code == 0, build.output

    facts = built_facts(project)
    factpress = run["tools"]["factpress"]
    assert facts["factpress-cold-5"]["value"] == factpress["cold_s"]
    assert facts["factpress-rss-5"]["value"] == factpress["peak_rss_mb"]
    for key, slug in (("no_change", "no-change"), ("prose_edit", "prose-edit"), ("fact_edit", "fact-edit")):
        assert facts[f"factpress-{slug}-5"]["value"] == run["factpress_rebuild"][f"{key}_s"]
        assert facts[f"factpress-{slug}-vs-cold-5"]["value"] == run["factpress_rebuild"][f"{key}_vs_cold"]
    assert facts["corpus-pages-5"]["value"] == 5 and facts["corpus-facts-5"]["value"] == 20
    assert {f["period"] for f in facts.values()} == {measured["date"]}
    sources = json.loads((project / "site" / "facts.json").read_text("utf-8"))["sources"]
    assert [s["title"] for s in sources] == ["factpress benchmark run, 5 pages"]
    assert not any(fid.startswith("hugo-") for fid in facts)
