"""Build charts: the chart files run (only those whose inputs changed), their specs themed,
validated and rendered to SVG and PNG, all of it cached by content (see charts/cache.py)."""
from __future__ import annotations

import json
from pathlib import Path

from factpress.charts.cache import ChartCache, facts_key, tables_key
from factpress.charts.locale import chart_locale
from factpress.charts.model import ChartOutput, Charts
from factpress.facts.model import FactBook
from factpress.project.files import Sources
from factpress.project.settings import Settings
from factpress.shared.cache import cache_warning
from factpress.shared.diagnostics import Diagnostics, SourceLocation


def build_charts(sources: Sources, book: FactBook, root: Path, settings: Settings, diags: Diagnostics) -> Charts:
    cache = ChartCache(root)
    files = sources.of_kind("chart")
    per_file: dict[str, list[dict]] = {}
    stale = []

    def payload(record: dict) -> str:
        return render_payload(record, book, settings)

    for file in files:
        records = cache.fresh_records(file, book, payload)
        if records is None:
            stale.append(file)
        else:
            per_file[file.rel] = [{**r, "state": "cached"} for r in records]
    if stale:
        import altair  # noqa: F401  imported once here, so every worker starts with it loaded

        from factpress.charts.runner import ChartRunner

        runner = ChartRunner(stale, book, cache, settings.chart_timeout, not cache.bundle_ok(), payload).run()
        for problem in runner.render_errors:
            diags.error(problem.loc, problem.message, code="chart-render", chart=problem.chart)
        _collect(stale, runner.runs, runner.rendered, per_file, cache, book, payload, diags)
    if not diags.errors:
        cache.prune({cache.file_key(f) for f in files}, {r["out"] for recs in per_file.values() for r in recs if "out" in r})
    charts = _outputs(files, per_file, cache, book, diags)
    if charts.outputs:
        charts.bundle = vega_bundle(cache)
    cache_warning(diags, cache.problem)  # the charts are kept in memory for this build
    return charts


def source_line(book: FactBook, facts_read, table_sources, language: str) -> str:
    """'Source: Xinhua News Agency, 5 September 2020': the sources of what the chart read, in order."""
    from factpress.shared.locale import long_date

    ids = dict.fromkeys([book.facts[f].source for f in facts_read if f in book.facts] + list(table_sources))
    named = []
    for sid in ids:
        src = book.sources.get(sid)
        if src is not None:
            named.append(", ".join(x for x in (src.publisher or src.title, long_date(src.date, language)) if x))
    if not named:
        return ""
    return ("Sources: " if len(named) > 1 else "Source: ") + "; ".join(named)


def render_payload(record: dict, book: FactBook, settings: Settings) -> str:
    """What rendering a chart takes: its specs, titles and the lines printed under its export image."""
    credit = " · ".join(x for x in (settings.title, settings.base_url) if x)
    info = {"spec": record["spec"], "narrow": record.get("narrow"), "title": record.get("title") or record["id"],
            "subtitle": record.get("subtitle", ""), "note": record.get("note", ""),
            "source": source_line(book, record.get("facts_read", []), record.get("table_sources", []), settings.language),
            "credit": credit, "locale": list(chart_locale(settings.language))}
    return json.dumps(info, ensure_ascii=False, sort_keys=True)


def _collect(stale, runs, rendered: set[str], per_file, cache: ChartCache, book: FactBook, payload,
             diags: Diagnostics) -> None:
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
            key = cache.out_key(payload(rec))
            if not cache.has(key):  # its rendering failed (reported above)
                entries.append({"id": chart_id, "line": line, "state": "failed"})
                failed = True
                continue
            state = "rendered" if key in rendered and key not in seen else "cached"
            seen.add(key)
            entry = {"id": chart_id, "title": rec["title"], "subtitle": rec["subtitle"], "note": rec["note"],
                     "description": description, "line": line, "out": key, "spec": rec["spec"], "narrow": rec["narrow"],
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


def _outputs(files, per_file, cache: ChartCache, book: FactBook, diags: Diagnostics) -> Charts:
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
            if rec["state"] != "failed":
                charts.outputs[rec["id"]] = _output(rec, loc, cache, diags)
    return charts


def _output(rec: dict, loc: SourceLocation, cache: ChartCache, diags: Diagnostics) -> ChartOutput:
    def read(name: str) -> str:
        return cache.read(rec["out"], name).decode("utf-8")

    info = json.loads(read("payload.json"))
    for layout, kind, message in json.loads(read("problems.json")):
        diags.warning(loc, f"chart '{rec['id']}' ({layout} layout): {message}", code=f"chart-{kind}", chart=rec["id"])
    return ChartOutput(
        rec["id"], rec["title"] or rec["id"], rec["description"], read("wide.json"), read("wide.svg"),
        cache.read(rec["out"], "export.png"), tuple(rec["facts_read"]), tuple(rec["table_sources"]), loc,
        subtitle=rec.get("subtitle", ""), note=rec.get("note", ""), spec_narrow=read("narrow.json"),
        svg_narrow=read("narrow.svg"), export_svg=read("export.svg"), table=read("table.json"),
        source_line=info.get("source", ""), locale=read("locale.json"))


def _spec_title(spec: dict) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    return " ".join(title) if isinstance(title, list) else str(title or "")
