"""The chart worker process: runs chart files (execute the file, call each chart function on
the facts, validate and theme its spec), renders specs to SVG and PNG and makes the vega-embed
bundle, as the parent asks. The parent stops a worker whose chart runs past the timeout."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from factpress.charts.api import ChartDef, FactsView, TableError, UnknownFact, collecting, defining_line


def exec_file(path: Path, text: str) -> list[ChartDef]:
    """Run one chart file; the charts it defines, in order."""
    name = f"factpress_chart_{path.stem}"
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(name, path))
    with collecting() as found:
        exec(compile(text, str(path), "exec"), module.__dict__)
    sys.modules.pop(name, None)
    return found


def problem(path: str, line: int, col: int, message: str, code: str, hint: str = "", chart: str = "",
            fact: str = "") -> dict:
    """A problem as it travels from a worker to the parent (path "" is the chart file itself)."""
    return {"path": path, "line": line, "col": col, "message": message, "code": code, "hint": hint, "chart": chart,
            "fact": fact}


def run_chart(d: ChartDef, book, data_dir: Path) -> dict:
    """A message for the parent: the themed spec of each layout, the chart's titles and what it
    read, or an error with its line."""
    from factpress.charts.responsive import NARROW_LAYOUT, WIDE

    view = FactsView(book, data_dir)

    def failed(line: int, message: str, code: str, hint: str = "", path: str = "", fact: str = "") -> dict:
        return {"error": problem(path, line, 0, message, code, hint=hint, chart=d.id, fact=fact)}

    specs = []
    for layout in (WIDE, NARROW_LAYOUT) if d.wants_layout else (WIDE,):
        try:
            result = d.make(view, layout)
        except UnknownFact as exc:
            return failed(defining_line(exc, d.file) or d.line, f"chart '{d.id}': unknown fact '{exc.fact_id}'",
                          "unknown-fact", exc.hint, fact=exc.fact_id)
        except TableError as exc:
            return failed(exc.line, f"chart '{d.id}': {exc.message}", "chart-table", path=exc.path)
        except Exception as exc:  # the author's code: report, never crash
            return failed(defining_line(exc, d.file) or d.line, f"chart '{d.id}' raised {type(exc).__name__}: {exc}",
                          "chart-raised")
        if getattr(result, "to_dict", None) is None or not type(result).__module__.startswith("altair"):
            return failed(d.line, f"chart '{d.id}' returned {type(result).__name__}, not an Altair chart",
                          "chart-not-altair")
        try:
            specs.append(result.to_dict())
        except Exception as exc:
            return failed(d.line, f"chart '{d.id}': invalid chart: {str(exc).splitlines()[0]}", "chart-invalid")
    title, subtitle = _own_title(specs[0])
    themed = [json.dumps(_themed(spec), ensure_ascii=False) for spec in specs]
    return {"spec": themed[0], "narrow": themed[1] if len(themed) > 1 else None,
            "title": d.title or title, "subtitle": d.subtitle or ("" if d.title else subtitle), "note": d.note,
            "facts_read": view.read, "tables": view.tables, "table_sources": view.table_sources,
            "selected": view.selected}


def _text(value) -> str:
    return " ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


def _own_title(spec: dict) -> tuple[str, str]:
    """The title and subtitle the chart gives itself at the top (shown beside it, not inside it)."""
    title = spec.get("title")
    if isinstance(title, dict):
        return _text(title.get("text")), _text(title.get("subtitle"))
    return _text(title), ""


def _themed(spec: dict) -> dict:
    """The spec as the site draws it: themed, its top title taken out (the page shows it as text)."""
    from factpress.charts.theme import apply_theme

    return apply_theme({k: v for k, v in spec.items() if k != "title"})


def run_file(conn, path: Path, text: str, book, data_dir: Path, skip: set[str]) -> None:
    """Run one chart file's charts (those not in skip); messages go to the parent through conn."""
    try:
        defs = exec_file(path, text)
    except SyntaxError as exc:
        conn.send(("file-error", problem("", exc.lineno or 0, exc.offset or 0, f"chart file does not parse: {exc.msg}",
                                         "chart-file")))
        return
    except Exception as exc:
        conn.send(("file-error", problem("", defining_line(exc, str(path)), 0,
                                         f"chart file raised {type(exc).__name__}: {exc}", "chart-file")))
        return
    conn.send(("defs", [(d.id, d.title, d.description, d.line) for d in defs]))
    for d in defs:
        if d.id in skip:
            continue
        conn.send(("start", d.id))
        conn.send(("done", d.id, run_chart(d, book, data_dir)))
    conn.send(("end",))


def render_chart(payload: str) -> dict:
    """Everything the site shows of one chart: the wide and the narrow layout (SVG and the spec
    the reader's browser draws), the export image with its title, source and credit (SVG and
    PNG), the plotted rows, and what is still wrong with its text. No browser involved."""
    import vl_convert

    from factpress.charts.export import export_svg
    from factpress.charts.plotted import plotted
    from factpress.charts.responsive import NARROW_LAYOUT, WIDE, fit

    data = json.loads(payload)

    def render(spec: dict) -> str:
        return vl_convert.vegalite_to_svg(spec)

    grow = data["narrow"] is None  # a chart drawn once fills each width; one drawn per layout keeps its sizes
    wide = fit(json.loads(data["spec"]), WIDE, render, grow)
    narrow = fit(json.loads(data["narrow"] or data["spec"]), NARROW_LAYOUT, render, grow)
    export = export_svg(wide.svg, data)
    table = plotted(vl_convert.vegalite_to_vega(wide.spec))
    return {"wide.svg": wide.svg, "narrow.svg": narrow.svg,
            "wide.json": json.dumps(wide.spec, ensure_ascii=False, sort_keys=True),
            "narrow.json": json.dumps(narrow.spec, ensure_ascii=False, sort_keys=True),
            "export.svg": export, "export.png": vl_convert.svg_to_png(export, scale=2),
            "table.json": json.dumps(table.to_json(), ensure_ascii=False),
            "payload.json": payload,
            "problems.json": json.dumps([[name, p.kind, p.message] for name, fitted in (("wide", wide), ("narrow", narrow))
                                         for p in fitted.problems], ensure_ascii=False)}


def register_fonts() -> None:
    """vl-convert measures and draws with the bundled typeface (once per worker process, before its first render)."""
    import vl_convert

    from factpress.shared.fonts import FONT_DIR

    vl_convert.register_font_directory(str(FONT_DIR))


def _reason(exc: Exception) -> str:
    """The line of a vl-convert error that says what is wrong (not its heading nor its stack)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip() and not line.strip().startswith("at ")]
    return next((line for line in lines if not line.endswith(":")), lines[0] if lines else type(exc).__name__)


def worker(conn, files: list, book, data_dir: Path, store, store_bundle) -> None:
    """Entry point of a worker process; tasks come from the parent through conn until it sends None:
    ("file", index, skip): run files[index]; ("render", key, payload): render_chart and store(key, outputs);
    ("bundle",): store_bundle(the vega-embed bundle)."""
    fonts = False
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        if task[0] == "file":
            file = files[task[1]]
            run_file(conn, file.path, file.text, book, data_dir, task[2])
        elif task[0] == "render":
            if not fonts:
                register_fonts()
                fonts = True
            try:
                outputs = render_chart(task[2])
            except Exception as exc:  # a spec Vega accepts in the schema but cannot draw
                conn.send(("render-error", task[1], _reason(exc)))
                continue
            store(task[1], outputs)
            conn.send(("rendered", task[1]))
        elif task[0] == "bundle":
            store_bundle(javascript_bundle().encode())
            conn.send(("bundle",))


def javascript_bundle() -> str:
    import vl_convert

    return vl_convert.javascript_bundle()
