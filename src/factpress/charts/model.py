"""What the charts stage gives the rest of the build: each chart's themed spec, its rendered
images and what it read, with where it was defined."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from factpress.shared.diagnostics import SourceLocation

WIDE_WIDTH = 640  # px: the wide layout (charts/responsive.py lays charts out for it and for the narrow one)


@dataclass(frozen=True)
class ChartOutput:
    id: str
    title: str
    description: str  # the author's, may be empty
    spec: str  # the wide layout's Vega-Lite JSON, themed and laid out: what a reader's browser draws
    svg: str  # the wide layout
    png: bytes  # the export image: title, chart, source and credit
    facts_read: tuple[str, ...]
    table_sources: tuple[str, ...]
    loc: SourceLocation
    subtitle: str = ""
    note: str = ""
    spec_narrow: str = ""
    svg_narrow: str = ""
    export_svg: str = ""
    table: str = "{}"  # the plotted rows as JSON (charts/plotted.py)
    source_line: str = ""  # "Source: publisher, date"
    locale: str = ""  # the d3 number and time locales it was drawn with, as JSON (charts/worker.renderer_locale)

    @property
    def spec_dict(self) -> dict:
        return json.loads(self.spec)

    @property
    def plotted(self):
        from factpress.charts.plotted import Plotted

        return Plotted.from_json(json.loads(self.table))


@dataclass
class Charts:
    locs: dict[str, SourceLocation] = field(default_factory=dict)
    outputs: dict[str, ChartOutput] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)  # chart id -> rendered | cached | failed
    bundle: bytes | None = None  # the vega-embed bundle the site serves, when it has charts

    @property
    def known(self) -> set[str]:
        return set(self.locs)

    @property
    def facts_read(self) -> set[str]:
        return {fid for out in self.outputs.values() for fid in out.facts_read}

    def count(self, state: str) -> int:
        return sum(1 for s in self.status.values() if s == state)
