"""The chart worker process: runs chart files (execute the file, call each chart function on
the facts, validate and theme its spec), lays each chart out and renders it (both layouts, the
export image, the plotted rows) and makes the vega-embed bundle, as the parent asks; results go
back through the pipe, and the parent keeps them.

A worker is confined (confine()): its own process group, killed with its parent, under limits on
memory and CPU time; it ends with os._exit, so a thread a chart file started cannot keep it alive.
The parent stops a worker whose chart runs or renders past the timeout."""
from __future__ import annotations

import faulthandler
import functools
import importlib.util
import json
import math
import os
import re
import signal
import sys
from pathlib import Path

from factpress.charts.api import ChartDef, FactsView, TableError, UnknownFact, collecting, defining_line
from factpress.project.fields import shown

CHART_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MEMORY_BYTES = 2 * 1024 ** 3  # a worker may grow by this much beyond what it was forked with
WARM_SPEC = {"data": {"values": [{"a": 1}]}, "mark": "point", "encoding": {"x": {"field": "a", "type": "quantitative"}}}


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


def non_finite(value, where: str = "") -> str:
    """Where in a spec a NaN or an infinity sits (like data.values[3].v), '' when nowhere."""
    if isinstance(value, float) and not math.isfinite(value):
        return where or "the spec"
    if isinstance(value, dict):
        items = ((f"{where}.{k}" if where else str(k), v) for k, v in value.items())
    elif isinstance(value, (list, tuple)):
        items = ((f"{where}[{i}]", v) for i, v in enumerate(value))
    else:
        return ""
    return next((found for path, v in items if (found := non_finite(v, path))), "")


def _raised(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _spec_text(d: ChartDef, spec: dict) -> tuple[str, str]:
    """The spec as JSON, or why it cannot be: NaN and infinity are not JSON, and no chart can plot them."""
    where = non_finite(spec)
    if where:
        return "", f"chart '{d.id}': its data holds NaN or infinity (at {where}); a chart plots finite numbers only"
    return json.dumps(spec, ensure_ascii=False, allow_nan=False), ""


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
            line = exc.line if exc.path else defining_line(exc, d.file) or d.line  # "": a bad call in the chart file
            return failed(line, f"chart '{d.id}': {exc.message}", "chart-table", path=exc.path)
        except MemoryError as exc:
            return failed(defining_line(exc, d.file) or d.line, f"chart '{d.id}' ran out of memory (a chart may use "
                          f"{MEMORY_BYTES / 1024 ** 3:g} GiB)", "chart-memory")
        except SystemError as exc:  # C code that could not allocate under the memory limit says only this
            if "returned NULL without setting an exception" not in str(exc):
                return failed(defining_line(exc, d.file) or d.line, f"chart '{d.id}' raised {_raised(exc)}", "chart-raised")
            return failed(defining_line(exc, d.file) or d.line, f"chart '{d.id}' ran out of memory, most likely (a chart "
                          f"may use {MEMORY_BYTES / 1024 ** 3:g} GiB; Python said: {exc})", "chart-memory")
        except (Exception, SystemExit) as exc:  # the author's code: report, never crash
            return failed(defining_line(exc, d.file) or d.line, f"chart '{d.id}' raised {_raised(exc)}", "chart-raised")
        if getattr(result, "to_dict", None) is None or not type(result).__module__.startswith("altair"):
            return failed(d.line, f"chart '{d.id}' returned {type(result).__name__}, not an Altair chart",
                          "chart-not-altair")
        try:
            specs.append(result.to_dict())
        except Exception as exc:
            return failed(d.line, f"chart '{d.id}': invalid chart: {str(exc).splitlines()[0]}", "chart-invalid")
    title, subtitle = _own_title(specs[0])
    themed = []
    for spec in specs:
        text, why = _spec_text(d, _themed(spec))
        if why:
            return failed(d.line, why, "chart-not-finite")
        themed.append(text)
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


def _bad_ids(defs: list[ChartDef], path: Path) -> list[dict]:
    """A chart id names files (charts/ID.svg) and HTML ids: kebab-case only."""
    bad = [problem("", d.line, 0, f"chart id '{shown(str(d.id))[:60]}' must be kebab-case: "
                                  "lower-case letters, digits and single hyphens", "chart-file")
           for d in defs if not isinstance(d.id, str) or not CHART_ID_RE.fullmatch(d.id)]
    return bad + [problem("", d.line, 0, f"chart '{d.id}': {name} must be text, not {type(value).__name__}", "chart-file")
                  for d in defs if isinstance(d.id, str) and CHART_ID_RE.fullmatch(d.id)
                  for name, value in (("title", d.title), ("subtitle", d.subtitle), ("note", d.note),
                                      ("description", d.description)) if not isinstance(value, str)]


def run_file(conn, path: Path, text: str, book, data_dir: Path, skip: set[str], cpu_seconds: float = 0) -> None:
    """Run one chart file's charts (those not in skip); messages go to the parent through conn.
    cpu_seconds: the CPU time the file, and then each chart, may use (0: no limit)."""
    limit_cpu(cpu_seconds)
    try:
        defs = exec_file(path, text)
    except SyntaxError as exc:
        conn.send(("file-error", problem("", exc.lineno or 0, exc.offset or 0, f"chart file does not parse: {exc.msg}",
                                         "chart-file")))
        return
    except (Exception, SystemExit) as exc:
        conn.send(("file-error", problem("", defining_line(exc, str(path)), 0, f"chart file raised {_raised(exc)}",
                                         "chart-file")))
        return
    bad = _bad_ids(defs, path)
    if bad:
        for item in bad:
            conn.send(("file-error", item))
        return
    conn.send(("defs", [(d.id, d.title, d.description, d.line) for d in defs]))
    for d in defs:
        if d.id in skip:
            continue
        limit_cpu(cpu_seconds)
        conn.send(("start", d.id))
        conn.send(("done", d.id, run_chart(d, book, data_dir)))
    conn.send(("end",))


def render_chart(payload: str) -> dict:
    """Everything the site shows of one chart: the wide and the narrow layout (SVG and the spec
    the reader's browser draws), the export image with its title, source and credit (SVG and
    PNG), the plotted rows, and what is still wrong with its text. No browser involved."""
    import vl_convert

    from factpress.charts.export import export_svg
    from factpress.charts.plotted import facet_titles, plotted
    from factpress.charts.responsive import NARROW_LAYOUT, WIDE, fit

    data = json.loads(payload)
    locale = renderer_locale(data.get("locale"))

    def render(spec: dict) -> str:
        return vl_convert.vegalite_to_svg(spec, format_locale=locale["number"], time_format_locale=locale["time"])

    grow = data["narrow"] is None  # a chart drawn once fills each width; one drawn per layout keeps its sizes
    wide = fit(json.loads(data["spec"]), WIDE, render, grow)
    narrow = fit(json.loads(data["narrow"] or data["spec"]), NARROW_LAYOUT, render, grow)
    too_wide: list[str] = []
    export = export_svg(wide.svg, data, too_wide)
    if needs_cjk(export):
        register_cjk_fonts()
    table = plotted(vl_convert.vegalite_to_vega(wide.spec), facet_titles(wide.spec))
    return {"wide.svg": wide.svg, "narrow.svg": narrow.svg,
            "wide.json": json.dumps(wide.spec, ensure_ascii=False, sort_keys=True),
            "narrow.json": json.dumps(narrow.spec, ensure_ascii=False, sort_keys=True),
            "export.svg": export, "export.png": vl_convert.svg_to_png(export, scale=2),
            "table.json": json.dumps(table.to_json(), ensure_ascii=False),
            "payload.json": payload, "locale.json": json.dumps(locale, ensure_ascii=False, sort_keys=True),
            "problems.json": json.dumps([[name, p.kind, p.message] for name, fitted in (("wide", wide), ("narrow", narrow))
                                         for p in fitted.problems]
                                        + [["export", "outside", message] for message in too_wide], ensure_ascii=False)}


def renderer_locale(names) -> dict:
    """The d3 number and time locales (as dicts) the payload names, en-US for one vl-convert lacks;
    names: the two names used."""
    import vl_convert

    from factpress.charts.locale import DEFAULT

    out: dict = {"names": []}
    for key, name, get in (("number", (names or [DEFAULT])[0], vl_convert.get_format_locale),
                           ("time", (names or [DEFAULT, DEFAULT])[-1], vl_convert.get_time_format_locale)):
        try:
            out[key] = get(name)
        except ValueError:
            name, out[key] = DEFAULT, get(DEFAULT)
        out["names"].append(name)
    return out


def register_fonts() -> None:
    """vl-convert measures and draws with the bundled typeface (once per worker process, before its
    first render)."""
    import vl_convert

    from factpress.shared.fonts import FONT_DIR

    vl_convert.register_font_directory(str(FONT_DIR))


@functools.lru_cache(maxsize=1)
def register_cjk_fonts() -> None:
    """The installed CJK font that text Inter lacks is measured with, made known to vl-convert: once
    per worker process, and only for an image that has such text (finding the font takes half a second)."""
    import vl_convert

    from factpress.shared.fonts import measure

    for bold in (False, True):
        face = measure().cjk_face(bold)
        if face.path:
            vl_convert.register_font_directory(str(Path(face.path).parent))


def needs_cjk(text: str) -> bool:
    """Whether an image's text has characters from the CJK blocks (U+2E80 on), which Inter lacks."""
    return any(ord(c) >= 0x2E80 for c in text)


def _reason(exc: Exception) -> str:
    """The line of a vl-convert error that says what is wrong (not its heading nor its stack)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip() and not line.strip().startswith("at ")]
    return next((line for line in lines if not line.endswith(":")), lines[0] if lines else type(exc).__name__)


def confine(parent: int) -> None:
    """Limits for a worker that runs the author's code: its own process group (so the parent can
    stop whatever the code started), SIGKILL when the parent dies, and at most MEMORY_BYTES more
    memory than it was forked with. Signals meant for the parent (Ctrl-C) are the parent's to handle."""
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except ValueError:  # not this process's main thread
        pass
    faulthandler.disable()  # a crash is reported by the parent, in one line, not as a dump of this process
    _die_with_parent(parent)
    try:
        import resource

        start = _data_bytes()
        if start is not None:  # RLIMIT_AS would also count the address space V8 reserves and never uses
            soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
            limit = start + MEMORY_BYTES
            if hard == resource.RLIM_INFINITY or limit < hard:
                resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _data_bytes() -> int | None:
    """This process's data segment (VmData), the size RLIMIT_DATA limits; None off Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return None


def limit_cpu(seconds: float) -> None:
    """Let this process use `seconds` more CPU time (all its threads together), then be stopped by
    SIGXCPU: a backstop for the parent's timeout, should the parent itself be stuck or gone."""
    if not seconds:
        return
    try:
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        limit = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (limit, hard))
    except (ImportError, OSError, ValueError):
        pass


class _Renderer:
    """vl-convert, warmed up once per worker before the first spec it renders, so the timeout
    measures the author's spec and not the renderer's start."""

    def __init__(self) -> None:
        self.warm = False

    def render(self, conn, key: str, payload: str) -> None:
        if not self.warm:
            import vl_convert

            register_fonts()
            vl_convert.vegalite_to_svg(WARM_SPEC)
            self.warm = True
        conn.send(("render-start", key))
        try:
            outputs = render_chart(payload)
        except Exception as exc:  # a spec Vega accepts in the schema but cannot draw
            conn.send(("render-error", key, _reason(exc)))
            return
        conn.send(("rendered", key, outputs))


def worker(conn, files: list, book, data_dir: Path, parent: int, cpu_seconds: float) -> None:
    """Entry point of a worker process; tasks come from the parent through conn until it sends None:
    ("file", index, skip): run files[index]; ("render", key, payload): lay it out and render it; ("bundle",): make
    the vega-embed bundle. It never returns: os._exit ends it whatever threads are left."""
    code = 0
    try:
        confine(parent)
        renderer = _Renderer()
        while True:
            try:
                task = conn.recv()
            except EOFError:
                break
            if task is None:
                break
            limit_cpu(cpu_seconds)
            if task[0] == "file":
                file = files[task[1]]
                run_file(conn, file.path, file.text, book, data_dir, task[2], cpu_seconds)
            elif task[0] == "render":
                renderer.render(conn, task[1], task[2])
            elif task[0] == "bundle":
                conn.send(("bundle", javascript_bundle().encode()))
    except BaseException:  # the pipe broke, or the author's code got past every guard
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def javascript_bundle() -> str:
    import vl_convert

    return vl_convert.javascript_bundle()
