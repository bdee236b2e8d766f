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
    """A message for the parent: the themed spec and what the chart read, or an error with its line."""
    from factpress.charts.theme import apply_theme

    view = FactsView(book, data_dir)

    def failed(line: int, message: str, code: str, hint: str = "", path: str = "", fact: str = "") -> dict:
        return {"error": problem(path, line, 0, message, code, hint=hint, chart=d.id, fact=fact)}

    try:
        result = d.func(view)
    except UnknownFact as exc:
        return failed(defining_line(exc, d.file) or d.line, f"chart '{d.id}': unknown fact '{exc.fact_id}'",
                      "unknown-fact", exc.hint, fact=exc.fact_id)
    except TableError as exc:
        return failed(exc.line, f"chart '{d.id}': {exc.message}", "chart-table", path=exc.path)
    except Exception as exc:  # the author's code: report, never crash
        return failed(defining_line(exc, d.file) or d.line, f"chart '{d.id}' raised {type(exc).__name__}: {exc}",
                      "chart-raised")
    if getattr(result, "to_dict", None) is None or not type(result).__module__.startswith("altair"):
        return failed(d.line, f"chart '{d.id}' returned {type(result).__name__}, not an Altair chart", "chart-not-altair")
    try:
        spec = apply_theme(result.to_dict())
    except Exception as exc:
        return failed(d.line, f"chart '{d.id}': invalid chart: {str(exc).splitlines()[0]}", "chart-invalid")
    return {"spec": json.dumps(spec, ensure_ascii=False), "facts_read": view.read,
            "tables": view.tables, "table_sources": view.table_sources, "selected": view.selected}


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


def render_spec(spec_json: str) -> tuple[str, bytes]:
    """SVG and PNG of a Vega-Lite spec; no browser involved. The PNG is rasterised from the
    SVG (the same bytes vegalite_to_png gives, without laying the chart out a second time)."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(json.loads(spec_json))
    return svg, vl_convert.svg_to_png(svg, scale=2)


def _reason(exc: Exception) -> str:
    """The line of a vl-convert error that says what is wrong (not its heading nor its stack)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip() and not line.strip().startswith("at ")]
    return next((line for line in lines if not line.endswith(":")), lines[0] if lines else type(exc).__name__)


def worker(conn, files: list, book, data_dir: Path, store, store_bundle) -> None:
    """Entry point of a worker process; tasks come from the parent through conn until it sends None:
    ("file", index, skip): run files[index]; ("render", key, spec): render and store(key, spec, svg, png);
    ("bundle",): store_bundle(the vega-embed bundle)."""
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
            try:
                svg, png = render_spec(task[2])
            except Exception as exc:  # a spec Vega accepts in the schema but cannot draw
                conn.send(("render-error", task[1], _reason(exc)))
                continue
            store(task[1], task[2], svg, png)
            conn.send(("rendered", task[1]))
        elif task[0] == "bundle":
            store_bundle(javascript_bundle().encode())
            conn.send(("bundle",))


def javascript_bundle() -> str:
    import vl_convert

    return vl_convert.javascript_bundle()
