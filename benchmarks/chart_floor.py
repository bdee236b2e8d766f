"""The floor for a report's charts: a fresh Python that imports Altair and vl-convert and renders,
once each, exactly the chart images a factpress build ends with, and nothing else.

    python benchmarks/chart_floor.py SPECS.json FONT_DIR

SPECS.json (written by run.py from a finished build's chart cache) holds, for each chart, the
final wide and narrow Vega-Lite specs and the export image's SVG. Per chart the floor renders
the wide and the narrow spec to SVG, compiles the wide spec to Vega (factpress reads the
plotted rows from it) and rasterises the export SVG to PNG at twice its size, in one process,
one after the other, with the bundled typeface registered as factpress does. It does not run
the chart code, lay charts out (the specs come laid out), describe them or build a site.
"""
from __future__ import annotations

import json
import sys


def main() -> None:
    specs = json.loads(open(sys.argv[1], encoding="utf-8").read())
    import altair  # noqa: F401  as a chart file does
    import vl_convert

    vl_convert.register_font_directory(sys.argv[2])
    for chart in specs:
        vl_convert.vegalite_to_svg(json.loads(chart["wide.json"]))
        vl_convert.vegalite_to_svg(json.loads(chart["narrow.json"]))
        vl_convert.vegalite_to_vega(json.loads(chart["wide.json"]))
        vl_convert.svg_to_png(chart["export.svg"], scale=2)


if __name__ == "__main__":
    main()
