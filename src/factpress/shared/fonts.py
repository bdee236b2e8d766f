"""The one typeface of every report: Inter (SIL Open Font License, see fonts/OFL.txt), bundled.

Charts are measured and drawn with it (vl-convert), the site serves it as subset WOFF2 files
(fonts/web/, made by scripts/make_webfonts.py) and the PDF embeds it, so the text measured is the
text shown. TextMeasure gives a line's width from the font's own advance widths, for laying out
text in exports and checking chart labels before anyone sees them.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FAMILY = "Inter"
# What every chart and page names: the bundled face first, then fonts for scripts it lacks.
STACK = ("Inter, 'Noto Sans', 'Noto Sans CJK SC', 'DejaVu Sans', system-ui, -apple-system, 'Segoe UI', Roboto, "
         "sans-serif")
CHART_FONT = "Inter, sans-serif"


@dataclass(frozen=True)
class Face:
    file: str
    weight: int
    style: str  # normal | italic


FACES = (Face("Inter-Regular.otf", 400, "normal"), Face("Inter-Italic.otf", 400, "italic"),
         Face("Inter-Bold.otf", 700, "normal"), Face("Inter-BoldItalic.otf", 700, "italic"))

# The Latin core every page needs; the rest of Inter's characters are in a second file per face.
LATIN = sorted({*range(0x20, 0x7F), *range(0xA0, 0x100), 0x131, 0x152, 0x153, 0x2BB, 0x2BC, 0x2C6, 0x2DA, 0x2DC,
                *range(0x2000, 0x2070), 0x2074, 0x20AC, 0x2122, 0x2191, 0x2193, 0x2212, 0x2215, 0xFEFF, 0xFFFD})
LATIN_RANGE = ("U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+2000-206F, U+2074, "
               "U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD")


def web_font_name(face: Face, part: str) -> str:
    return f"{face.file[:-4].lower()}-{part}.woff2"


def web_fonts() -> dict[str, bytes]:
    """The site's font files, by their name under assets/fonts/."""
    folder = FONT_DIR / "web"
    return {f"assets/fonts/{path.name}": path.read_bytes() for path in sorted(folder.glob("*.woff2"))}


def unicode_ranges(codes, gap: int = 1) -> str:
    """Code points as a CSS unicode-range list: U+0100-017F, U+0192, ...; runs less than gap
    apart are joined (a range may then name characters the font lacks: browsers fall back)."""
    runs: list[list[int]] = []
    for c in sorted(codes):
        if runs and c <= runs[-1][1] + gap:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return ", ".join(f"U+{a:04X}" if a == b else f"U+{a:04X}-{b:04X}" for a, b in runs)


def font_face_css(href, ext_codes) -> str:
    """@font-face rules for the site; href(name) gives the address of a file under assets/fonts/,
    ext_codes the characters of the second file of each face. Each file says what it covers
    (unicode-range), so a browser fetches only the files a page's text needs. The second file's
    ranges are broad; the Latin core comes after it, so it wins where the two overlap."""
    rules = []
    for face in FACES:
        for part, ranges in (("ext", unicode_ranges(ext_codes, gap=128)), ("latin", LATIN_RANGE)):
            name = web_font_name(face, part)
            rules.append(f"@font-face {{ font-family: {FAMILY}; font-style: {face.style}; font-weight: {face.weight}; "
                         f"font-display: swap; unicode-range: {ranges}; src: url(\"{href(name)}\") format(\"woff2\"); }}")
    return "\n".join(rules) + "\n"


def print_font_face_css() -> str:
    """@font-face rules for the PDF: the full fonts, which WeasyPrint subsets as it embeds them."""
    return "\n".join(f"@font-face {{ font-family: {FAMILY}; font-style: {f.style}; font-weight: {f.weight}; "
                     f"src: url(\"{(FONT_DIR / f.file).as_uri()}\"); }}" for f in FACES) + "\n"


class TextMeasure:
    """Widths of text set in Inter, from the font's advance widths (kerning left out, which errs
    on the wide side), in pixels at a given size."""

    def __init__(self) -> None:
        self._faces: dict[bool, tuple[dict[int, str], dict[str, int], int]] = {}

    def _face(self, bold: bool):
        if bold not in self._faces:
            from fontTools.ttLib import TTFont

            font = TTFont(FONT_DIR / ("Inter-Bold.otf" if bold else "Inter-Regular.otf"), lazy=True)
            widths = {name: advance for name, (advance, _) in font["hmtx"].metrics.items()}
            self._faces[bold] = (font.getBestCmap(), widths, font["head"].unitsPerEm)
        return self._faces[bold]

    def width(self, text: str, size: float, bold: bool = False) -> float:
        cmap, widths, em = self._face(bold)
        fallback = widths.get(cmap.get(ord("0"), ""), em // 2)  # a character Inter lacks: about a digit's width
        return sum(widths.get(cmap.get(ord(c), ""), fallback) for c in text) * size / em

    def wrap(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        """The text broken at spaces into lines no wider than width (a longer word stands alone)."""
        lines: list[str] = []
        line = ""
        for word in text.split():
            candidate = f"{line} {word}" if line else word
            if line and self.width(candidate, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        return lines + ([line] if line else [])

    def balanced(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        """The text in as few lines as the greedy break needs, broken where the longest line is
        shortest, and never after a short word ("of", "the", "in"), which would start a phrase on one
        line and end it on the next: "Dual Circulation in the / Yangtze River Delta", not
        "Dual Circulation in the Yangtze / River Delta"."""
        words = text.split()
        count = len(self.wrap(text, size, width, bold))
        if count <= 1 or len(words) > 40:
            return self.wrap(text, size, width, bold)
        space = self.width(" ", size, bold)
        widths = [self.width(w, size, bold) for w in words]

        def line_width(i: int, j: int) -> float:
            return sum(widths[i:j]) + space * (j - i - 1)

        @functools.lru_cache(maxsize=None)
        def best(i: int, lines: int) -> tuple[float, tuple[int, ...]]:
            """(cost, break points) for words[i:] in this many lines: the widest line, plus a
            penalty for each line that ends on a short word."""
            if lines == 1:
                w = line_width(i, len(words))
                return (w if w <= width else float("inf")), ()
            found: tuple[float, tuple[int, ...]] = (float("inf"), ())
            for j in range(i + 1, len(words) - lines + 2):
                w = line_width(i, j)
                if w > width:
                    break
                rest, breaks = best(j, lines - 1)
                penalty = width / 4 if len(words[j - 1]) <= 3 and words[j - 1].islower() else 0
                cost = max(w + penalty, rest)
                if cost < found[0]:
                    found = (cost, (j, *breaks))
            return found

        cost, breaks = best(0, count)
        if cost == float("inf"):
            return self.wrap(text, size, width, bold)
        edges = (0, *breaks, len(words))
        return [" ".join(words[a:b]) for a, b in zip(edges, edges[1:])]


# Vertical metrics of Inter as fractions of the font size (hhea ascent 2728, descent 680 of 2816):
# the box a browser gives a line of SVG text.
ASCENT = 2728 / 2816
DESCENT = 680 / 2816


@functools.lru_cache(maxsize=1)
def measure() -> TextMeasure:
    """One TextMeasure per process: the font's tables are read once."""
    return TextMeasure()
