"""Build charts: the chart files run (only those whose inputs changed), their specs themed,
validated and rendered to SVG and PNG, all of it cached by content (see charts/cache.py)."""
from __future__ import annotations

import json
from pathlib import Path

from factpress.charts.cache import ChartCache, facts_key, tables_key
from factpress.charts.model import ChartOutput, Charts
from factpress.facts.model import FactBook
from factpress.project.files import Sources
from factpress.shared.cache import cache_warning
from factpress.shared.diagnostics import Diagnostics, SourceLocation



def build_charts(sources: Sources, book: FactBook, root: Path, timeout: float, diags: Diagnostics) -> Charts:
    cache = ChartCache(root)
    files = sources.of_kind("chart")
    per_file: dict[str, list[dict]] = {}
    stale = []
    for file in files:
        records = cache.fresh_records(file, book)
        if records is None:
            stale.append(file)
        else:
            per_file[file.rel] = [{**r, "state": "cached"} for r in records]
    if stale:
        import altair  # noqa: F401  imported once here, so every worker starts with it loaded

        from factpress.charts.runner import ChartRunner

        runner = ChartRunner(stale, book, cache, timeout, bundle=not cache.bundle_ok()).run()
        for problem in runner.render_errors:
            diags.error(problem.loc, problem.message, code="chart-render", chart=problem.chart)
        _collect(stale, runner.runs, runner.rendered, per_file, cache, book, diags)
    if not diags.errors:
        cache.prune({cache.file_key(f) for f in files}, {r["out"] for recs in per_file.values() for r in recs if "out" in r})
    charts = _outputs(files, per_file, cache, diags)
    if charts.outputs:
        charts.bundle = vega_bundle(cache)
    cache_warning(diags, cache.problem)  # the charts are kept in memory for this build
    return charts


def _collect(stale, runs, rendered: set[str], per_file, cache: ChartCache, book: FactBook, diags: Diagnostics) -> None:
    """Turn worker results into chart records; remember good files."""
    complete = []
    seen: set[str] = set()
    for file, run in zip(stale, runs):
        for problem in run.errors:
            _report(problem, file.rel, diags)
        done = {rec["id"]: rec for rec in run.records}
        entries, failed = [], bool(run.errors)
        for chart_id, title, description, line in run.defs:
            rec = done.get(chart_id)
            if rec is None or "error" in rec:
                if rec is not None:
                    _report(rec["error"], file.rel, diags)
                entries.append({"id": chart_id, "line": line, "state": "failed"})
                failed = True
                continue
            key = cache.out_key(rec["spec"])
            if not cache.has(key):  # its rendering failed (reported above)
                entries.append({"id": chart_id, "line": line, "state": "failed"})
                failed = True
                continue
            state = "rendered" if key in rendered and key not in seen else "cached"
            seen.add(key)
            entry = {"id": chart_id, "title": title, "description": description, "line": line, "out": key,
                     "facts_read": rec["facts_read"], "selected": rec["selected"], "tables": tables_key(rec["tables"]),
                     "table_sources": rec["table_sources"], "state": state}
            entry["facts"] = facts_key(book, entry)
            entries.append(entry)
        per_file[file.rel] = entries
        if not failed:
            complete.append(file)
    for file in complete:
        cache.put_file(file, [{k: v for k, v in r.items() if k != "state"} for r in per_file[file.rel]])


def _report(problem: dict, chart_file: str, diags: Diagnostics) -> None:
    """A problem from a chart worker, as a diagnostic that says which chart and fact it is about."""
    loc = SourceLocation(problem["path"] or chart_file, problem["line"], problem["col"])
    diags.error(loc, problem["message"], problem["hint"], code=problem["code"], fact=problem["fact"],
                chart=problem["chart"])


def vega_bundle(cache: ChartCache) -> bytes:
    """The vega-embed bundle; made alongside the charts' rendering, or here in a forked child when
    the charts all came from the cache (vl-convert never runs in this process)."""
    data = cache.bundle_bytes() if cache.bundle_ok() else None
    if data is None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from factpress.charts.worker import javascript_bundle

        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(1, mp_context=ctx) as pool:
            data = pool.submit(javascript_bundle).result().encode()
        cache.store_bundle(data)
    return data


def _outputs(files, per_file, cache: ChartCache, diags: Diagnostics) -> Charts:
    charts = Charts()
    for file in files:
        for rec in per_file.get(file.rel, []):
            loc = SourceLocation(file.rel, rec["line"])
            if rec["id"] in charts.locs:
                diags.error(loc, f"duplicate chart '{rec['id']}' (first defined at {charts.locs[rec['id']]})",
                            code="duplicate-chart", chart=rec["id"])
                continue
            charts.locs[rec["id"]] = loc
            charts.status[rec["id"]] = rec["state"]
            if rec["state"] == "failed":
                continue
            spec = cache.read(rec["out"], "json").decode("utf-8")
            title = rec["title"] or _spec_title(json.loads(spec)) or rec["id"]
            charts.outputs[rec["id"]] = ChartOutput(
                rec["id"], title, rec["description"], spec, cache.read(rec["out"], "svg").decode("utf-8"),
                cache.read(rec["out"], "png"), tuple(rec["facts_read"]), tuple(rec["table_sources"]), loc)
    return charts


def _spec_title(spec: dict) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title or "")
