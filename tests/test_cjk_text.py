"""Chinese titles in the downloadable chart image and the link-preview card: they break between
characters (not before a closing mark nor after an opening one), every line fits the image, the
characters Inter lacks are set in a sans-serif CJK font, and a word that cannot fit is a warning."""
from __future__ import annotations

import html
import io
import re

import pytest

from conftest import cli
from factpress.shared.fonts import measure

TITLE = "2023年莱茵河科隆、科布伦茨和巴塞尔三个水文站全年各月降水量（毫米）与流量的变化情况"
REPORT_TITLE = "2023年莱茵河科隆、科布伦茨和巴塞尔三个水文站降水量、流量与气温变化情况测试报告"
CHART = '''import altair as alt
from factpress import chart

@chart("c1", title={title!r}, subtitle="每个日历月的降水总量（毫米），虚构样本数据")
def c1(facts):
    return alt.Chart(alt.Data(values=[{{"r": "浙江", "v": facts.value("zj-trade")}}])).mark_bar().encode(x="r:N", y="v:Q")
'''
PAD = 20  # the export image's margin


def zh_project(mini, title: str):
    (mini / "charts" / "c.py").write_text(CHART.format(title=title), "utf-8")
    report = mini / "content" / "report.yaml"
    text = report.read_text("utf-8").replace("title: Test report", f"title: {REPORT_TITLE}")
    report.write_text(text + "language: zh-Hans\n", "utf-8")
    return mini


def title_lines(svg: str) -> list[tuple[str, list[tuple[float, str, str]]]]:
    """The export's title lines (20 px bold <text>): each its text and its runs (x, font-family, text)."""
    out = []
    for attrs, body in re.findall(r'<text x="20" ([^>]*font-size="20px" font-weight="bold"[^>]*)>(.*?)</text>', svg):
        family = re.search(r'font-family="([^"]*)"', attrs).group(1)
        runs = [(float(x), html.unescape(own or family), html.unescape(text))
                for x, own, text in re.findall(r'<tspan x="([\d.]+)"(?: font-family="([^"]*)")?>([^<]*)</tspan>', body)]
        out.append(("".join(t for _, _, t in runs) if runs else html.unescape(body), runs))
    return out


@pytest.fixture(scope="module")
def zh_site(tmp_path_factory):
    from conftest import copy_project

    project = zh_project(copy_project("mini", tmp_path_factory.mktemp("zh")), TITLE)
    result = cli("build", project, "-q")
    assert result.exit_code == 0, result.output
    return project / "site"


def test_a_long_chinese_chart_title_wraps_inside_the_exported_image(zh_site):
    svg = (zh_site / "charts" / "c1.svg").read_text("utf-8")
    image_width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg).group(1))
    lines = title_lines(svg)
    assert len(lines) >= 2, lines
    assert "".join(text for text, _ in lines) == TITLE  # broken between characters, nothing lost or added
    for text, runs in lines:
        assert measure().width(text, 20, bold=True) <= image_width - 2 * PAD, text
        assert text[0] not in "，、。）」" and text[-1] not in "（「", text
        for x, family, run in runs:  # each run ends inside the image, set in the face it was measured with
            assert x + measure().width(run, 20, bold=True) <= image_width - PAD + 0.01, (run, x)
            if any(not measure().has(c, True) for c in run):
                assert "CJK" in family and family.endswith("sans-serif"), family
            else:
                assert family == "Inter, sans-serif", family


def test_the_chinese_title_draws_inside_the_png_in_a_cjk_font(zh_site):
    from PIL import Image

    face = measure().cjk_face(bold=True)
    assert "Sans" in face.family  # the machine's CJK font is a sans-serif one (scripts/test.sh installs Noto)
    svg = (zh_site / "charts" / "c1.svg").read_text("utf-8")
    assert f"'{face.family}'" in svg
    image = Image.open(io.BytesIO((zh_site / "charts" / "c1.png").read_bytes())).convert("L")
    w, _ = image.size
    band = image.crop((0, 0, w, 2 * 80))  # the title's lines, at the PNG's scale of 2
    ink = band.point(lambda v: 255 if v < 128 else 0).getbbox()
    assert ink and ink[2] <= w - PAD * 2 + 4, (ink, w)  # dark title pixels stop at the right margin


def test_a_long_chinese_report_title_wraps_on_the_social_card(zh_site):
    from PIL import Image

    image = Image.open(io.BytesIO((zh_site / "assets" / "social.png").read_bytes())).convert("L")
    ink = image.crop((0, 90, 1200, 420)).point(lambda v: 255 if v < 80 else 0).getbbox()
    assert ink[2] <= 1200 - 80 + 2, ink  # nothing in the right margin: the title was not cut off at the edge
    assert ink[3] - ink[1] > 2 * 64, ink  # it took more than two lines


def test_a_title_word_too_long_for_the_image_is_a_warning_at_the_chart(mini):
    word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt" * 2
    zh_project(mini, f"水文站{word}")
    result = cli("check", mini, "--strict")
    assert result.exit_code == 1, result.output
    line = next(line for line in result.output.splitlines() if "chart 'c1' (export layout)" in line)
    assert line.startswith("charts/c.py:4: warning: ") and f"'{word}' is " in line and "nowhere to break" in line, line


def test_cjk_breaks_follow_the_kinsoku_rules_and_latin_breaks_only_at_spaces():
    from factpress.shared.fonts import segments, wrap_text

    assert [p for p, _ in segments("科隆、科布（毫米）和")] == ["科", "隆、", "科", "布", "（毫", "米）", "和"]
    assert segments("Trade grew, 2020") == [("Trade", False), ("grew,", True), ("2020", True)]
    assert [p for p, _ in segments("2024年3月")] == ["2024", "年", "3", "月"]
    text = "Dual Circulation in the Yangtze River Delta, from a far smaller base"
    assert wrap_text(text, 30, len) == ["Dual Circulation in the", "Yangtze River Delta, from a", "far smaller base"]
    assert measure().width("中文", 10) == 20  # an em each, in the CJK font (or as an em without one)
