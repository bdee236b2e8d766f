"""Traceable numbers: check warns on figures typed in prose, --strict fails on them, --explain lists every number."""
from __future__ import annotations

from conftest import cli

PROSE = """
## The 3 regions of the 14th plan

Trade was {fact}`zj-trade`, {fact}`zj-trade.change`, and some 40 million people
and 3.5% more firms (12 in all) saw it in 2020, on 5 September 2020, on 2020-09-05 and
in the 1990s, after COVID-19, at the G20, with 5G and PM2.5 in Shanghai.

1. a list item numbered by markup
2. `code 99 stays code`

```
numbers 1234 in a code block
```

Note[^1].

[^1]: A footnote says 77.
"""


def test_typed_numbers_warn_and_strict_fails(mini):
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + PROSE)
    result = cli("check", mini)
    assert result.exit_code == 0, result.output
    warned = [line for line in result.output.splitlines() if "typed in prose" in line]
    assert warned == [
        "content/one.md:22:8: warning: number '3' typed in prose; cite it from a fact with {fact}`id`",
        "content/one.md:24:63: warning: number '40' typed in prose; cite it from a fact with {fact}`id`",
        "content/one.md:25:5: warning: number '3.5%' typed in prose; cite it from a fact with {fact}`id`",
        "content/one.md:25:22: warning: number '12' typed in prose; cite it from a fact with {fact}`id`",
        "content/one.md:37:23: warning: number '77' typed in prose; cite it from a fact with {fact}`id`",
    ]
    strict = cli("check", "--strict", mini)
    assert strict.exit_code == 1
    assert "Traceback" not in strict.output
    assert "content/one.md:25:5: error" not in strict.output  # warnings stay warnings, the run fails on them
    assert "content/one.md:24:63: warning: number '40'" in strict.output
    assert strict.output.splitlines()[-1] == "check failed: 5 problems; nothing was written"


def test_explain_lists_every_number_with_its_fact_and_source(mini):
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\nAbout 12 more.\n")
    result = cli("check", "--explain", mini)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "content/one.md (one.html)"
    assert "  8:11     1.47 trillion yuan         fact zj-trade <- A source with <b>markup</b> & more (P, 2020-09-05)" in lines
    assert "  8:29     +4.2% year on year         fact zj-trade <- A source with <b>markup</b> & more (P, 2020-09-05)" in lines
    assert any("fact anhui-trade (in a facts table)" in line for line in lines)
    assert any("fact zj-trade (in chart c1)" in line for line in lines)
    assert "  22:7     12                         typed in prose, no fact" in lines


def test_first_report_passes_strict_check(report):
    result = cli("check", "--strict", "--base-url", "https://octo.github.io/factpress/", report)
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.output


def test_many_warnings_of_one_kind_are_counted_beyond_the_first_ten(mini):
    page = mini / "content" / "one.md"
    page.write_text(page.read_text() + "\n" + "".join(f"Line {n + 11} has {n * 7 + 101} items.\n\n" for n in range(15)))
    built = cli("build", mini)
    assert built.exit_code == 0, built.output
    lines = built.output.splitlines()
    typed = [line for line in lines if "typed in prose" in line]
    assert len(typed) == 10
    assert typed[0].endswith("number '11' typed in prose; cite it from a fact with {fact}`id`")
    more = "... and 20 more warnings of this kind (typed-number); run with -v to list them all"
    assert more in lines
    assert [line for line in lines if line.startswith("...")] == [more]  # the unused facts are of another kind, and fewer
    again = cli("build", mini)  # up to date: the same summary, not the whole list
    assert [line for line in again.output.splitlines() if "typed" in line or line.startswith("...")] == typed + [more]
    every = cli("build", "-v", mini)
    assert len([line for line in every.output.splitlines() if "typed in prose" in line]) == 30
    assert "more warnings" not in every.output
    checked = cli("check", "-v", mini)
    assert len([line for line in checked.output.splitlines() if "typed in prose" in line]) == 30
    assert more in cli("check", mini).output


def test_english_dates_written_without_babel_are_babels():
    """English long dates, months and quarters are written without loading Babel's locale data;
    they must be exactly what Babel (CLDR) writes, for every day of a leap year."""
    import datetime

    from babel.dates import format_date, format_skeleton

    from factpress.facts.periods import period_text
    from factpress.shared.locale import DAY_FIRST, long_date, month_year, quarter

    for language in DAY_FIRST:
        locale = language.replace("-", "_")
        day = datetime.date(2020, 1, 1)
        while day.year == 2020:
            assert long_date(day.isoformat(), language) == format_date(day, "long", locale=locale)
            assert month_year(day.isoformat(), language) == format_skeleton("yMMMM", day, locale=locale)
            day += datetime.timedelta(days=1)
        for q in range(1, 5):
            assert quarter(2020, q, language) == format_skeleton("yQQQ", datetime.date(2020, 3 * q - 2, 1), locale=locale)
    assert period_text("2020-06-01/2020-06-15", "en") == "June 1–15, 2020"
    assert period_text("2020-06-01/2020-06-15", "en-GB") == "1–15 June 2020"
