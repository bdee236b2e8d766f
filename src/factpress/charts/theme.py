"""The chart theme: one Vega-Lite config applied to every chart, so all charts share the bundled
typeface, a colour-blind-safe palette and text that meets WCAG contrast.

The palette serves both site themes: every mark colour has at least 3:1 contrast on the light
card and on the dark one, and white text on any of them at least 4.5:1. Text, axes, grid and the
card itself change with the scheme: the site's stylesheet maps the colours below (LIGHT) to their
dark counterparts (DARK), so one SVG serves both.
"""
from __future__ import annotations

from factpress.shared.fonts import CHART_FONT

CARD = "#ffffff"
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"
GRID = "#d9d9d9"
DOMAIN = "#757575"
# Okabe and Ito's colour-blind-safe set, each adjusted to read on both cards, then ochre, violet and
# red (the same contrasts), so up to eight series get eight colours.
PALETTE = ["#0072b2", "#c24e00", "#007b5d", "#a8517f", "#767676", "#8a6a00", "#6a5acd", "#cc3d3d"]

LIGHT = {"card": CARD, "text": TEXT, "muted": MUTED, "grid": GRID, "domain": DOMAIN}
DARK = {"card": "#1d2126", "text": "#e8e8e8", "muted": "#b8b8b8", "grid": "#3a3f45", "domain": "#8c8c8c"}

THEME_VERSION = "4"

FONT_SIZE = 12  # every label; titles are larger. With charts shown at their own size, 12 SVG px = 12 CSS px.

CONFIG = {
    "background": CARD,
    "padding": {"left": 4, "right": 8, "top": 4, "bottom": 4},
    "font": CHART_FONT,
    "view": {"stroke": None},
    "range": {"category": PALETTE},
    "mark": {"color": PALETTE[0]},
    "bar": {"color": PALETTE[0]},
    "rect": {"color": PALETTE[0]},
    "line": {"strokeWidth": 2.5},
    "text": {"color": TEXT, "fontSize": FONT_SIZE},
    "title": {"color": TEXT, "subtitleColor": MUTED, "anchor": "start", "fontSize": 14, "subtitleFontSize": 12,
              "fontWeight": "bold", "offset": 8},
    "axis": {"labelColor": TEXT, "titleColor": MUTED, "domainColor": DOMAIN, "tickColor": DOMAIN, "gridColor": GRID,
             "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE, "titleFontWeight": "normal",
             "labelOverlap": True, "labelSeparation": 3, "labelLimit": 0, "titlePadding": 6},
    "axisBand": {"ticks": False, "domain": False},
    "legend": {"labelColor": TEXT, "titleColor": MUTED, "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE,
               "titleFontWeight": "normal", "labelLimit": 0, "rowPadding": 5, "columnPadding": 12},
    "header": {"labelColor": TEXT, "titleColor": MUTED, "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE,
               "titleFontWeight": "normal"},
}

# What a narrow screen changes: legends go under the plot, where they have the whole width.
NARROW = {"legend": {"orient": "bottom", "direction": "horizontal", "columns": 2}}


def apply_theme(spec: dict, extra: dict | None = None) -> dict:
    """The spec with the theme (and extra settings) under the author's own config (the author's settings win)."""
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in CONFIG.items()}
    for key, value in list((extra or {}).items()) + list((spec.get("config") or {}).items()):
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return {**spec, "config": merged}


def dark_css(scope: str) -> str:
    """CSS that turns the light theme's colours in charts under scope into the dark theme's."""
    rules = [f"{scope} svg > rect[fill=\"{CARD}\"] {{ fill: {DARK['card']}; }}"]
    for name in ("text", "muted"):
        rules.append(f"{scope} [fill=\"{LIGHT[name]}\"] {{ fill: {DARK[name]}; }}")
    for name in ("grid", "domain", "muted", "text"):
        rules.append(f"{scope} [stroke=\"{LIGHT[name]}\"] {{ stroke: {DARK[name]}; }}")
    return "\n".join(rules) + "\n"


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def lum(c: str) -> float:
        rgb = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
