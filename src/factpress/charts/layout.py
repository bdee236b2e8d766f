"""Where a rendered chart's text lands: the box of every visible <text> of an SVG, measured with the
bundled font as a browser sets it, and what is wrong with them: text that overlaps other text,
leaves the image, or is set smaller than a reader can read."""
from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from factpress.shared.fonts import ASCENT, DESCENT, measure

SVG_NS = "{http://www.w3.org/2000/svg}"
MIN_TEXT_PX = 10
_TRANSFORM_RE = re.compile(r"(translate|rotate|scale)\(([^)]*)\)")


@dataclass(frozen=True)
class Box:
    text: str
    size: float
    x0: float
    y0: float
    x1: float
    y1: float
    role: str  # the Vega role of the text's group, e.g. axis-label, title-text, mark

    def overlaps(self, other: "Box", slack: float = 1.0) -> bool:
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > slack
                and min(self.y1, other.y1) - max(self.y0, other.y0) > slack)


Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as SVG's matrix()
IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)


def _times(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2, a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _parse_transform(text: str) -> Matrix:
    m = IDENTITY
    for kind, args in _TRANSFORM_RE.findall(text or ""):
        nums = [float(v) for v in re.split(r"[\s,]+", args.strip()) if v]
        if kind == "translate":
            step = (1, 0, 0, 1, nums[0], nums[1] if len(nums) > 1 else 0)
        elif kind == "scale":
            step = (nums[0], 0, 0, nums[1] if len(nums) > 1 else nums[0], 0, 0)
        else:
            r = math.radians(nums[0])
            step = (math.cos(r), math.sin(r), -math.sin(r), math.cos(r), 0, 0)
        m = _times(m, step)
    return m


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _hidden(el: ET.Element) -> bool:
    if el.get("opacity") in ("0", "0.0") or el.get("display") == "none" or el.get("visibility") == "hidden":
        return True
    return el.tag == f"{SVG_NS}text" and (el.get("fill-opacity") == "0" or el.get("fill") in ("transparent", "none"))


def _text_box(el: ET.Element, m: Matrix, role: str) -> Box | None:
    size = float(re.sub(r"px$", "", el.get("font-size", "11")))
    bold = el.get("font-weight") in ("bold", "700", "800", "900")
    lines, offsets, dy = [], [], 0.0
    spans = el.findall(f"{SVG_NS}tspan")
    if spans:
        for span in spans:
            dy += float(span.get("dy", "0") or 0)
            lines.append("".join(span.itertext()))
            offsets.append(dy)
    else:
        lines, offsets = ["".join(el.itertext())], [0.0]
    if not any(line.strip() for line in lines):
        return None
    anchor = {"start": 0.0, "middle": 0.5, "end": 1.0}.get(el.get("text-anchor", "start"), 0.0)
    points = []
    for line, off in zip(lines, offsets):
        w = measure().width(line, size, bold)
        x0 = -anchor * w
        for x, y in ((x0, off - ASCENT * size), (x0 + w, off - ASCENT * size), (x0, off + DESCENT * size),
                     (x0 + w, off + DESCENT * size)):
            points.append(_apply(m, x, y))
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return Box(" / ".join(lines), size * math.hypot(m[0], m[1]), min(xs), min(ys), max(xs), max(ys), role)


def text_boxes(svg: str) -> tuple[list[Box], float, float]:
    """The boxes of the visible text of an SVG, its width and height (its own units)."""
    root = ET.fromstring(svg)
    width, height = float(root.get("width", "0")), float(root.get("height", "0"))
    boxes: list[Box] = []

    def walk(el: ET.Element, m: Matrix, role: str) -> None:
        if _hidden(el):
            return
        m = _times(m, _parse_transform(el.get("transform", "")))
        classes = el.get("class", "")
        found = re.search(r"role-([\w-]+)", classes)
        role = found.group(1) if found else role
        if el.tag == f"{SVG_NS}text":
            box = _text_box(el, m, role)
            if box is not None:
                boxes.append(box)
            return
        for child in el:
            walk(child, m, role)

    walk(root, IDENTITY, "")
    return boxes, width, height


@dataclass(frozen=True)
class Problem:
    kind: str  # overlap | outside | small
    message: str


def problems(svg: str, scale: float = 1.0, min_px: float = MIN_TEXT_PX) -> list[Problem]:
    """What a reader would trip over in this SVG shown at scale (CSS px per SVG unit)."""
    boxes, width, height = text_boxes(svg)
    out = []
    for b in boxes:
        if b.x0 < -0.5 or b.y0 < -0.5 or b.x1 > width + 0.5 or b.y1 > height + 0.5:
            out.append(Problem("outside", f"'{b.text}' runs outside the image"))
        if b.size * scale < min_px - 0.01:
            out.append(Problem("small", f"'{b.text}' is set at {b.size * scale:.1f} px, under {min_px:g} px"))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a.overlaps(b):
                out.append(Problem("overlap", f"'{a.text}' overlaps '{b.text}'"))
    return out


def overflow(svg: str) -> tuple[float, float]:
    """How far text reaches past the left and the right edge of the SVG (0 when it does not)."""
    boxes, width, _ = text_boxes(svg)
    left = max([0.0] + [-b.x0 for b in boxes])
    right = max([0.0] + [b.x1 - width for b in boxes])
    return left, right
