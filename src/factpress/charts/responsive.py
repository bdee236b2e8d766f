"""Lay a chart out for a width: the wide layout for desktops and the narrow one for phones.

Each layout is rendered, measured (charts/layout.py) and adjusted until it fills its width and its
text fits: plot widths are solved for the target width; category labels and titles too long for
it are wrapped onto lines (with room made for them); side-by-side panels are stacked and legends
go under the plot on a narrow screen; crowded x-axis labels are turned. What cannot be fixed is
returned as problems, which the build reports.
"""
from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from factpress.charts.layout import Problem, problems, text_boxes
from factpress.charts.model import WIDE_WIDTH
from factpress.charts.theme import FONT_SIZE, NARROW
from factpress.shared.fonts import measure

NARROW_WIDTH = 320
LABEL_SHARE = 0.4  # of the width, the most a category label may take before it wraps
MIN_PLOT = 40
LINE = 1.25  # line height of wrapped text, in font sizes
Render = Callable[[dict], str]


@dataclass(frozen=True)
class Layout:
    """What a chart function may ask for as its second argument: the width to lay out for."""

    width: int
    narrow: bool


WIDE = Layout(WIDE_WIDTH, False)
NARROW_LAYOUT = Layout(NARROW_WIDTH, True)


@dataclass
class Fitted:
    spec: dict
    svg: str
    problems: list[Problem] = field(default_factory=list)


def svg_width(svg: str) -> float:
    m = re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg)
    return float(m.group(1)) if m else 0.0


def _views(node: dict, in_layer: bool = False):
    """The specs whose width sets a plot's width: unit and layer specs (not a layer's own members)."""
    if not isinstance(node, dict):
        return
    if "layer" in node and not in_layer:
        yield node
        for child in node["layer"]:
            yield from _views(child, True)
        return
    if "mark" in node and not in_layer:
        yield node
    for key in ("vconcat", "hconcat", "concat"):
        for child in node.get(key) or []:
            yield from _views(child)
    if isinstance(node.get("spec"), dict):
        yield from _views(node["spec"])


def _encodings(node: dict):
    """Every encoding block in the spec tree."""
    if not isinstance(node, dict):
        return
    if isinstance(node.get("encoding"), dict):
        yield node["encoding"]
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in node.get(key) or []:
            yield from _encodings(child)
    if isinstance(node.get("spec"), dict):
        yield from _encodings(node["spec"])


NARROW_FACET_COLUMNS = 2  # small multiples on a phone: two panels a row, wrapped
NARROW_PANEL_HEIGHT = 160  # px, for panels the author gave no height: a phone scrolls past six of them


def _wrap_facets(spec: dict) -> dict:
    """Panels of a column facet (the `column` channel, or the facet operator's `column`) wrapped
    into rows of two, for a narrow screen, each NARROW_PANEL_HEIGHT tall unless the author says;
    a grid of rows and columns is left as it is."""
    encoding = spec.get("encoding")
    if isinstance(encoding, dict):
        facet = None
        if isinstance(encoding.get("column"), dict) and "row" not in encoding:
            facet = encoding["column"]
        elif isinstance(encoding.get("facet"), dict):
            facet = encoding["facet"]
        if facet is not None:
            columns = facet.get("columns")
            wrapped = {**facet, "columns": min(columns, NARROW_FACET_COLUMNS) if isinstance(columns, int)
                       else NARROW_FACET_COLUMNS}
            encoding = {**{k: v for k, v in encoding.items() if k != "column"}, "facet": wrapped}
            spec = {"height": NARROW_PANEL_HEIGHT, **spec, "encoding": encoding}
    facet = spec.get("facet")
    if isinstance(facet, dict) and isinstance(spec.get("spec"), dict):
        if isinstance(facet.get("column"), dict) and "row" not in facet:
            facet = facet["column"]
        elif "field" not in facet:
            return spec  # a grid
        columns = spec.get("columns")
        spec = {**spec, "facet": facet, "columns": min(columns, NARROW_FACET_COLUMNS) if isinstance(columns, int)
                else NARROW_FACET_COLUMNS}
        if "layer" not in spec["spec"]:
            spec["spec"] = {"height": NARROW_PANEL_HEIGHT, **spec["spec"]}
    return spec


def _stack_columns(spec: dict) -> dict:
    """Side-by-side panels one above the other, for a narrow screen."""
    if isinstance(spec, dict):
        spec = _wrap_facets(spec)
        if "hconcat" in spec:
            spec = {**{k: v for k, v in spec.items() if k != "hconcat"}, "vconcat": spec["hconcat"]}
        if "concat" in spec:
            spec = {**spec, "columns": 1}
        for key in ("vconcat", "concat"):
            if key in spec:
                spec[key] = [_stack_columns(child) for child in spec[key]]
    return spec


class Fitter:
    """grow: widen the plots to fill the width (a chart drawn for one size); without it, plots are
    only narrowed when they do not fit (the author sized them for this layout)."""

    def __init__(self, spec: dict, layout: Layout, render: Render, grow: bool = True):
        self.layout, self.render, self.grow = layout, render, grow
        spec = copy.deepcopy(spec)
        if layout.narrow:
            spec = _stack_columns(spec)
            config = spec.setdefault("config", {})
            for key, value in NARROW.items():
                config[key] = {**value, **(config.get(key) or {})}
        self.spec = spec
        self.views = list(_views(spec))
        self.base = [float(v["width"]) if isinstance(v.get("width"), (int, float)) else 300.0 for v in self.views]
        self.factor = 1.0

    def _slope(self, node: dict) -> float | None:
        """How fast the drawing's width grows with the widths' factor: a plot's own width, panels side
        by side adding up and stacked ones taking the widest; None where Vega-Lite decides (facets,
        repeats, wrapped concatenations), which the first step then guesses in proportion."""
        bases = {id(v): b for v, b in zip(self.views, self.base)}
        if id(node) in bases:
            return bases[id(node)]
        if "hconcat" in node or "vconcat" in node or ("concat" in node and node.get("columns") == 1):
            parts = [self._slope(child) if isinstance(child, dict) else None
                     for child in node.get("hconcat") or node.get("vconcat") or node.get("concat") or []]
            if not parts or any(p is None for p in parts):
                return None
            return sum(parts) if "hconcat" in node else max(parts)
        return None

    def _set_widths(self, factor: float) -> None:
        self.factor = factor
        for view, base in zip(self.views, self.base):
            view["width"] = max(MIN_PLOT, int(round(base * factor)))

    def fit_width(self) -> str:
        """Solve the plot widths for the target: total width is close to linear in them."""
        target = self.layout.width
        self._set_widths(self.factor)
        svg = self.render(self.spec)
        previous: tuple[float, float] | None = None
        floor = MIN_PLOT / min(self.base) if self.base else 1.0
        for _ in range(6):
            total = svg_width(svg)
            if abs(total - target) <= 1.5 or not self.views or (total < target and not self.grow):
                break
            slope = self._slope(self.spec) if previous is None else None
            if slope:  # the width is the plots' and what is fixed beside them (axes, labels, legends)
                guess = self.factor + (target - total) / slope
            elif previous is None or abs(self.factor - previous[0]) < 1e-9:
                guess = self.factor * target / max(total, 1.0)
            else:
                slope = (total - previous[1]) / (self.factor - previous[0])
                guess = self.factor + (target - total) / slope if slope > 1e-6 else self.factor * target / total
            guess = max(guess, floor)
            if abs(guess - self.factor) < 1e-9:
                break  # the plots are as narrow as they may be
            previous = (self.factor, total)
            self._set_widths(guess)
            svg = self.render(self.spec)
        return svg

    def wrap_labels(self, svg: str) -> bool:
        """Category labels wider than their share of the width go onto lines; True when any did."""
        limit = LABEL_SHARE * self.layout.width
        boxes, _, _ = text_boxes(svg)
        lookup = {}
        for box in boxes:
            if box.role == "axis-label" and box.x1 - box.x0 > limit and " / " not in box.text:
                lines = measure().wrap(box.text, box.size, limit)
                if len(lines) > 1:
                    lookup[box.text] = lines
        if not lookup:
            return False
        expr = f"({json.dumps(lookup, ensure_ascii=False)})[datum.label] || datum.label"
        line_height = round(FONT_SIZE * LINE)
        # Vega sets a label's first line where a one-line label would be: raise the others by half their extra lines.
        shifts = {label: -(len(lines) - 1) * line_height / 2 for label, lines in lookup.items()}
        offset = {"expr": f"({json.dumps(shifts, ensure_ascii=False)})[datum.label] || 0"}
        most = max(len(v) for v in lookup.values())
        applied = False
        for view in self.views:
            for enc in _encodings(view):
                for channel, value in enc.items():
                    if channel not in ("x", "y") or not isinstance(value, dict) or value.get("type") not in ("nominal", "ordinal"):
                        continue
                    if "axis" in value and value["axis"] is None:
                        continue  # no axis at all
                    axis = dict(value.get("axis") or {})
                    if axis.get("labelExpr") == expr:
                        continue
                    axis["labelExpr"] = expr
                    axis["labelLineHeight"] = line_height
                    if channel == "y":
                        axis.setdefault("labelOffset", offset)
                        self._room_for_lines(view, most)
                    value["axis"] = axis
                    applied = True
        return applied

    def _room_for_lines(self, view: dict, lines: int) -> None:
        """Bands tall enough for labels of this many lines (on a narrow screen the author's fixed
        height gives way: it was chosen for one-line labels)."""
        step = math.ceil(lines * FONT_SIZE * LINE + 10)
        height = view.get("height")
        if isinstance(height, (int, float)) and not self.layout.narrow:
            return
        current = height.get("step", 20) if isinstance(height, dict) else 20
        view["height"] = {"step": max(step, current)}

    def wrap_titles(self, svg: str) -> bool:
        """Axis and panel titles wider than the chart go onto lines."""
        boxes, width, _ = text_boxes(svg)
        changed = False
        for box in boxes:
            if box.role not in ("axis-title", "title-text", "title-subtitle") or box.x1 - box.x0 <= width - 8:
                continue
            lines = measure().wrap(box.text, box.size, max(60.0, width - 16), bold=box.role == "title-text")
            if len(lines) > 1:
                changed |= self._replace_title(box.text, lines)
        return changed

    def _replace_title(self, text: str, lines: list[str]) -> bool:
        for enc in _encodings(self.spec):
            for value in enc.values():
                if isinstance(value, dict):
                    for holder in (value, value.get("axis")):
                        if isinstance(holder, dict) and holder.get("title") == text:
                            holder["title"] = lines
                            return True
        for node in [self.spec, *self.views]:
            title = node.get("title")
            if title == text:
                node["title"] = lines
                return True
            if isinstance(title, dict):
                for key in ("text", "subtitle"):
                    if title.get(key) == text:
                        title[key] = lines
                        return True
        return False

    def wrap_turned_titles(self, svg: str) -> bool:
        """An upright axis title repeated on every row of a faceted chart and longer than a row is
        tall (the rows' titles run into each other) goes onto lines as long as a row."""
        boxes, _, _ = text_boxes(svg)
        turned = [b for b in boxes if b.role == "axis-title" and b.y1 - b.y0 > 2 * (b.x1 - b.x0)]
        changed = False
        for text in sorted({b.text for b in turned}):
            same = sorted((b for b in turned if b.text == text), key=lambda b: b.y0)
            pairs = list(zip(same, same[1:]))
            if not any(a.overlaps(b) for a, b in pairs):
                continue
            room = min(b.y0 - a.y0 for a, b in pairs) - 12  # one row's pitch, less a gap
            lines = measure().wrap(text, same[0].size, max(60.0, room))
            if len(lines) > 1:
                changed |= self._replace_title(text, lines)
        return changed

    def turn_crowded_labels(self, svg: str) -> bool:
        """x-axis labels that collide are set at an angle."""
        boxes, _, _ = text_boxes(svg)
        labels = [b for b in boxes if b.role == "axis-label"]
        crowded = any(a.overlaps(b) and abs(a.y0 - b.y0) < 2 for i, a in enumerate(labels) for b in labels[i + 1:])
        axis_x = self.spec.setdefault("config", {}).setdefault("axisX", {})
        if not crowded or axis_x.get("labelAngle") == -90:
            return False
        axis_x["labelAngle"] = -45 if "labelAngle" not in axis_x else -90
        return True

    def run(self) -> Fitted:
        svg = self.fit_width()
        for _ in range(4):
            changed = self.wrap_labels(svg)
            changed |= self.wrap_titles(svg)
            changed |= self.wrap_turned_titles(svg)
            changed |= self.turn_crowded_labels(svg)
            if not changed:
                break
            svg = self.fit_width()
        total = svg_width(svg)  # a drawing wider than the layout is shown scaled down, and its text with it
        scale = self.layout.width / total if total > self.layout.width + 1.5 else 1.0
        return Fitted(self.spec, svg, problems(svg, scale))


def fit(spec: dict, layout: Layout, render: Render, grow: bool = True) -> Fitted:
    """The spec laid out for layout.width, its SVG, and what is still wrong with its text."""
    return Fitter(spec, layout, render, grow).run()
