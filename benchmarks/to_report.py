"""Turn benchmark results (run.py --json) into the facts, sources and results page of benchmarks/report.

    python benchmarks/to_report.py benchmarks/results/*.json [--out benchmarks/report]
    factpress build benchmarks/report

Every figure in the results files becomes one fact, dated by its run and citing a source that
describes the run (corpus, repeats, machine, tool versions). Files are read in the order given;
a later file's figure for the same corpus size and tool replaces an earlier one. Writes
content/facts/results.yaml, content/sources.yaml, content/results.md and content/report.yaml;
the other pages and the charts are written by hand and read the facts by tag.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = {"factpress": "factpress", "factpress-nosearch": "factpress without search", "before": "factpress before",
         "before-nosearch": "factpress before, without search", "hugo": "Hugo", "pelican": "Pelican", "mkdocs": "MkDocs"}
OWN = ("factpress", "before")  # the builds timed for rebuilds: this code, and the code measured beside it
REBUILDS = {"no_change": ("no-change", "with nothing changed"),
            "prose_edit": ("prose-edit", "after an edit to the prose of one page"),
            "fact_edit": ("fact-edit", "after an edit to one fact")}
SECONDS = {"unit": "count", "noun": "seconds", "decimals": 2}
MB = {"unit": "count", "noun": "MB", "decimals": 0}
RATIO = {"unit": "count", "noun": "times", "decimals": 2}
REBUILD_RATIO = {"unit": "count", "noun": "times", "decimals": 3}  # a no-change rebuild is a few hundredths
ORDINALS = {1: "second", 2: "third", 3: "fourth", 4: "fifth", 5: "sixth"}

REPORT = """\
# yaml-language-server: $schema=../../../schemas/report.schema.json
# Written by benchmarks/to_report.py from the results files; edit that script, not this file.
title: factpress build speed
subtitle: Cold builds and rebuilds of one synthetic corpus with factpress, Hugo, Pelican and MkDocs
authors: [The factpress authors]
language: en
date: {date}
description: Measured build times and memory of factpress against Hugo, Pelican and MkDocs, at several corpus sizes.
key_figures: [{key_figures}]
pages: [results, method]
"""


def name(tool: str) -> str:
    return NAMES.get(tool, tool)


def load(files: list[Path]) -> list[tuple[dict, dict]]:
    """(run, header of its results file) for every corpus size of every file, in order."""
    out = []
    for path in files:
        results = json.loads(path.read_text("utf-8"))
        head = {k: v for k, v in results.items() if k != "runs"} | {"file": path.name}
        out += [(run, head) for run in results["runs"]]
    return out


def merge(runs: list[tuple[dict, dict]]) -> dict[int, dict]:
    """Corpus size -> what was measured at that size, over all files (later files win per tool)."""
    merged: dict[int, dict] = {}
    for run, _ in runs:
        old = merged.get(run["pages"], {"tools": {}})
        merged[run["pages"]] = {**old, **run, "tools": {**old["tools"], **run["tools"]}}
    return dict(sorted(merged.items()))


def source_id(head: dict, n: int) -> str:
    return f"bench-run-{head['date']}-{n}"


def source(head: dict, run: dict) -> dict:
    v, m, n = head["versions"], head["machine"], run.get("pages", "small")
    tools = ", ".join(f"{name(t)} {v[t]}" for t in run.get("tools", ()) if t in v)
    cpu = f" ({m['cpu_model']})" if m.get("cpu_model") else ""
    memory = f", {m['memory_gb']} GB memory" if m.get("memory_gb") else ""
    note = (f"Cold builds per tool: {head['repeat']}, the tools alternating round by round; medians reported. "
            f"{n} pages, {head['facts']} facts, {head['charts']} charts, seed {head['seed']}. "
            f"Machine: {m['cpus']} CPUs{cpu}{memory}, {m.get('system', '')} {m.get('machine', '')}. "
            f"Python {v['python']}, {tools}. Results file: benchmarks/results/{head['file']}.")
    if n == "small":
        note = (f"Cold builds: {head['repeat']} (at least 5 for the one-page project), alternating with what they are "
                f"compared to; medians reported. Machine: {m['cpus']} CPUs{cpu}{memory}. Python {v['python']}. "
                f"Results file: benchmarks/results/{head['file']}.")
    title = "factpress benchmark run, small projects" if n == "small" else f"factpress benchmark run, {n} pages"
    return {"id": source_id(head, n), "title": title, "publisher": "factpress", "date": head["date"], "note": note}


def facts_for(n: int, run: dict, head: dict) -> list[dict]:
    src, day, tag = source_id(head, n), head["date"], f"n{n}"

    def fact(fid, label, value, entity, kind, tags=(), **extra):
        return {"id": fid, "label": label, "value": value, **kind, "period": day, "entity": entity,
                "source": src, "tags": [tag, *tags], **extra}

    out = [fact(f"corpus-pages-{n}", "Pages in the benchmark corpus", n, "benchmark corpus",
                {"unit": "count", "noun": "pages"}, ["corpus"]),
           fact(f"corpus-facts-{n}", f"Facts in the benchmark corpus of {n} pages", head["facts"],
                "benchmark corpus", {"unit": "count", "noun": "facts"}, ["corpus"]),
           fact(f"corpus-charts-{n}", f"Charts in the benchmark corpus of {n} pages", head["charts"],
                "benchmark corpus", {"unit": "count", "noun": "charts"}, ["corpus"]),
           fact(f"repeat-{n}", f"Cold builds per tool, {n} pages", head["repeat"], "benchmark run",
                {"unit": "count", "noun": "builds"}, ["corpus"]),
           fact(f"machine-cpus-{n}", f"CPUs of the benchmark machine, {n}-page run", head["machine"]["cpus"],
                "benchmark machine", {"unit": "count", "noun": "CPUs"}, ["corpus"])]
    for tool, f in run["tools"].items():
        who = name(tool)
        out.append(fact(f"{tool}-cold-{n}", f"{who} cold build time, median, {n} pages", f["cold_s"], who,
                        SECONDS, ["cold"]))
        out.append(fact(f"{tool}-rss-{n}", f"{who} peak resident memory, cold build, {n} pages",
                        f["peak_rss_mb"], who, MB, ["memory"]))
        if "cpu_s" in f:
            out.append(fact(f"{tool}-cpu-{n}", f"{who} CPU time of a cold build (with its child processes), median, "
                            f"{n} pages", f["cpu_s"], who, SECONDS, ["cpu"]))
        if tool != "factpress" and "time_vs_factpress" in f:
            out.append(fact(f"{tool}-vs-factpress-{n}", f"{who} cold build time over factpress's, {n} pages",
                            f["time_vs_factpress"], who, RATIO, ["tool-ratio"]))
        if "vs_hugo" in f:
            out.append(fact(f"{tool}-vs-hugo-{n}", f"{who} cold build time over Hugo's, {n} pages",
                            f["vs_hugo"], who, RATIO, ["hugo-ratio"]))
    for own in OWN:
        for key, (slug, words) in REBUILDS.items() if f"{own}_rebuild" in run else ():
            r, who = run[f"{own}_rebuild"], name(own)
            out.append(fact(f"{own}-{slug}-{n}", f"{who} rebuild time {words}, median, {n} pages",
                            r[f"{key}_s"], who, SECONDS, ["rebuild"]))
            out.append(fact(f"{own}-{slug}-vs-cold-{n}", f"{who} rebuild {words} over the cold build, {n} pages",
                            r[f"{key}_vs_cold"], who, REBUILD_RATIO, ["rebuild-ratio"]))
    return out


def small_facts(results: dict, head: dict) -> list[dict]:
    """The one-page project against `factpress --help`, the first report against its chart floor."""
    src, day = source_id(head, "small"), head["date"]

    def fact(fid, label, value, entity, kind, tags):
        return {"id": fid, "label": label, "value": value, **kind, "period": day, "entity": entity,
                "source": src, "tags": ["small", *tags]}

    out = []
    for own, f in results.get("fixed_cost", {}).items():
        who = name(own)
        out += [fact(f"{own}-one-page", f"{who}: cold build of a one-page project without charts, median",
                     f["build_s"], who, SECONDS, ["fixed-cost"]),
                fact(f"{own}-help", f"{who}: factpress --help, median", f["help_s"], who, SECONDS, ["fixed-cost"]),
                fact(f"{own}-one-page-vs-help", f"{who}: one-page build over factpress --help", f["ratio"], who, RATIO,
                     ["fixed-cost-ratio"])]
        if "cpu_ratio" in f:
            out.append(fact(f"{own}-one-page-cpu-vs-help", f"{who}: one-page build over factpress --help, CPU time",
                            f["cpu_ratio"], who, RATIO, ["fixed-cost-ratio", "cpu"]))
    for own, f in results.get("first_report", {}).items():
        who = name(own)
        out += [fact(f"{own}-first-report", f"{who}: cold build of the first report (user cache kept), median",
                     f["build_s"], who, SECONDS, ["first-report"]),
                fact(f"{own}-chart-floor", f"{who}: the floor, rendering the first report's chart images once each, "
                     "median", f["floor_s"], who, SECONDS, ["first-report"]),
                fact(f"{own}-first-report-vs-floor", f"{who}: first report's cold build over the floor", f["ratio"],
                     who, RATIO, ["first-report-ratio"])]
        if "cpu_ratio" in f:
            out.append(fact(f"{own}-first-report-cpu-vs-floor", f"{who}: first report's cold build over the floor, "
                            "CPU time (with child processes)", f["cpu_ratio"], who, RATIO, ["first-report-ratio", "cpu"]))
    return out


def results_page(runs: dict[int, dict], small: set[str] = frozenset()) -> str:
    parts = ["---\n# Written by benchmarks/to_report.py from the results files; edit that script, not this file.\n"
             "title: Results\nsummary: Every measured figure, corpus size by corpus size.\n---\n",
             "Times are wall-clock medians; memory is the peak resident size of the build process.\n"]
    for i, (n, run) in enumerate(runs.items()):
        tools = run["tools"]
        rank = "smallest" if i == 0 else "largest" if i == len(runs) - 1 else ORDINALS.get(i, "next")
        title = "The corpus" if len(runs) == 1 else f"The {rank} corpus" if i in (0, len(runs) - 1) else \
            f"The {rank} corpus size"
        parts.append(f"## {title}\n")
        lines = [f"This corpus has {{fact}}`corpus-pages-{n}`."]
        if "factpress" in tools:
            lines.append(f"factpress built it cold in {{fact}}`factpress-cold-{n}` at a peak of "
                         f"{{fact}}`factpress-rss-{n}`.")
        for tool in tools:
            if tool == "factpress":
                continue
            ratio = (f", {{fact}}`{tool}-vs-factpress-{n}` as long as factpress" if "time_vs_factpress" in tools[tool]
                     else "")
            lines.append(f"{name(tool)} took {{fact}}`{tool}-cold-{n}`{ratio}, at a peak of {{fact}}`{tool}-rss-{n}`.")
        for own in OWN:
            if f"{own}_rebuild" in run:
                lines.append(f"A second {name(own)} build into the same folder took " + "; ".join(
                    f"{{fact}}`{own}-{slug}-{n}` {words} ({{fact}}`{own}-{slug}-vs-cold-{n}` the cold build)"
                    for slug, words in REBUILDS.values()) + ".")
        parts.append(" ".join(lines) + "\n")
        parts.append(f"```{{facts}}\n:tag: n{n}\n:caption: Every figure of this run\n```\n")
    if small:
        lines = []
        for own in OWN:
            if f"{own}-one-page" in small:
                lines.append(f"{name(own)} built a one-page project without charts in {{fact}}`{own}-one-page`, "
                             f"{{fact}}`{own}-one-page-vs-help` the time of `factpress --help` ({{fact}}`{own}-help`).")
            if f"{own}-first-report" in small:
                lines.append(f"It built the first report cold in {{fact}}`{own}-first-report`, "
                             f"{{fact}}`{own}-first-report-vs-floor` the time of rendering its chart images alone "
                             f"({{fact}}`{own}-chart-floor`).")
        parts.append("## Small projects\n")
        parts.append(" ".join(lines) + "\n")
        parts.append("```{facts}\n:tag: small\n:caption: Every figure of the small projects\n```\n")
    return "\n".join(parts)


def key_figures(runs: dict[int, dict]) -> list[str]:
    with_factpress = [n for n, run in runs.items() if "factpress" in run["tools"]]
    if not with_factpress:
        return []
    top = max(with_factpress)
    keys = [f"factpress-cold-{top}"]
    if "factpress_rebuild" in runs[top]:
        keys.append(f"factpress-no-change-vs-cold-{top}")
    for tool in ("hugo", "pelican", "mkdocs"):
        sizes = [n for n in with_factpress if "time_vs_factpress" in runs[n]["tools"].get(tool, {})]
        if sizes:
            keys.append(f"{tool}-vs-factpress-{max(sizes)}")
    return keys


def yaml_value(v) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(yaml_value(x) for x in v) + "]"
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return repr(v)
    return json.dumps(v, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def yaml_list(key: str, items: list[dict], schema: str) -> str:
    lines = [f"# yaml-language-server: $schema=../../../{schema}" if key == "sources" else
             f"# yaml-language-server: $schema=../../../../{schema}",
             "# Written by benchmarks/to_report.py from the results files; edit those, not this file.", f"{key}:"]
    for item in items:
        first = True
        for k, v in item.items():
            lines.append(f"  {'- ' if first else '  '}{k}: {yaml_value(v)}")
            first = False
    return "\n".join(lines) + "\n"


def write_report(files: list[Path], out: Path) -> None:
    runs = load(files)
    facts: dict[str, dict] = {}
    for run, head in runs:
        facts.update((f["id"], f) for f in facts_for(run["pages"], run, head))
    smalls = []
    for path in files:
        results = json.loads(path.read_text("utf-8"))
        head = {k: v for k, v in results.items() if k != "runs"} | {"file": path.name}
        found = small_facts(results, head)
        facts.update((f["id"], f) for f in found)
        if found:
            smalls.append(head)
    sources = {}
    for run, head in runs:
        sid = source_id(head, run["pages"])
        if any(f["source"] == sid for f in facts.values()):
            sources[sid] = source(head, run)
    for head in smalls:
        sid = source_id(head, "small")
        if any(f["source"] == sid for f in facts.values()):
            sources[sid] = source(head, {})
    merged = merge(runs)
    content = out / "content"
    (content / "facts").mkdir(parents=True, exist_ok=True)
    (content / "facts" / "results.yaml").write_text(
        yaml_list("facts", sorted(facts.values(), key=fact_order), "schemas/facts.schema.json"), "utf-8")
    (content / "sources.yaml").write_text(yaml_list("sources", list(sources.values()), "schemas/sources.schema.json"),
                                          "utf-8")
    (content / "results.md").write_text(results_page(merged, {f["id"] for f in facts.values() if "small" in f["tags"]}),
                                        "utf-8")
    date = max(head["date"] for _, head in runs)
    (content / "report.yaml").write_text(REPORT.format(date=date, key_figures=", ".join(key_figures(merged))), "utf-8")


def fact_order(fact: dict) -> int:
    tag = fact["tags"][0]
    return int(tag[1:]) if tag[1:].isdigit() else 10 ** 9  # by corpus size, the small projects last; stable within


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="+", type=Path, help="results files written by run.py --json")
    ap.add_argument("--out", type=Path, default=HERE / "report", help="the report project (default benchmarks/report)")
    args = ap.parse_args()
    write_report(args.results, args.out)


if __name__ == "__main__":
    main()
