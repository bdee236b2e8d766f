"""The chart theme: one Vega-Lite config applied to every chart, so all charts share a
colour-blind-safe palette and text that meets WCAG contrast on the chart card.

Charts sit on a light card in both the light and the dark site theme, so one set of colours
serves both; every mark colour has at least 3:1 contrast and all text at least 4.5:1 on it.
"""
from __future__ import annotations

CARD = "#ffffff"
TEXT = "#1a1a1a"
MUTED = "#4d4d4d"
# Okabe and Ito's colour-blind-safe set, darkened where needed to reach 3:1 on white.
PALETTE = ["#0072b2", "#c24e00", "#00795b", "#a8517f", "#595959"]

THEME_VERSION = "2"

CONFIG = {
    "background": CARD,
    # Room around the plot: a reader's font may set labels wider than the one the SVG was measured with.
    "padding": {"left": 16, "right": 56, "top": 8, "bottom": 8},
    "font": "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif",
    "view": {"stroke": None},
    "range": {"category": PALETTE},
    "mark": {"color": PALETTE[0]},
    "bar": {"color": PALETTE[0]},
    "rect": {"color": PALETTE[0]},
    "text": {"color": TEXT},
    "title": {"color": TEXT, "subtitleColor": MUTED, "anchor": "start", "fontSize": 14},
    "axis": {"labelColor": TEXT, "titleColor": TEXT, "domainColor": MUTED, "tickColor": MUTED,
             "gridColor": "#d9d9d9", "labelFontSize": 12, "titleFontSize": 12},
    "legend": {"labelColor": TEXT, "titleColor": TEXT, "labelFontSize": 12},
    "header": {"labelColor": TEXT, "titleColor": TEXT, "labelFontSize": 12},
}


def apply_theme(spec: dict) -> dict:
    """The spec with the theme under the author's own config (the author's settings win)."""
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in CONFIG.items()}
    for key, value in (spec.get("config") or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(value)
        else:
            merged[key] = value
    return {**spec, "config": merged}


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    def lum(c: str) -> float:
        rgb = [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
