"""PDF benchmark: seconds per page, peak memory, and factpress's overhead over WeasyPrint alone.

    python benchmarks/pdf_bench.py [--pages 40] [--repeat 2]

Measures the repository's own report (when content/ is there) and a synthetic report of
about 100 PDF pages made here (many pages citing facts, a few charts, a little Chinese).
Each measurement runs in a fresh process, so peak memory (ru_maxrss) is its own.
"ours" = load the project + print HTML + WeasyPrint with the cache bypassed; "weasyprint" =
WeasyPrint alone on the very same HTML with the same options. Not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

REGIONS = ["Shanghai", "Jiangsu", "Zhejiang", "Anhui"]


def write_synthetic(dest: Path, pages: int) -> Path:
    """A report with `pages` Markdown pages, 4 facts each, a facts table every 5th page and 3 charts."""
    (dest / "content" / "facts").mkdir(parents=True)
    (dest / "charts").mkdir()
    (dest / "content" / "report.yaml").write_text(
        "title: Synthetic report\nsubtitle: A benchmark for the PDF\nauthors: [Bench]\ndate: 2020-09-05\n"
        f"key_figures: [f1-0]\npages: [{', '.join(f'p{i}' for i in range(pages))}]\n")
    (dest / "content" / "sources.yaml").write_text("sources:\n" + "".join(
        f"  - id: s{i}\n    title: Source number {i}\n    publisher: Bureau {i}\n    date: 2020-0{i + 1}-01\n"
        f"    url: https://example.org/s{i}\n" for i in range(5)))
    facts = []
    for p in range(pages):
        for k in range(4):
            facts.append(f"  - id: f{p}-{k}\n    label: Output of sector {k} in part {p}\n    value: {100 + p * 4 + k}.5\n"
                         f"    scale: billion\n    unit: yuan\n    period: 2020-H1\n    region: {REGIONS[k]}\n"
                         f"    source: s{(p + k) % 5}\n    change: {{value: {k + 1}.5, unit: percent, basis: year-on-year}}\n"
                         f"    tags: [part{p}]\n")
    (dest / "content" / "facts" / "all.yaml").write_text("facts:\n" + "".join(facts))
    prose = ("The delta's economy kept moving through the first half of the year, with trade and investment "
             "recovering faster than consumption in most of its cities. ") * 6
    for p in range(pages):
        body = [f"---\ntitle: Part {p}\nsummary: What part {p} shows.\n---\n"]
        for k in range(4):
            body.append(f"## Section {k}\n\n{prose}Sector {k} reached {{fact}}`f{p}-{k}` "
                        f"({{fact}}`f{p}-{k}.change`), the 双循环 pattern at work.\n\n{prose}\n")
        if p % 5 == 0:
            body.append(f"```{{facts}}\n:tag: part{p}\n:caption: Facts of part {p}\n```\n")
        if p % (max(pages // 3, 1)) == 1:
            body.append(f"```{{chart}} c{p % 3}\n:caption: Four sectors.\n```\n")
        (dest / "content" / f"p{p}.md").write_text("\n".join(body))
    (dest / "charts" / "c.py").write_text(
        "import altair as alt\nfrom factpress import chart\n\n" + "".join(
            f"@chart('c{c}', title='Sectors, chart {c}')\ndef c{c}(facts):\n"
            f"    rows = [{{'sector': str(k), 'value': facts.value(f'f{{{c * 3 + 1}}}-{{k}}')}} for k in range(4)]\n"
            f"    return alt.Chart(alt.Data(values=rows)).mark_bar().encode(x='sector:N', y='value:Q')\n\n"
            for c in range(3)))
    return dest


def child(mode: str, project: Path, html_file: Path) -> dict:
    """One measurement in this (fresh) process."""
    import weasyprint  # noqa: F401  imported before timing in both modes, so neither pays for it

    from factpress.print.pdf import PDF_VARIANT, write_pdf

    if mode == "weasyprint":
        html = html_file.read_text("utf-8")
        start = time.perf_counter()
        document = weasyprint.HTML(string=html).render(pdf_variant=PDF_VARIANT)
        data, pages = document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages)
    else:
        from factpress.build import load_site
        from factpress.shared.diagnostics import Diagnostics
        from factpress.print.pdf import document_date, pdf_key
        from factpress.print.document import PrintOptions, print_html

        start = time.perf_counter()
        diags = Diagnostics()
        site = load_site(project, diags)
        loaded = time.perf_counter()
        html = print_html(site, project, diags, PrintOptions(), document_date(site.settings.date))
        pdf_key(html)  # what the cache costs on a miss
        printed = time.perf_counter()
        data, pages = write_pdf(html)
        html_file.write_text(html, "utf-8")
        stages = {"load_s": loaded - start, "print_html_s": printed - loaded}
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "pages": pages, "bytes": len(data), "peak_mib": peak,
            **(stages if mode == "ours" else {})}


def measure(mode: str, project: Path, html_file: Path) -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1600000000")
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(project), str(html_file)],
                         capture_output=True, text=True, env=env, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def cached_seconds(project: Path) -> float:
    """`factpress pdf` a second time: inputs unchanged, so no WeasyPrint."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1600000000", PYTHONPATH=str(ROOT / "src"))
    cmd = [sys.executable, "-m", "factpress", "pdf", str(project), "-o", str(project / "bench.pdf"), "-q"]
    subprocess.run(cmd, env=env, check=True)
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True)
    return time.perf_counter() - start


def bench(name: str, project: Path, repeat: int) -> dict:
    html_file = project / "print.html"
    measure("ours", project, html_file)  # writes the HTML WeasyPrint alone is timed on, and warms the chart cache
    runs: dict[str, list[dict]] = {"ours": [], "weasyprint": []}
    for _ in range(repeat):  # alternating, so a change in the machine's speed hits both alike
        for mode in runs:
            runs[mode].append(measure(mode, project, html_file))
    ours, alone = (min(runs[mode], key=lambda r: r["seconds"]) for mode in ("ours", "weasyprint"))
    return {"report": name, "pages": ours["pages"], "ours_s": ours["seconds"], "weasyprint_s": alone["seconds"],
            "s_per_page": ours["seconds"] / ours["pages"], "overhead": ours["seconds"] / alone["seconds"],
            "load_s": ours["load_s"], "print_html_s": ours["print_html_s"],
            "stage_overhead": (ours["seconds"] - ours["load_s"]) / alone["seconds"],
            "peak_mib": ours["peak_mib"], "weasyprint_peak_mib": alone["peak_mib"], "pdf_kib": ours["bytes"] / 1024,
            "cached_cli_s": cached_seconds(project)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=40, help="Markdown pages in the synthetic report")
    parser.add_argument("--repeat", type=int, default=2, help="runs per measurement, ours and WeasyPrint alone in turn; the fastest is kept")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], Path(args.child[1]), Path(args.child[2]))))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if (ROOT / "content" / "report.yaml").exists():
            first = Path(tmp) / "report"
            for part in ("content", "charts", "templates"):
                if (ROOT / part).is_dir():
                    shutil.copytree(ROOT / part, first / part)
            results.append(bench("first report", first, args.repeat))
        results.append(bench("synthetic", write_synthetic(Path(tmp) / "synthetic", args.pages), args.repeat))
    # overhead: whole command vs WeasyPrint alone; stage: the same without loading the project,
    # which `build` pays anyway (facts, pages, charts).
    print(f"{'report':14} {'pages':>5} {'ours s':>7} {'load s':>7} {'html s':>7} {'WP s':>7} {'s/page':>7} "
          f"{'overhead':>8} {'stage':>6} {'peak MiB':>8} {'WP MiB':>7} {'PDF KiB':>8} {'cached s':>8}")
    for r in results:
        print(f"{r['report']:14} {r['pages']:5d} {r['ours_s']:7.2f} {r['load_s']:7.2f} {r['print_html_s']:7.3f} "
              f"{r['weasyprint_s']:7.2f} {r['s_per_page']:7.3f} {r['overhead']:7.2f}x {r['stage_overhead']:5.2f}x "
              f"{r['peak_mib']:8.0f} {r['weasyprint_peak_mib']:7.0f} {r['pdf_kib']:8.0f} {r['cached_cli_s']:8.2f}")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pdf_bench.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
