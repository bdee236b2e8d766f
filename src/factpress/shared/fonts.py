"""The one typeface of every report: Inter (SIL Open Font License, see fonts/OFL.txt), bundled.

Charts are measured and drawn with it (vl-convert), the site serves it as subset WOFF2 files
(fonts/web/, made by scripts/make_webfonts.py) and the PDF embeds it, so the text measured is the
text shown. TextMeasure gives a line's width from the font's own advance widths, for laying out
text in exports and checking chart labels before anyone sees them. What Inter lacks (Chinese,
Japanese, Korean) is drawn and measured with the machine's own sans-serif CJK font, found through
fontconfig, and lines break between CJK characters as well as at spaces.
"""
from __future__ import annotations

import functools
import unicodedata
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


# Where the usual sans-serif CJK fonts live, for a machine without fontconfig to ask: Debian and
# Ubuntu, Arch, Fedora (Noto Sans CJK), macOS (PingFang), Windows (Microsoft YaHei).
KNOWN_CJK = {
    False: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", "/System/Library/Fonts/PingFang.ttc",
            "C:/Windows/Fonts/msyh.ttc"),
    True: ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
           "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc", "/System/Library/Fonts/PingFang.ttc",
           "C:/Windows/Fonts/msyhbd.ttc"),
}
# Named after the face found, for an exported SVG opened on another machine.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei")
_PROBE = 0x4E2D  # 中: a font without it is no CJK font


@dataclass(frozen=True)
class SystemFace:
    """An installed font that draws what Inter lacks (Chinese, Japanese, Korean): its file, the face
    within a collection (.ttc) and its family name."""
    path: str
    index: int
    family: str

    def css_family(self) -> str:
        """The font-family that names this face first, then the usual CJK fonts, then sans-serif."""
        names = dict.fromkeys((self.family, *CJK_FAMILIES)) if self.family else dict.fromkeys(CJK_FAMILIES)
        return ", ".join(f"'{name}'" for name in names) + ", sans-serif"


NO_CJK_FACE = SystemFace("", 0, "")


def _fontconfig_faces(bold: bool):
    """(file, index, family) of what fontconfig gives for sans-serif Chinese, then Japanese, Korean,
    any CJK, one after the other."""
    import shutil
    import subprocess

    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return
    for pattern in ("sans-serif:lang=zh-cn", "sans-serif:lang=ja", "sans-serif:lang=ko", f"sans-serif:charset={_PROBE:x}"):
        pattern += ":weight=bold" if bold else ""
        try:
            out = subprocess.run([fc_match, "-f", "%{file}\\n%{index}\\n%{family[0]}", pattern], capture_output=True,
                                 text=True, check=False, timeout=10).stdout.split("\n")
        except (OSError, subprocess.SubprocessError):
            return
        if len(out) == 3 and out[0]:
            yield out[0], int(out[1] or 0), out[2]


def _open_cjk(path: str, index: int):
    """The font at path (face index of a collection) if it has CJK characters, else None."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(path, fontNumber=index, lazy=True)
        return font if _PROBE in font.getBestCmap() else None
    except Exception:  # an unreadable or odd file: look further
        return None


def _family(font) -> str:
    names = font["name"]
    family = names.getDebugName(16) or names.getDebugName(1) or ""
    for style in (" Regular", " Bold"):
        family = family.removesuffix(style)
    return family


def _collection_index(path: str) -> int:
    """In a collection, the Simplified Chinese face (Noto's CJK collections hold JP, KR, SC, TC, HK)."""
    from fontTools.ttLib import TTCollection

    if not path.lower().endswith(".ttc"):
        return 0
    try:
        collection = TTCollection(path, lazy=True)
    except Exception:
        return 0
    families = [_family(font) for font in collection.fonts]
    return next((i for i, name in enumerate(families) if name.endswith(" SC")), 0)


def find_cjk_font(bold: bool):
    """(SystemFace, its TTFont) of the installed sans-serif CJK font fontconfig picks (or one at a
    known place), or (NO_CJK_FACE, None) when the machine has none."""
    for path, index, family in _fontconfig_faces(bold):
        font = _open_cjk(path, index)
        if font is not None:
            return SystemFace(path, index, family or _family(font)), font
    for path in KNOWN_CJK[bold]:
        if Path(path).is_file():
            index = _collection_index(path)
            font = _open_cjk(path, index)
            if font is not None:
                return SystemFace(path, index, _family(font)), font
    return NO_CJK_FACE, None


# Characters a line must not start with (closing brackets and punctuation, iteration marks) and
# characters it must not end with (opening brackets, currency signs before a number), after UAX #14.
NO_BREAK_BEFORE = frozenset("，。、．：；！？）」』】〕〉》〗〙〛｝］｠〜～…‥ー々〻ゝゞヽヾ・゛゜％‰℃"
                            ",.:;!?)]}%’”»›")
NO_BREAK_AFTER = frozenset("（「『【〔〈《〖〘〚｛［｟‘“«‹([{￥＄$£€¥")


def _wide(c: str) -> bool:
    """Set one to an em, with a line break allowed on either side: CJK ideographs, kana, hangul,
    fullwidth forms (Unicode East Asian Width wide or fullwidth)."""
    return ord(c) >= 0x1100 and unicodedata.east_asian_width(c) in ("W", "F")


def breakable(before: str, after: str) -> bool:
    """Whether a line may break between two characters that no space separates."""
    return (_wide(before) or _wide(after)) and after not in NO_BREAK_BEFORE and before not in NO_BREAK_AFTER


def segments(text: str) -> list[tuple[str, bool]]:
    """The text cut where a line may break, as (piece, whether a space comes before it): at spaces,
    and between CJK characters (not before a closing mark nor after an opening one)."""
    out: list[tuple[str, bool]] = []
    for word in text.split():
        start = 0
        for i in range(1, len(word)):
            if breakable(word[i - 1], word[i]):
                out.append((word[start:i], start == 0 and bool(out)))
                start = i
        out.append((word[start:], start == 0 and bool(out)))
    return out


def wrap_text(text: str, width: float, measure_width) -> list[str]:
    """The text broken into lines no wider than width by measure_width(line), greedily, where
    segments allows; a piece wider than width stands alone on its line."""
    lines: list[str] = []
    line = ""
    for piece, spaced in segments(text):
        candidate = (f"{line} {piece}" if spaced else line + piece) if line else piece
        if line and measure_width(candidate) > width:
            lines.append(line)
            line = piece
        else:
            line = candidate
    return lines + ([line] if line else [])


class TextMeasure:
    """Widths of text set in Inter, from the font's advance widths (kerning left out, which errs
    on the wide side), in pixels at a given size. A character Inter lacks is measured in the CJK
    font the machine draws it with (found once, when first needed), else as an em if it is wide
    (CJK), else as a digit."""

    def __init__(self) -> None:
        self._faces: dict[bool, tuple[dict[int, str], dict[str, int], int]] = {}
        self._cjk: dict[bool, tuple[SystemFace, dict[int, str], dict[str, int], int]] = {}

    def _face(self, bold: bool):
        if bold not in self._faces:
            from fontTools.ttLib import TTFont

            font = TTFont(FONT_DIR / ("Inter-Bold.otf" if bold else "Inter-Regular.otf"), lazy=True)
            widths = {name: advance for name, (advance, _) in font["hmtx"].metrics.items()}
            self._faces[bold] = (font.getBestCmap(), widths, font["head"].unitsPerEm)
        return self._faces[bold]

    def _cjk_face(self, bold: bool):
        if bold not in self._cjk:
            face, font = find_cjk_font(bold)
            if font is None:
                self._cjk[bold] = (face, {}, {}, 1)
            else:
                widths = {name: advance for name, (advance, _) in font["hmtx"].metrics.items()}
                self._cjk[bold] = (face, font.getBestCmap(), widths, font["head"].unitsPerEm)
        return self._cjk[bold]

    def cjk_face(self, bold: bool = False) -> SystemFace:
        """The installed font that draws what Inter lacks (NO_CJK_FACE if there is none)."""
        return self._cjk_face(bold)[0]

    def has(self, c: str, bold: bool = False, cjk: bool = False) -> bool:
        """Whether Inter draws c (with cjk: whether the CJK font does)."""
        return ord(c) in (self._cjk_face(bold)[1] if cjk else self._face(bold)[0])

    def width(self, text: str, size: float, bold: bool = False) -> float:
        cmap, widths, em = self._face(bold)
        digit = widths.get(cmap.get(ord("0"), ""), em // 2)
        units, ems = 0, 0.0
        for c in text:
            name = cmap.get(ord(c))
            if name is not None:
                units += widths.get(name, digit)
                continue
            _, other, other_widths, other_em = self._cjk_face(bold)
            if ord(c) in other:
                ems += other_widths.get(other[ord(c)], other_em) / other_em
            elif _wide(c):
                ems += 1.0
            else:
                units += digit  # nothing known draws it: about a digit's width
        width = units * size / em
        return width + ems * size if ems else width

    def runs(self, text: str, bold: bool = False) -> list[tuple[str, bool]]:
        """The text in runs of (characters, whether the CJK font draws them rather than Inter)."""
        out: list[tuple[str, bool]] = []
        for c in text:
            other = not c.isspace() and not self.has(c, bold)
            if out and (out[-1][1] == other or c.isspace()):
                out[-1] = (out[-1][0] + c, out[-1][1])
            else:
                out.append((c, other))
        return out

    def wrap(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        """The text broken into lines no wider than width, at spaces and between CJK characters (a
        longer word stands alone)."""
        return wrap_text(text, width, lambda line: self.width(line, size, bold))

    def balanced(self, text: str, size: float, width: float, bold: bool = False) -> list[str]:
        """The text in as few lines as the greedy break needs, broken where the longest line is
        shortest, and never after a short word ("of", "the", "in"), which would start a phrase on one
        line and end it on the next: "Dual Circulation in the / Yangtze River Delta", not
        "Dual Circulation in the Yangtze / River Delta". It breaks where wrap may (CJK text between
        characters)."""
        pieces = segments(text)
        words = [piece for piece, _ in pieces]
        spaced = [before for _, before in pieces]
        count = len(self.wrap(text, size, width, bold))
        if count <= 1 or len(words) > 40:
            return self.wrap(text, size, width, bold)
        space = self.width(" ", size, bold)
        widths = [self.width(w, size, bold) for w in words]

        def line_width(i: int, j: int) -> float:
            return sum(widths[i:j]) + space * sum(spaced[i + 1:j])

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
        return ["".join((" " if spaced[k] and k > a else "") + words[k] for k in range(a, b))
                for a, b in zip(edges, edges[1:])]


# Vertical metrics of Inter as fractions of the font size (hhea ascent 2728, descent 680 of 2816):
# the box a browser gives a line of SVG text.
ASCENT = 2728 / 2816
DESCENT = 680 / 2816


@functools.lru_cache(maxsize=1)
def measure() -> TextMeasure:
    """One TextMeasure per process: the font's tables are read once."""
    return TextMeasure()
