"""Build charts: run each chart function on the facts, validate its spec, render it to SVG."""
from __future__ import annotations

import importlib.util
import json
import sys
from dataclasses import dataclass, field

from factpress.charting import ChartDef, FactsView, UnknownFact, defining_line, take_registered
from factpress.errors import Diagnostics, SourceLocation
from factpress.facts import FactBook
from factpress.sources import Sources


@dataclass(frozen=True)
class ChartOutput:
    id: str
    title: str
    description: str
    spec: str  # Vega-Lite JSON, canonical
    svg: str
    facts_read: tuple[str, ...]
    loc: SourceLocation


@dataclass
class Charts:
    defs: dict[str, ChartDef] = field(default_factory=dict)
    locs: dict[str, SourceLocation] = field(default_factory=dict)
    outputs: dict[str, ChartOutput] = field(default_factory=dict)

    @property
    def known(self) -> set[str]:
        return set(self.defs)

    @property
    def facts_read(self) -> set[str]:
        return {fid for out in self.outputs.values() for fid in out.facts_read}


def load_chart_defs(sources: Sources, diags: Diagnostics) -> Charts:
    charts = Charts()
    for file in sources.of_kind("chart"):
        name = f"factpress_chart_{file.path.stem}"
        spec = importlib.util.spec_from_file_location(name, file.path)
        module = importlib.util.module_from_spec(spec)
        take_registered()
        try:
            exec(compile(file.text, str(file.path), "exec"), module.__dict__)
        except SyntaxError as exc:
            diags.error(SourceLocation(file.rel, exc.lineno or 0, exc.offset or 0), f"chart file does not parse: {exc.msg}")
            continue
        except Exception as exc:  # the author's code: report, never crash
            line = defining_line(exc, str(file.path))
            diags.error(SourceLocation(file.rel, line), f"chart file raised {type(exc).__name__}: {exc}")
            continue
        sys.modules.pop(name, None)
        for d in take_registered():
            loc = SourceLocation(file.rel, d.line)
            if d.id in charts.defs:
                diags.error(loc, f"duplicate chart '{d.id}' (first defined at {charts.locs[d.id]})")
                continue
            charts.defs[d.id] = d
            charts.locs[d.id] = loc
    return charts


def _run(d: ChartDef, loc: SourceLocation, book: FactBook, diags: Diagnostics):
    view = FactsView(book)
    try:
        result = d.func(view)
    except UnknownFact as exc:
        line = defining_line(exc, d.file) or loc.line
        diags.error(SourceLocation(loc.path, line), f"chart '{d.id}': unknown fact '{exc.fact_id}'", exc.hint)
        return None, view
    except Exception as exc:
        line = defining_line(exc, d.file) or loc.line
        diags.error(SourceLocation(loc.path, line), f"chart '{d.id}' raised {type(exc).__name__}: {exc}")
        return None, view
    to_dict = getattr(result, "to_dict", None)
    if to_dict is None or not type(result).__module__.startswith("altair"):
        diags.error(loc, f"chart '{d.id}' returned {type(result).__name__}, not an Altair chart")
        return None, view
    try:
        return to_dict(), view
    except Exception as exc:
        diags.error(loc, f"chart '{d.id}': invalid chart: {str(exc).splitlines()[0]}")
        return None, view


def build_charts(charts: Charts, book: FactBook, diags: Diagnostics) -> Charts:
    for chart_id, d in sorted(charts.defs.items()):
        loc = charts.locs[chart_id]
        spec, view = _run(d, loc, book, diags)
        if spec is None:
            continue
        import vl_convert

        spec_json = json.dumps(spec, sort_keys=True, ensure_ascii=False)
        svg = vl_convert.vegalite_to_svg(spec)
        title = d.title or str(spec.get("title", "") or chart_id)
        charts.outputs[chart_id] = ChartOutput(chart_id, title, d.description, spec_json, svg, tuple(view.read), loc)
    return charts
