"""Make the site's web fonts: each bundled Inter face as two subset WOFF2 files, the Latin core and
the rest of the font's characters, so a browser downloads the second only for a page that uses
them (@font-face unicode-range). Run after changing the fonts in src/factpress/fonts/; the output
is committed, so a build never spends time on it. Same input, same bytes."""
from __future__ import annotations

import io
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "src" / "factpress" / "fonts"
sys.path.insert(0, str(FONTS.parent.parent))

from factpress.shared.fonts import FACES, LATIN, font_face_css, web_font_name  # noqa: E402

STYLE = FONTS.parent / "site" / "theme" / "static" / "style.css"
BEGIN, END = "/* fonts: made by scripts/make_webfonts.py */\n", "/* fonts: end */\n"


def woff2(source: Path, codes: list[int]) -> bytes:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # keep tabular figures, fractions and kerning
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codes)
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out, reorderTables=True)
    return out.getvalue()


def main() -> None:
    latin = set(LATIN)
    (FONTS / "web").mkdir(exist_ok=True)
    ext: set[int] = set()
    for face in FACES:
        source = FONTS / face.file
        codes = sorted(TTFont(source, lazy=True).getBestCmap())
        ext |= {c for c in codes if c not in latin}
        for part, wanted in (("latin", [c for c in codes if c in latin]), ("ext", [c for c in codes if c not in latin])):
            data = woff2(source, wanted)
            (FONTS / "web" / web_font_name(face, part)).write_bytes(data)
            print(f"{web_font_name(face, part)}: {len(wanted)} characters, {len(data) // 1024} KB")
    css = STYLE.read_text("utf-8")
    block = BEGIN + font_face_css(lambda name: f"fonts/{name}", ext) + END
    if BEGIN in css:
        css = css[:css.index(BEGIN)] + block + css[css.index(END) + len(END):]
    else:
        css = block + css
    STYLE.write_text(css, "utf-8")


if __name__ == "__main__":
    main()
