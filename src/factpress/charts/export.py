"""The chart as an image that stands alone (charts/ID.svg and .png): its title and subtitle above,
the source line, notes and the report's name and address below, laid out with the bundled font;
the SVG carries that font with it, so it looks the same wherever it is opened. Text Inter lacks
(Chinese, say) is set in the machine's CJK font, which the SVG names but does not carry."""
from __future__ import annotations

import base64
import re
from xml.sax.saxutils import escape

from factpress.charts.theme import CARD, MUTED, TEXT
from factpress.shared.fonts import ASCENT, CHART_FONT, FONT_DIR, measure

PAD = 20
TITLE, SUBTITLE, FOOT = 20, 14, 12
LINE = 1.3
GAP = 12


def _lines(texts: list[str], size: float, width: float, bold: bool = False) -> list[str]:
    out = []
    for text in texts:
        if text:
            out.extend(measure().wrap(text, size, width, bold))
    return out


def _spans(line: str, x: float, size: float, bold: bool) -> str:
    """The line as it goes inside its <text>: the text itself when Inter draws all of it, else a
    <tspan> per run of characters, those Inter lacks naming the CJK font, each placed where the one
    before ends (a renderer that draws a whole <text> in one fallback font then still draws Inter)."""
    runs = measure().runs(line, bold)
    if len(runs) == 1 and not runs[0][1]:
        return escape(line)
    family = escape(measure().cjk_face(bold).css_family(), {'"': "&quot;"})
    parts = []
    for text, cjk in runs:
        font = f' font-family="{family}"' if cjk else ""
        parts.append(f'<tspan x="{x:.2f}"{font}>{escape(text)}</tspan>')
        x += measure().width(text, size, bold)
    return "".join(parts)


def _text_block(lines: list[str], x: float, y: float, size: float, colour: str, bold: bool = False) -> tuple[str, float]:
    """<text> elements for lines from top y; the SVG and the y below them."""
    parts = []
    for line in lines:
        baseline = y + ASCENT * size
        weight = ' font-weight="bold"' if bold else ""
        parts.append(f'<text x="{x:g}" y="{baseline:.1f}" font-family="{escape(CHART_FONT)}" font-size="{size:g}px"'
                     f'{weight} fill="{colour}">{_spans(line, x, size, bold)}</text>')
        y += size * LINE
    return "".join(parts), y


def too_wide(lines: list[str], size: float, width: float, bold: bool = False) -> list[str]:
    """What is wrong with lines that do not fit width (a word with nowhere to break)."""
    found = []
    for line in lines:
        w = measure().width(line, size, bold)
        if w > width + 0.5:
            found.append(f"'{line}' is {w:.0f} px wide, wider than the image's {width:.0f} px, and has nowhere to break")
    return found


def _font_style(bold: bool) -> str:
    faces = [("inter-regular-latin.woff2", 400)] + ([("inter-bold-latin.woff2", 700)] if bold else [])
    rules = []
    for name, weight in faces:
        data = base64.b64encode((FONT_DIR / "web" / name).read_bytes()).decode("ascii")
        rules.append(f"@font-face{{font-family:Inter;font-weight:{weight};src:url(data:font/woff2;base64,{data}) "
                     'format("woff2")}')
    return f"<style>{''.join(rules)}</style>"


def export_svg(chart_svg: str, info: dict, problems: list[str] | None = None) -> str:
    """info: title, subtitle, note, source (the source line) and credit (the report's name and address);
    a line too wide for the image is told in problems."""
    head = re.match(r"<svg[^>]*>", chart_svg)
    width = float(re.search(r'\bwidth="([\d.]+)"', head.group(0)).group(1))
    height = float(re.search(r'\bheight="([\d.]+)"', head.group(0)).group(1))
    inner = max(width, 240.0)
    total = inner + 2 * PAD
    y = float(PAD)
    parts = []
    title = _lines([info.get("title", "")], TITLE, inner, True)
    subtitle = _lines([info.get("subtitle", "")], SUBTITLE, inner)
    block, y = _text_block(title, PAD, y, TITLE, TEXT, True)
    parts.append(block)
    block, y = _text_block(subtitle, PAD, y, SUBTITLE, MUTED)
    parts.append(block)
    y += GAP
    nested = chart_svg.replace("<svg ", f'<svg x="{PAD}" y="{y:g}" ', 1)
    parts.append(nested)
    y += height + GAP
    notes = [info.get("source", "")] + [f"Note: {info['note']}" if info.get("note") else ""] + [info.get("credit", "")]
    foot = _lines(notes, FOOT, inner)
    block, y = _text_block(foot, PAD, y, FOOT, MUTED)
    parts.append(block)
    if problems is not None:
        problems.extend(too_wide(title, TITLE, inner, True) + too_wide(subtitle, SUBTITLE, inner) + too_wide(foot, FOOT, inner))
    total_height = y + PAD - (FOOT * (LINE - 1))
    bold = True
    return (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
            f'width="{total:g}" height="{total_height:.0f}" viewBox="0 0 {total:g} {total_height:.0f}">'
            f"<title>{escape(info.get('title', ''))}</title>{_font_style(bold)}"
            f'<rect width="100%" height="100%" fill="{CARD}"/>' + "".join(parts) + "</svg>")
